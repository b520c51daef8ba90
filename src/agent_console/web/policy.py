"""The security policy, pure: what an HTTP request or WebSocket handshake must show to be let
in, decided from its headers alone (no I/O, no clock), and the bounds on JSON bodies.

Checks, in order; the first that fails answers:
 1. Host is a loopback name or address with the server's port, the bound address, or an
    --allow-host entry, else 403 (DNS rebinding: a foreign name made to resolve to 127.0.0.1).
 2. Origin, when sent, is the request's own origin (scheme://Host) or an --allow-origin entry,
    else 403 (cross-site requests; a WebSocket handshake is not covered by CORS).
 3. A page opened with ?token=: a valid token sets the login cookie and redirects to the same
    page without it; a wrong one gets a 401 page.
 4. Every /api route but GET /api/health, and every WebSocket, needs the token: a Bearer header,
    ?token=, or the login cookie, else 401. A token that is sent must be right, cookie or not.
 5. With the cookie alone, WebSocket handshakes and state-changing requests must carry an
    Origin (browsers always send one there), else 403.
 6. A state-changing request with a body needs Content-Type: application/json (a cross-site form
    cannot send it), else 415; /api bodies are capped (413) and their JSON nesting and number
    length bounded (400), since the stdlib parser takes whatever it is given.

A worker's hook route, `POST /api/hooks/{worker}/{launch}`, takes exactly that launch's hook
secret (access.hook_secret) as a Bearer token, and nothing else: not the access token, not the
cookie, not another worker's secret; no browser calls it, so it refuses any Origin. A hook secret
opens no other route.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from starlette.datastructures import Headers
from starlette.types import Scope

from agent_console import access
from agent_console.config import Settings

MAX_BODY = 1024 * 1024
MAX_DEPTH = 64
MAX_DIGITS = 100
COOKIE_MAX_AGE = 30 * 24 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})
API_CSP = "default-src 'none'; frame-ancestors 'none'"
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'{sockets}; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HOST_REFUSED = "Host not allowed: use a loopback address, or start the server with --allow-host"
ORIGIN_REFUSED = (
    "cross-origin request refused: Origin is neither this server's own origin "
    "nor an --allow-origin entry"
)
COOKIE_WITHOUT_ORIGIN = (
    "a request authenticated by the cookie alone must carry an Origin header; send the token"
)
NOT_JSON = "send the body as Content-Type: application/json"
INVALID_LINK = (
    "This link's token is not valid for this server. Open the URL that `agent-console serve` "
    "printed."
)
UNAUTHORIZED = (
    "missing or wrong access token: open the URL that `agent-console serve` printed, "
    "or send Authorization: Bearer <token>"
)


# --- what a request says about itself ---------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    websocket: bool
    method: str
    path: str
    raw_path: str
    query: list[tuple[str, str]]
    secure: bool
    host: str | None
    origin: str | None
    bearer: str | None  # None: no Authorization header; "": one that is not a Bearer token
    query_token: str | None  # None: no token parameter; "": an ambiguous one
    cookie: str | None
    content_type: str | None
    has_body: bool

    @classmethod
    def of(cls, scope: Scope, cookie_name: str) -> Facts:
        headers = Headers(scope=scope)
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        tokens = [v for k, v in query if k == "token"]
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
        length = headers.get("content-length", "")
        return cls(
            websocket=scope["type"] == "websocket",
            method=scope.get("method", "GET").upper(),
            path="/" + scope["path"].lstrip("/"),
            raw_path=raw_path.decode("latin-1"),
            query=query,
            secure=scope.get("scheme") in ("https", "wss"),
            host=_single(headers.getlist("host")),
            origin=_single(headers.getlist("origin"), joined=True),
            bearer=_bearer(headers.getlist("authorization")),
            query_token=(tokens[0] if len(tokens) == 1 else "") if tokens else None,
            cookie=_cookie(headers.getlist("cookie"), cookie_name),
            content_type=headers.get("content-type"),
            has_body=length not in ("", "0") or "transfer-encoding" in headers,
        )

    @property
    def api(self) -> bool:
        return self.path == "/api" or self.path.startswith("/api/")

    @property
    def page(self) -> bool:
        """A page a person opens (not the API, not a socket): refusals are HTML."""
        return not self.api and not self.websocket

    @property
    def changing(self) -> bool:
        return self.websocket or self.method not in SAFE_METHODS


def _single(values: list[str], joined: bool = False) -> str | None:
    """One header value; several are ambiguous (None, or all joined so that nothing matches)."""
    if not values:
        return None
    return values[0] if len(values) == 1 else (",".join(values) if joined else None)


def _bearer(values: list[str]) -> str | None:
    if not values:
        return None
    scheme, _, credentials = values[0].strip().partition(" ")
    ok = len(values) == 1 and scheme.lower() == "bearer"
    return credentials.strip() if ok else ""


def _cookie(values: list[str], name: str) -> str | None:
    found = [
        value.strip()
        for header in values
        for key, sep, value in (part.partition("=") for part in header.split(";"))
        if sep and key.strip() == name
    ]
    return found[0] if len(found) == 1 else ("" if found else None)


# --- decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refuse:
    status: int
    code: str
    message: str
    page: bool = False  # a person followed a link: answer with HTML


@dataclass(frozen=True)
class Redirect:
    location: str
    cookie: str


@dataclass(frozen=True)
class Allow:
    bounded_body: bool  # read, cap and check the JSON body before the app sees it


Decision = Refuse | Redirect | Allow


HOOK_ROUTE = re.compile(r"/api/hooks/([A-Za-z0-9-]{1,64})/([0-9a-f]{8,64})")
HOOK_PREFIX = "/api/hooks/"
HOOK_REFUSED = "a hook route takes only its worker's hook secret (Authorization: Bearer)"


def parse_host(value: str, default_port: int | None) -> tuple[str, int | None] | None:
    """(name, port) of a Host header or --allow-host entry, lowercased; None if malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port_text, has_port = rest[1:], bool(rest)
    else:
        name, colon, port_text = value.partition(":")
        has_port = bool(colon)
    if not name or (has_port and not (port_text.isdigit() and len(port_text) <= 5)):
        return None
    return name, int(port_text) if has_port else default_port


