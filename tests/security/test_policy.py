"""The pure security policy: Host and Origin parsing, every decision of the check order, and the
JSON bounds — synchronous, from request facts alone."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from agent_console import access
from agent_console.config import Settings
from agent_console.web.policy import (
    Allow,
    Facts,
    Policy,
    Redirect,
    Refuse,
    json_problem,
    normalize_origin,
    parse_host,
)

TOKEN = "policy-token-0123456789abcdef"
PORT = 3457
OWN = f"http://127.0.0.1:{PORT}"


def policy(**fields: Any) -> Policy:
    return Policy(Settings(port=PORT, token=TOKEN, **fields))


def facts(
    path: str = "/api/sessions",
    method: str = "GET",
    headers: dict[str, str] | None = None,
    query: str = "",
    websocket: bool = False,
) -> Facts:
    raw = {"host": f"127.0.0.1:{PORT}", **(headers or {})}
    scope = {
        "type": "websocket" if websocket else "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "scheme": "ws" if websocket else "http",
        "headers": [(k.lower().encode(), v.encode("latin-1")) for k, v in raw.items() if v],
    }
    return Facts.of(scope, access.cookie_name(PORT))


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def refused(decision: object, status: int) -> bool:
    return isinstance(decision, Refuse) and decision.status == status


def test_loopback_hosts_with_the_servers_port_are_allowed() -> None:
    """127.0.0.1, localhost and [::1] with the server's port pass the Host check."""
    for host in (f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"[::1]:{PORT}", f"LOCALHOST:{PORT}"):
        assert isinstance(policy().decide(facts(headers={"host": host, **bearer()})), Allow)


def test_rebinding_hosts_are_refused() -> None:
    """A foreign name, a look-alike, another port, a missing or doubled Host are all 403."""
    for host in ("evil.example", f"evil.example:{PORT}", f"127.0.0.1.evil.example:{PORT}",
                 f"127.0.0.1:{PORT + 1}", "127.0.0.1", f"localhost.:{PORT}", "", f"[::1:{PORT}",
                 f"127.0.0.1:{PORT}:1", f"127.0.0.1:{PORT}x"):  # fmt: skip
        decision = policy().decide(facts(headers={"host": host, **bearer()}))
        assert refused(decision, 403), host


def test_allow_host_entries_with_and_without_port() -> None:
    """--allow-host NAME admits NAME on any port; NAME:PORT only on that port."""
    p = policy(allow_hosts=("box.lan", "proxy.lan:8080"))
    assert isinstance(p.decide(facts(headers={"host": "box.lan:1", **bearer()})), Allow)
    assert isinstance(p.decide(facts(headers={"host": "proxy.lan:8080", **bearer()})), Allow)
    assert refused(p.decide(facts(headers={"host": "proxy.lan:8081", **bearer()})), 403)


def test_a_specific_bound_address_is_an_allowed_host() -> None:
    """Binding 192.0.2.7 explicitly admits Host 192.0.2.7:PORT; a wildcard bind admits nothing."""
    assert isinstance(
        policy(host="192.0.2.7").decide(facts(headers={"host": f"192.0.2.7:{PORT}", **bearer()})),
        Allow,
    )
    decision = policy(host="0.0.0.0").decide(facts(headers={"host": f"0.0.0.0:{PORT}", **bearer()}))
    assert refused(decision, 403)


def test_foreign_origins_are_refused_even_with_the_token() -> None:
    """Foreign, null, other-port, other-scheme and look-alike origins are 403 on HTTP and WS."""
    for origin in ("http://evil.example", "null", f"http://127.0.0.1:{PORT + 1}",
                   f"https://127.0.0.1:{PORT}", "http://127.0.0.1.evil.example",
                   f"http://127.0.0.1:{PORT}.evil.example", f"http://localhost:{PORT}",
                   f"http://evil@127.0.0.1:{PORT}", f"{OWN}/path", f"{OWN} ", "file://"):  # fmt: skip
        for ws in (False, True):
            decision = policy().decide(facts(headers={"origin": origin, **bearer()}, websocket=ws))
            assert refused(decision, 403), (origin, ws)


def test_own_and_allowed_origins_pass() -> None:
    """The request's own origin and an --allow-origin entry are accepted."""
    p = policy(allow_origins=("http://localhost:5173/",))
    for origin in (OWN, OWN + "/", "http://localhost:5173"):
        assert isinstance(p.decide(facts(headers={"origin": origin, **bearer()})), Allow)


