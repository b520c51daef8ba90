"""The access token: where it comes from, where it is kept, what the browser's cookie holds, and
keeping it out of log lines.

The token is `AGENT_CONSOLE_TOKEN` when that is set, else 256 random bits kept in
`<data dir>/token`: created exclusively (never through a symlink) with mode 0600 and loaded again on
the next start. The login cookie holds an HMAC of the token, never the token itself, so a copied
cookie jar does not reveal it. Every comparison is constant-time.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import logging
import os
import re
import secrets
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote

ENV_TOKEN = "AGENT_CONSOLE_TOKEN"
TOKEN_FILE = "token"
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9._~-]{16,512}")
COOKIE_PURPOSE = b"agent-console login cookie v1"
HOOK_PURPOSE = b"agent-console worker hook v1"
REDACTED = "[redacted]"
TOKEN_PARAM = re.compile(r"(?i)(\btoken=)[^&\s\"'#]*")


class AccessError(Exception):
    """The server cannot start safely; the message says what to do."""


# --- data directory ---------------------------------------------------------------------------


def prepare_data_dir(path: Path) -> str | None:
    """Creates the data directory 0700; refuses one that other users may write or own.
    Returns a warning when others may read it (it holds terminal output)."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError as exc:
        raise AccessError(f"cannot use data directory {path}: {exc.strerror}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise AccessError(f"data directory {path} is not a directory")
    if info.st_uid != os.getuid():
        raise AccessError(f"refusing to start: data directory {path} belongs to another user")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o022:
        who = " and ".join(w for w, bit in (("group", 0o020), ("others", 0o002)) if mode & bit)
        raise AccessError(
            f"refusing to start: data directory {path} is writable by {who} (mode {mode:o}); "
            f"anyone who can write there can take over your sessions. Fix: chmod 700 {path}"
        )
    if mode & 0o077:
        return f"data directory {path} is readable by other users (mode {mode:o}); chmod 700 it"
    return None


# --- the token --------------------------------------------------------------------------------


def valid_shape(token: str) -> bool:
    return TOKEN_SHAPE.fullmatch(token) is not None


def load_or_create_token(data_dir: Path, env_value: str | None) -> str:
    """The environment's token if set, else the stored one, else a new one stored 0600."""
    if env_value:
        if not valid_shape(env_value):
            raise AccessError(
                f"{ENV_TOKEN} must be 16 to 512 characters of A-Z a-z 0-9 . _ ~ - "
                "(it goes into URLs and headers as is)"
            )
        return env_value
    path = data_dir / TOKEN_FILE
    try:
        return read_token(path)
    except FileNotFoundError:
        pass
    token = secrets.token_urlsafe(32)
    try:
        write_secret(path, token + "\n")
    except FileExistsError:  # another server on this directory won the race: use its token
        return read_token(path)
    return token


def read_token(path: Path) -> str:
    """The token stored at `path`, read without following a symlink; refuses a file that other
    users could have read or replaced."""
    try:
        # O_NONBLOCK: a FIFO put in its place must not hang the start.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise AccessError(f"refusing to read the token through a symlink: {path}") from None
        if exc.errno == errno.ENOENT:
            raise FileNotFoundError(exc.errno, exc.strerror, str(path)) from None
        raise AccessError(f"cannot read the token file {path}: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
        os.close(fd)
        raise AccessError(
            f"token file {path} is not a regular file of yours; move it away and restart for a "
            f"new token (or set {ENV_TOKEN})"
        )
    with os.fdopen(fd, encoding="ascii", errors="replace") as file:
        if stat.S_IMODE(info.st_mode) & 0o077:
            raise AccessError(
                f"token file {path} is readable by other users, so the token may have leaked; "
                "delete the file and restart to get a new token"
            )
        token = file.read(1024).strip()
    if not valid_shape(token):
        raise AccessError(f"token file {path} is malformed; delete it and restart for a new one")
    return token


def write_secret(path: Path, text: str) -> None:
    """Creates `path` 0600 with `text`; never follows or replaces an existing file or symlink
    (FileExistsError)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def same_secret(given: str | bytes, expected: str) -> bool:
    """Constant-time equality (for equal lengths); any bytes may be given, never raises."""
    raw = given.encode("utf-8", "surrogateescape") if isinstance(given, str) else given
    return hmac.compare_digest(raw, expected.encode("utf-8"))


def cookie_value(token: str) -> str:
    """What the login cookie holds: an HMAC of the token, so the cookie is no copy of it."""
    return hmac.new(token.encode("utf-8"), COOKIE_PURPOSE, hashlib.sha256).hexdigest()


def hook_secret(token: str, worker_id: str, launch: str) -> str:
    """The secret one launch of one agent worker holds to report its hooks: an HMAC of the
    worker and launch under a key derived from the token, so it opens that worker's hook route
    and nothing else, and reveals nothing of the token."""
    key = hmac.new(token.encode("utf-8"), HOOK_PURPOSE, hashlib.sha256).digest()
    return hmac.new(key, f"{worker_id}/{launch}".encode(), hashlib.sha256).hexdigest()


def cookie_name(port: int) -> str:
    """Per port, because browsers share cookies across ports of one host: two servers on one
    machine must not overwrite each other's logins."""
    return f"agent_console_{port}"


def login_url(host: str, port: int, token: str) -> str:
    """The one URL to open: it logs the browser in and then drops the token from the address."""
    return f"http://{url_host(host)}:{port}/?token={quote(token, safe='')}"


def url_host(host: str) -> str:
    """The host to put into a URL for a bind address (a wildcard is reached on loopback)."""
    bare = host.strip("[]")
    if bare in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{bare}]" if ":" in bare else bare


# --- opening a browser without the token on a command line ------------------------------------


def write_launch_page(data_dir: Path, url: str) -> Path:
    """A 0600 HTML file that forwards to `url`: the browser is started with this file's path, so
    the token never appears in any process's argv (visible to every user in `ps`)."""
    path = data_dir / f"open-{os.getpid()}.html"
    path.unlink(missing_ok=True)
    escaped = url.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    page = (
        '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">'
        f'<meta http-equiv="refresh" content="0;url={escaped}"><title>Agent Console</title>'
        f'<p><a href="{escaped}">Open Agent Console</a></p>\n'
    )
    write_secret(path, page)
    return path


# --- logs -------------------------------------------------------------------------------------


def scrub(text: str, secrets_: Iterable[str] = ()) -> str:
    """`text` with every `token=` query value and every given secret replaced."""
    text = TOKEN_PARAM.sub(lambda m: m.group(1) + REDACTED, text)
    for secret in secrets_:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


class RedactSecrets(logging.Filter):
    """A handler filter: log records leave with query tokens and the secrets themselves removed
    (uvicorn's access and WebSocket lines print the full query string)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg, self.secrets)
        if isinstance(record.args, tuple):
            record.args = tuple(self._clean(a) for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: self._clean(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text, self.secrets)
        return True

    def _clean(self, value: object) -> object:
        return scrub(value, self.secrets) if isinstance(value, str) else value