def normalize_origin(text: str) -> str | None:
    """`scheme://host[:port]` as a browser sends it, lowercased, default port dropped; None for
    anything else (`null`, paths, credentials, whitespace, bad ports)."""
    if any(c.isspace() or ord(c) < 32 for c in text):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" + (f":{port}" if port not in (None, default) else "")


def is_loopback(name: str) -> bool:
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class Policy:
    """Decides about one request from its Facts alone (pure: no I/O, no clock)."""

    def __init__(self, settings: Settings) -> None:
        self.port = settings.port
        self.token = settings.token or ""  # no token: nothing protected is ever allowed
        self.cookie_name = access.cookie_name(settings.port)
        self.cookie_value = access.cookie_value(self.token) if self.token else ""
        self.hosts: set[tuple[str, int | None]] = set()
        bound = settings.host.strip("[]").lower()
        if bound not in WILDCARDS and not is_loopback(bound):
            self.hosts.add((bound, settings.port))
        for entry in settings.allow_hosts:
            parsed = parse_host(entry, None)
            if parsed is None:
                raise ValueError(f"--allow-host {entry!r} is not a host name or host:port")
            self.hosts.add(parsed)
        self.origins = {normalize_origin(o) for o in settings.allow_origins} - {None}

    def decide(self, f: Facts) -> Decision:
        host = parse_host(f.host or "", 443 if f.secure else 80)
        if host is None or not self.host_allowed(*host):
            return Refuse(403, "FORBIDDEN", HOST_REFUSED, page=f.page)
        if f.origin is not None and not self.origin_allowed(f.origin, f):
            return Refuse(403, "FORBIDDEN", ORIGIN_REFUSED, page=f.page)
        if f.query_token is not None and f.page and f.method == "GET":
            return self.login(f)
        if f.path.startswith(HOOK_PREFIX):
            return self.hook(f)
        auth = self.authenticate(f)
        if auth is None and (f.websocket or (f.api and not _health(f))):
            return Refuse(401, "UNAUTHORIZED", UNAUTHORIZED)
        if auth == "cookie" and f.changing and f.origin is None:
            return Refuse(403, "FORBIDDEN", COOKIE_WITHOUT_ORIGIN)
        if not f.websocket and f.changing and (f.has_body or f.content_type) and not is_json(f):
            return Refuse(415, "UNSUPPORTED_MEDIA_TYPE", NOT_JSON)
        return Allow(bounded_body=f.api and f.changing and not f.websocket)

    def host_allowed(self, name: str, port: int | None) -> bool:
        if is_loopback(name) and port == self.port:
            return True
        return (name, port) in self.hosts or (name, None) in self.hosts

    def origin_allowed(self, origin: str, f: Facts) -> bool:
        given = normalize_origin(origin)
        own = normalize_origin(f"{'https' if f.secure else 'http'}://{f.host}")
        return given is not None and (given == own or given in self.origins)

    def authenticate(self, f: Facts) -> str | None:
        """How the request proved the token: "bearer", "query", "cookie", or None."""
        if f.bearer is not None or f.query_token is not None:
            if f.bearer is not None and not self._token_ok(f.bearer):
                return None
            if f.query_token is not None and not self._token_ok(f.query_token):
                return None
            return "bearer" if f.bearer is not None else "query"
        if f.cookie and self.cookie_value and access.same_secret(f.cookie, self.cookie_value):
            return "cookie"
        return None

    def hook(self, f: Facts) -> Decision:
        """A hook call: its worker's secret for its launch, as a JSON POST from no browser."""
        route = HOOK_ROUTE.fullmatch(f.path)
        if f.websocket:
            return Refuse(404, "NOT_FOUND", "no such hook route")
        if f.origin is not None:
            return Refuse(403, "FORBIDDEN", ORIGIN_REFUSED)
        if route is None or not self.token or f.query_token is not None or not f.bearer:
            return Refuse(401, "UNAUTHORIZED", HOOK_REFUSED)
        expected = access.hook_secret(self.token, route.group(1), route.group(2))
        if not access.same_secret(f.bearer, expected):
            return Refuse(401, "UNAUTHORIZED", HOOK_REFUSED)
        if f.method != "POST":
            return Refuse(405, "METHOD_NOT_ALLOWED", "a hook route takes POST only")
        if not is_json(f):
            return Refuse(415, "UNSUPPORTED_MEDIA_TYPE", NOT_JSON)
        return Allow(bounded_body=True)

    def _token_ok(self, given: str) -> bool:
        return bool(self.token) and access.same_secret(given, self.token)

    def login(self, f: Facts) -> Decision:
        if not self._token_ok(f.query_token or ""):
            return Refuse(401, "UNAUTHORIZED", INVALID_LINK, page=True)
        path = "/" + quote(f.raw_path, safe="/%:@!$&'()*+,;=-._~").lstrip("/")
        rest = urlencode([(k, v) for k, v in f.query if k != "token"])
        cookie = (
            f"{self.cookie_name}={self.cookie_value}; Path=/; HttpOnly; SameSite=Strict; "
            f"Max-Age={COOKIE_MAX_AGE}" + ("; Secure" if f.secure else "")
        )
        return Redirect(path + (f"?{rest}" if rest else ""), cookie)

    def headers(self, f: Facts) -> list[tuple[bytes, bytes]]:
        """The security headers for a response to `f`."""
        if f.api:
            csp = API_CSP
        else:
            host = parse_host(f.host or "", None)
            own = host is not None and self.host_allowed(*host) and f.host
            csp = PAGE_CSP.format(sockets=f" ws://{f.host} wss://{f.host}" if own else "")
        pairs = [
            ("content-security-policy", csp),
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("x-frame-options", "DENY"),
        ]
        return [(k.encode(), v.encode("latin-1")) for k, v in pairs]