def test_api_and_sockets_need_the_token_but_health_and_pages_do_not() -> None:
    """Without a token: /api/* and every socket are 401; GET /api/health and pages pass."""
    p = policy()
    assert refused(p.decide(facts("/api/sessions")), 401)
    assert refused(p.decide(facts("/api/health", method="POST")), 401)
    assert refused(p.decide(facts("/api/nowhere")), 401)
    assert refused(p.decide(facts("//api/sessions")), 401)
    assert refused(p.decide(facts("/ws/app", websocket=True)), 401)
    assert isinstance(p.decide(facts("/api/health")), Allow)
    assert isinstance(p.decide(facts("/sessions/x")), Allow)


def test_wrong_truncated_and_extended_tokens_are_refused() -> None:
    """Only the exact token passes, by header or by query; a wrong one beats a good cookie."""
    p = policy()
    cookie = {"cookie": f"{access.cookie_name(PORT)}={access.cookie_value(TOKEN)}"}
    for wrong in ("", "x", TOKEN[:-1], TOKEN[:8], TOKEN + "x", TOKEN.upper(), "ünï"):
        assert refused(p.decide(facts(headers=bearer(wrong))), 401), wrong
        assert refused(p.decide(facts(query=f"token={wrong}")), 401), wrong
        assert refused(p.decide(facts(headers={**cookie, **bearer(wrong)})), 401), wrong
    assert refused(p.decide(facts(headers={"authorization": f"Basic {TOKEN}"})), 401)
    assert refused(p.decide(facts(query=f"token={TOKEN}&token={TOKEN}")), 401)
    assert isinstance(p.decide(facts(query=f"token={TOKEN}")), Allow)
    assert isinstance(p.decide(facts(headers={"authorization": f"bearer  {TOKEN} "})), Allow)


def test_no_token_configured_lets_nothing_protected_in() -> None:
    """A policy without a token fails closed."""
    p = Policy(Settings(port=PORT, token=None))
    assert refused(p.decide(facts(headers={"authorization": "Bearer "})), 401)
    assert refused(p.decide(facts(query="token=")), 401)


def test_page_with_token_redirects_without_it_and_sets_the_cookie() -> None:
    """GET /path?token= answers 302 to the same path and other parameters, with the cookie."""
    decision = policy().decide(facts("/sessions/abc", query=f"a=1&token={TOKEN}&b=%20"))
    assert isinstance(decision, Redirect)
    assert decision.location == "/sessions/abc?a=1&b=+"
    assert decision.cookie.startswith(f"{access.cookie_name(PORT)}={access.cookie_value(TOKEN)};")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in decision.cookie
    assert TOKEN not in decision.cookie


def test_login_redirect_is_never_an_open_redirect() -> None:
    """Paths like //evil.example or /\\evil.example redirect to a path on this server."""
    for path in ("//evil.example/x", "/\\evil.example", "///evil.example"):
        decision = policy().decide(facts(path, query=f"token={TOKEN}"))
        assert isinstance(decision, Redirect)
        assert decision.location.startswith("/") and not decision.location.startswith(("//", "/\\"))


def test_page_with_a_wrong_token_is_a_401_page() -> None:
    """A login link with a wrong token is refused with an HTML explanation."""
    decision = policy().decide(facts("/", query="token=nope"))
    assert isinstance(decision, Refuse) and decision.status == 401 and decision.page


def test_cookie_alone_needs_an_origin_for_changes_and_sockets() -> None:
    """Cookie auth: GET passes; POST and WebSocket need Origin; Bearer needs none."""
    p = policy()
    cookie = {"cookie": f"other=1; {access.cookie_name(PORT)}={access.cookie_value(TOKEN)}"}
    json_body = {"content-type": "application/json", "content-length": "2"}
    assert isinstance(p.decide(facts(headers=cookie)), Allow)
    assert refused(p.decide(facts(method="POST", headers={**cookie, **json_body})), 403)
    assert refused(p.decide(facts("/ws/app", headers=cookie, websocket=True)), 403)
    with_origin = {**cookie, **json_body, "origin": OWN}
    assert isinstance(p.decide(facts(method="POST", headers=with_origin)), Allow)
    assert isinstance(
        p.decide(facts("/ws/app", headers={**cookie, "origin": OWN}, websocket=True)), Allow
    )
    assert isinstance(p.decide(facts(method="POST", headers={**bearer(), **json_body})), Allow)
    assert refused(p.decide(facts(headers={"cookie": f"{access.cookie_name(PORT)}={TOKEN}"})), 401)


