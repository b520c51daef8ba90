"""The `agent-console` command: `serve`, and the client verbs that talk to a running server."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from agent_console.client.verbs import add_verbs
from agent_console.config import DEFAULT_PORT, Limits, Settings, default_data_dir
from agent_console.host.command import add_verbs as add_host_verbs

if TYPE_CHECKING:
    from agent_console.datadir import ServeLock

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
LOG_LEVELS = ("warning", "info", "debug")


def _serve(args: argparse.Namespace) -> int:
    from agent_console import access
    from agent_console.datadir import DataDirInUse, ServeLock

    data_dir = Path(args.data_dir).expanduser().resolve() if args.data_dir else default_data_dir()
    try:
        warning = access.prepare_data_dir(data_dir)
        # Before anything in the directory is read or written: a second server must not touch
        # the first one's processes or database.
        lock = ServeLock.acquire(data_dir)
    except (access.AccessError, DataDirInUse) as exc:
        print(f"agent-console: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"agent-console: cannot lock the data directory {data_dir}: {exc.strerror}; "
            f"remove {data_dir / 'serve.lock'} if it is not a regular file",
            file=sys.stderr,
        )
        return 1
    try:
        if warning:
            print(f"agent-console: warning: {warning}", file=sys.stderr)
        return _serve_locked(args, data_dir, lock)
    finally:
        lock.release()


def _serve_locked(args: argparse.Namespace, data_dir: Path, lock: ServeLock) -> int:
    from agent_console import access, server_record
    from agent_console.quarantine import StartupError, open_data
    from agent_console.web.server import bind, serve

    try:
        settings = _serve_settings(args, data_dir)
    except (access.AccessError, ValueError) as exc:
        print(f"agent-console: {exc}", file=sys.stderr)
        return 1
    from agent_console.host.client import ensure_host

    problem = ensure_host(data_dir)
    if problem is not None:
        print(f"agent-console: {problem}", file=sys.stderr)
        return 1
    try:
        sock = bind(settings.host, settings.port)
    except OSError as exc:
        print(
            f"agent-console: cannot listen on {settings.host}:{settings.port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 1
    settings = Settings(**{**settings.__dict__, "port": sock.getsockname()[1]})
    lock.claim(settings.port)
    try:
        store = open_data(settings)
    except StartupError as exc:
        print(f"agent-console: {exc}", file=sys.stderr)
        return 1
    assert settings.token is not None
    url = access.login_url(settings.host, settings.port, settings.token)
    launch_page: Path | None = None
    record = server_record.ServerRecord.of_this_process(settings.host, settings.port)

    def ready() -> None:
        # Printed once sessions are restored and signals are handled: the URL works right away.
        nonlocal launch_page
        server_record.write_record(data_dir, record)
        print(f"Agent Console is running at {url}", flush=True)
        launch_page = _open_browser(data_dir, url) if args.open else None

    try:
        serve(settings, sock, ready, store)
    finally:
        server_record.remove_record(data_dir, record.pid)
        if launch_page is not None:
            launch_page.unlink(missing_ok=True)
    return 0


def _url(args: argparse.Namespace) -> int:
    """Prints the login URL of the server running on the data directory."""
    from agent_console import access, server_record

    data_dir = Path(args.data_dir).expanduser().resolve() if args.data_dir else default_data_dir()
    record = server_record.running_record(data_dir)
    if record is None:
        print(
            f"agent-console: no server is running on {data_dir} (start one: agent-console serve"
            + (f" --data-dir {data_dir})" if args.data_dir else ")"),
            file=sys.stderr,
        )
        return 1
    try:
        token = os.environ.get(access.ENV_TOKEN) or access.read_token(data_dir / access.TOKEN_FILE)
    except (access.AccessError, OSError) as exc:
        print(f"agent-console: {exc}", file=sys.stderr)
        return 1
    print(access.login_url(record.host, record.port, token))
    return 0


def _serve_settings(args: argparse.Namespace, data_dir: Path) -> Settings:
    """Settings for `serve`: the token loaded or created (and then removed from this process's
    environment, so no child inherits it), the allow-lists checked."""
    from agent_console import access
    from agent_console.web.policy import normalize_origin, parse_host

    token = access.load_or_create_token(data_dir, os.environ.pop(access.ENV_TOKEN, None))
    for host in args.allow_host:
        if parse_host(host, None) is None:
            raise ValueError(f"--allow-host {host!r} is not a host name or host:port")
    for origin in args.allow_origin:
        if normalize_origin(origin) is None:
            raise ValueError(f"--allow-origin {origin!r} is not an origin like http://host:port")
    if args.host.strip("[]") not in LOOPBACK:
        print(_exposed_warning(args.host), file=sys.stderr, flush=True)
    return Settings(
        host=args.host,
        port=args.port,
        data_dir=data_dir,
        token=token,
        limits=Limits(
            scrollback_bytes=args.scrollback_bytes, worker_message_bytes=args.max_message_bytes
        ),
        worktree_root=Path(args.worktree_root).expanduser().resolve()
        if args.worktree_root
        else None,
        allow_hosts=tuple(args.allow_host),
        allow_origins=tuple(args.allow_origin),
        log_level=args.log_level,
        history_days=args.history_days,
    )


def _exposed_warning(host: str) -> str:
    return (
        f"agent-console: WARNING: listening on {host}, not only on this machine. Anyone who can "
        "reach this port and learns the token gets a shell as you, and the traffic (token "
        "included) is not encrypted. Prefer the default 127.0.0.1 with SSH port forwarding "
        "(ssh -L 3457:127.0.0.1:3457 this-host). Browsers that reach this server by a name other "
        "than the bound address also need --allow-host NAME."
    )


def _open_browser(data_dir: Path, url: str) -> Path | None:
    """Opens `url` through a 0600 page in the data directory, so the token is on no command
    line; in a thread, because some browsers block until they exit."""
    import threading
    import webbrowser

    from agent_console import access

    try:
        page = access.write_launch_page(data_dir, url)
    except OSError as exc:
        print(f"agent-console: cannot open a browser: {exc.strerror}", file=sys.stderr)
        return None

    def launch() -> None:
        if not webbrowser.open(page.as_uri()):
            page.unlink(missing_ok=True)
            print("agent-console: no browser found; open the URL above", file=sys.stderr)

    threading.Thread(target=launch, name="open-browser", daemon=True).start()
    return page


def _size_arg(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return parse


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="agent-console", description=__doc__)
    verbs = root.add_subparsers(dest="verb", required=True)
    serve = verbs.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    serve.add_argument(
        "--data-dir", help="state directory (default $AGENT_CONSOLE_HOME or ~/.agent-console)"
    )
    serve.add_argument(
        "--scrollback-bytes",
        type=_size_arg(64 * 1024),
        default=Limits.scrollback_bytes,
        help="output kept per worker, oldest dropped first (default 10 MiB)",
    )
    serve.add_argument(
        "--max-message-bytes",
        type=_size_arg(64 * 1024),
        default=Limits.worker_message_bytes,
        help="largest message a client may send on a worker socket (default 2 MiB)",
    )
    serve.add_argument(
        "--history-days",
        type=_size_arg(0),
        default=int(Settings.history_days),
        metavar="N",
        help="keep output searchable for N days, and a removed worker's log N days after its "
        f"last output (default {int(Settings.history_days)}; 0: no search, logs go at once)",
    )
    serve.add_argument(
        "--worktree-root",
        default=os.environ.get("AGENT_CONSOLE_WORKTREES"),
        help="where new worktrees go, a folder per repository "
        "(default $AGENT_CONSOLE_WORKTREES or <data dir>/worktrees)",
    )
    serve.add_argument(
        "--open", action="store_true", help="open the console in a browser (already logged in)"
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="also accept requests for this Host (e.g. a name this machine is reached by)",
    )
    serve.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="also accept WebSockets and requests from this origin (e.g. http://host:5173)",
    )
    serve.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="warning",
        help="warning (default): the URL, warnings and errors; info adds every request; "
        "debug adds everything",
    )
    serve.set_defaults(run=_serve)
    url = verbs.add_parser(
        "url",
        help="print the login URL of the running server again (its token from "
        "$AGENT_CONSOLE_TOKEN, else the data directory's token file)",
    )
    url.add_argument(
        "--data-dir",
        help="the server's data directory (default $AGENT_CONSOLE_HOME or ~/.agent-console)",
    )
    url.set_defaults(run=_url)
    verbs.add_parser(
        "hook",
        help="what an agent CLI runs on its hook events, set up by the server for each agent "
        "worker (reports the event to the server; usage: hook <cli> [JSON])",
    )
    add_verbs(verbs)
    add_host_verbs(verbs)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["hook"]:  # run by agent CLIs on each hook event: no parser, no imports
        from agent_console.hook_command import main as hook

        return hook(given[1:])
    args = parser().parse_args(given)
    return int(args.run(args))