def _health(f: Facts) -> bool:
    return f.path == "/api/health" and f.method in ("GET", "HEAD")


def is_json(f: Facts) -> bool:
    return (f.content_type or "").split(";")[0].strip().lower() == "application/json"


# --- JSON bounds -------------------------------------------------------------------------------

_JSON_TOKENS = re.compile(rb'\\.|["\[\]{}]', re.S)
_LONG_NUMBER = re.compile(rb"[0-9]{%d,}" % (MAX_DIGITS + 1))


def json_problem(body: bytes, max_depth: int = MAX_DEPTH) -> str | None:
    """What makes `body` too deep, its numbers too long or a string of it not Unicode text (an
    unpaired surrogate escape such as "\\ud800", which no store, file name or terminal can take),
    or None. One linear pass over the structural characters and escapes."""
    depth = 0
    in_string = False
    outside = 0  # where the current stretch outside strings began
    paired_until = 0  # end of the low half of the last surrogate pair
    for match in _JSON_TOKENS.finditer(body):
        token = match.group()
        if token == b'"':
            if not in_string and _LONG_NUMBER.search(body, outside, match.start()):
                return f"body: a number has more than {MAX_DIGITS} digits"
            in_string, outside = not in_string, match.end()
        elif token == b"\\u" and in_string and match.start() >= paired_until:
            pair_end = _surrogate_pair_end(body, match.start())
            if pair_end is None:
                return f"{_surrogate_field(body)}: {UNPAIRED_SURROGATE}"
            paired_until = pair_end
        elif in_string or token[:1] == b"\\":
            continue
        elif token in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                return f"body: JSON nested deeper than {max_depth} levels"
        else:
            depth -= 1
    if not in_string and _LONG_NUMBER.search(body, outside):
        return f"body: a number has more than {MAX_DIGITS} digits"
    return None


UNPAIRED_SURROGATE = "holds an unpaired surrogate (\\ud800-\\udfff), which is not Unicode text"
_HIGH = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")
_LOW = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _surrogate_pair_end(body: bytes, at: int) -> int | None:
    """For the \\u escape at `at`: where it ends (with its low half when it opens a pair), or
    None when it is half of a pair whose other half is missing."""
    if _HIGH.match(body, at):
        return at + 12 if _LOW.match(body, at + 6) else None
    return None if _LOW.match(body, at) else at + 6


def _surrogate_field(body: bytes) -> str:
    """The dotted path of the first value (or key) holding an unpaired surrogate, for the error."""
    try:
        return _find_surrogate(json.loads(body), ()) or "body"
    except (ValueError, RecursionError):
        return "body"


def _find_surrogate(value: object, path: tuple[str, ...]) -> str | None:
    if isinstance(value, str):
        return None if _is_text(value) else ".".join(path) or "body"
    if isinstance(value, dict):
        items = [(str(key), item) for key, item in value.items()]
    elif isinstance(value, list):
        items = [(str(index), item) for index, item in enumerate(value)]
    else:
        return None
    for key, item in items:
        if not _is_text(key):
            return ".".join([*path, "(a key)"])
        if found := _find_surrogate(item, (*path, key)):
            return found
    return None


def _is_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