def test_state_changing_bodies_must_be_json() -> None:
    """Form, multipart and text/plain bodies are 415; a body-less DELETE passes."""
    p = policy()
    for kind in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                 "text/plain", "application/jsonx", ""):  # fmt: skip
        headers = {**bearer(), "content-type": kind, "content-length": "5"}
        assert refused(p.decide(facts(method="POST", headers=headers)), 415), kind
    chunked = {**bearer(), "transfer-encoding": "chunked"}
    assert refused(p.decide(facts(method="PATCH", headers=chunked)), 415)
    assert isinstance(p.decide(facts("/api/sessions/x", method="DELETE", headers=bearer())), Allow)
    ok = {**bearer(), "content-type": "application/json; charset=utf-8", "content-length": "2"}
    assert p.decide(facts(method="POST", headers=ok)) == Allow(bounded_body=True)


def test_security_headers() -> None:
    """Pages get a CSP limited to this origin's sockets; the API a deny-all CSP."""
    page = dict(policy().headers(facts("/")))
    csp = page[b"content-security-policy"].decode()
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert f"ws://127.0.0.1:{PORT}" in csp and "ws: " not in csp
    assert page[b"x-content-type-options"] == b"nosniff"
    assert page[b"referrer-policy"] == b"no-referrer"
    api = dict(policy().headers(facts("/api/sessions")))
    assert api[b"content-security-policy"].startswith(b"default-src 'none'")
    evil = dict(policy().headers(facts("/", headers={"host": "evil.example"})))
    assert b"evil" not in evil[b"content-security-policy"]


def test_parse_host_examples() -> None:
    """Host headers: names, IPv4, bracketed IPv6, default port; malformed ones are None."""
    assert parse_host("LocalHost:80", None) == ("localhost", 80)
    assert parse_host("[::1]:3457", None) == ("::1", 3457)
    assert parse_host("[::1]", 80) == ("::1", 80)
    assert parse_host("box", None) == ("box", None)
    for bad in ("", ":80", "a:", "a:b", "[::1", "[::1]x", "a:1:2", "a:123456"):
        assert parse_host(bad, 80) is None, bad


@given(st.text(max_size=40))
def test_parse_host_never_raises(text: str) -> None:
    """Any Host header text parses to a (name, port) or None, never an exception."""
    result = parse_host(text, 80)
    assert result is None or (result[0] and (result[1] is None or 0 <= result[1] < 100000))


def test_normalize_origin_examples() -> None:
    """Origins compare as scheme://host[:port], lowercased, with the default port dropped."""
    assert normalize_origin("HTTP://LocalHost:80") == "http://localhost"
    assert normalize_origin("https://[::1]:443/") == "https://[::1]"
    assert normalize_origin(OWN) == OWN
    for bad in ("null", "", "ftp://x", "http://", "http://a:b", "http://a/b", "http://a?x",
                "http://u@a", "http://a\t", " http://a"):  # fmt: skip
        assert normalize_origin(bad) is None, bad


@given(st.text(max_size=60))
def test_normalize_origin_never_raises(text: str) -> None:
    """Any Origin text normalizes to a canonical origin or None."""
    result = normalize_origin(text)
    assert result is None or normalize_origin(result) == result


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**50), 10**50)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


@given(JSON, st.integers(min_value=0, max_value=6))
def test_json_problem_agrees_with_the_real_depth(value: object, limit: int) -> None:
    """Any JSON document (numbers of at most 51 digits) is flagged exactly when it nests deeper
    than the limit."""
    body = json.dumps(value, ensure_ascii=False).encode()
    assert (json_problem(body, limit) is not None) == (depth(value) > limit)


@given(st.binary(max_size=200))
def test_json_problem_never_raises(body: bytes) -> None:
    """Arbitrary bytes give a verdict, never an exception."""
    json_problem(body)


def test_json_problem_bounds() -> None:
    """Deep nesting and huge numbers are flagged; brackets and digits inside strings are not."""
    assert json_problem(b"[" * 100_000) is not None
    assert json_problem(b'{"a":' + b"1" * 200 + b"}") is not None
    assert json_problem(b'{"a": "' + b"[" * 1000 + b"1" * 500 + b'"}') is None
    assert json_problem(b'["\\"[[[[", 1]', 2) is None
    assert json_problem(b'"' + b'\\"' * 100_000) is None


ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=8)
JSON_ANY_TEXT = st.recursive(
    st.none() | st.integers() | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)


