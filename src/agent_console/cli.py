"""The `agent-console` command: `serve`, and the client verbs that talk to a running server."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from agent_console.config import DEFAULT_PORT, Settings, default_data_dir

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def _serve(args: argparse.Namespace) -> int:
    from agent_console.web.server import bind, serve

    settings = Settings(
        host=args.host,
        port=args.port,
        data_dir=Path(args.data_dir).expanduser().resolve()
        if args.data_dir
        else default_data_dir(),
    )
    try:
        sock = bind(settings.host, settings.port)
    except OSError as exc:
        print(
            f"agent-console: cannot listen on {settings.host}:{settings.port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 1
    port = sock.getsockname()[1]
    settings = Settings(**{**settings.__dict__, "port": port})
    host = f"[{settings.host.strip('[]')}]" if ":" in settings.host else settings.host
    print(f"Agent Console is running at http://{host}:{port}/", flush=True)
    serve(settings, sock)
    return 0


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
    serve.set_defaults(run=_serve)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))