def not_text(value: object) -> bool:
    """Whether a decoded JSON value holds a string or key that is not Unicode text."""
    if isinstance(value, str):
        return value != value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, dict):
        return any(not_text(k) or not_text(v) for k, v in value.items())
    return isinstance(value, list) and any(not_text(v) for v in value)


@given(JSON_ANY_TEXT)
def test_json_problem_flags_exactly_the_unpaired_surrogates(value: object) -> None:
    """A body (escaped as \\uXXXX) is refused exactly when a string or key, as the server
    decodes it, holds a surrogate that is not half of a pair, i.e. is not Unicode text."""
    body = json.dumps(value).encode()
    problem = json_problem(body)
    assert (problem is not None) == not_text(json.loads(body)), (body, problem)
    assert problem is None or "unpaired surrogate" in problem


def test_json_problem_names_the_field() -> None:
    """The refusal names where the bad text is; escaped backslashes are not escapes."""
    assert (json_problem(b'{"a": [1, {"b": "x\\udc00"}]}') or "").startswith("a.1.b:")
    assert json_problem(b'{"a": "\\ud83d\\ude00 \\\\ud800"}') is None
    assert json_problem(json.dumps("\ud83d\ude00").encode()) is None  # a pair is one character


# --- worker hook routes ------------------------------------------------------------------------

HOOK_PATH = "/api/hooks/worker-1/0123abcd"
HOOK_SECRET = access.hook_secret(TOKEN, "worker-1", "0123abcd")
JSON_BODY = {"content-type": "application/json", "content-length": "2"}


def test_a_hook_route_takes_exactly_its_workers_secret() -> None:
    """POST /api/hooks/{worker}/{launch} with that launch's secret is let in (body bounded);
    the access token, the cookie, another worker's or launch's secret, a secret in the query
    are not."""
    p = policy()
    assert p.decide(facts(HOOK_PATH, "POST", {**bearer(HOOK_SECRET), **JSON_BODY})) == Allow(True)
    other_worker = access.hook_secret(TOKEN, "worker-2", "0123abcd")
    other_launch = access.hook_secret(TOKEN, "worker-1", "ffff0000")
    cookie = {"cookie": f"{access.cookie_name(PORT)}={access.cookie_value(TOKEN)}"}
    for headers in (bearer(), bearer(other_worker), bearer(other_launch), cookie, {}):
        assert refused(p.decide(facts(HOOK_PATH, "POST", {**headers, **JSON_BODY})), 401), headers
    query = facts(HOOK_PATH, "POST", JSON_BODY, query=f"token={HOOK_SECRET}")
    assert refused(p.decide(query), 401)


def test_a_hook_secret_opens_no_other_route() -> None:
    """A worker's hook secret is no access token: every other route refuses it."""
    p = policy()
    for path in ("/api/sessions", "/api/hooks/worker-2/0123abcd", "/api/hooks/worker-1"):
        assert refused(p.decide(facts(path, "POST", {**bearer(HOOK_SECRET), **JSON_BODY})), 401), (
            path
        )
    assert refused(p.decide(facts("/ws/app", headers=bearer(HOOK_SECRET), websocket=True)), 401)


def test_a_hook_route_refuses_browsers_and_other_requests() -> None:
    """Any Origin (no browser calls it) 403, a method but POST 405, a body that is not JSON 415,
    a WebSocket 404; a server without a token lets no hook in."""
    p, secret = policy(), bearer(HOOK_SECRET)
    origin = {**secret, **JSON_BODY, "origin": OWN}
    assert refused(p.decide(facts(HOOK_PATH, "POST", origin)), 403)
    assert refused(p.decide(facts(HOOK_PATH, "GET", secret)), 405)
    form = {**secret, "content-type": "application/x-www-form-urlencoded", "content-length": "2"}
    assert refused(p.decide(facts(HOOK_PATH, "POST", form)), 415)
    assert refused(p.decide(facts(HOOK_PATH, headers=secret, websocket=True)), 404)
    tokenless = Policy(Settings(port=PORT, token=None))
    assert refused(tokenless.decide(facts(HOOK_PATH, "POST", {**secret, **JSON_BODY})), 401)
