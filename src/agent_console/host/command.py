"""`agent-console host` (run the worker host; `--detach` to start it in the background,
`--restart` to replace a running one) and `agent-console stop` (end server, host and children)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import logging
import os
import select
import signal
import sys
from pathlib import Path

from agent_console.config import default_data_dir
from agent_console.host import daemon

STOP_TIMEOUT = 30.0


def add_verbs(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    host = verbs.add_parser("host", help="run the worker host (serve starts one when needed)")
    host.add_argument("--data-dir", help="state directory (as for serve)")
    host.add_argument(
        "--detach", action="store_true", help="start in the background; return once it listens"
    )
    host.add_argument(
        "--restart",
        action="store_true",
        help="stop the running host first (its agents and shells end), then start",
    )
    host.set_defaults(run=_host)
    stop = verbs.add_parser("stop", help="stop the server, the worker host and every worker")
    stop.add_argument("--data-dir", help="state directory (as for serve)")
    stop.set_defaults(run=_stop)


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir).expanduser().resolve() if args.data_dir else default_data_dir()


def _host(args: argparse.Namespace) -> int:
    data_dir = _data_dir(args)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if args.restart:
        asyncio.run(_stop_host(data_dir, warn=True))
    return _detached(data_dir) if args.detach else _run(data_dir, None)


def _run(data_dir: Path, ready_fd: int | None) -> int:
    """Runs the host in this process until it is shut down."""
    try:
        lock = daemon.acquire_lock(data_dir)
    except daemon.HostRunning as exc:
        _tell(ready_fd, f"agent-console: {exc}")
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s host %(levelname)s %(message)s")
    sock = daemon.listen(data_dir)

    def ready() -> None:
        _tell(ready_fd, "")

    import uvloop

    try:
        uvloop.run(daemon.serve_host(data_dir, sock, ready))
    finally:
        os.close(lock)
    return 0


def _tell(fd: int | None, error: str) -> None:
    """Reports readiness (or the error) to the process that started a detached host."""
    if fd is None:
        if error:
            print(error, file=sys.stderr)
        return
    with contextlib.suppress(OSError):
        os.write(fd, (error or "ready").encode())
        os.close(fd)


def _detached(data_dir: Path) -> int:
    """Forks a host into a session of its own (it outlives this command and the server that
    asked for it); returns once it listens, or with its error."""
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.close(read_end)
        os.setsid()
        _quiet_stdio(data_dir / "host.log")
        code = 1
        try:
            code = _run(data_dir, write_end)
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        answer = pipe.read().decode(errors="replace")
    if answer == "ready":
        return 0
    print(answer or "agent-console: the worker host failed to start", file=sys.stderr)
    return 1


def _quiet_stdio(log_path: Path) -> None:
    """A daemon's stdin is /dev/null and its output goes to its log, never to a terminal."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(devnull, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(devnull)
    os.close(log)


async def _stop_host(data_dir: Path, warn: bool) -> bool:
    """Stops the data directory's host and its children; False when none was running."""
    from agent_console.host.client import LocalHost

    try:
        host = await LocalHost.connect(data_dir, 1, start=False)
    except OSError:
        return False
    if warn:
        live = [h for h in await host.list() if h.running]
        if live:
            names = ", ".join(" ".join(h.argv)[:40] or h.worker_id for h in live)
            print(
                f"agent-console: stopping {len(live)} running worker(s): {names}", file=sys.stderr
            )
    await asyncio.wait_for(host.shutdown(), STOP_TIMEOUT)
    return True


def _stop(args: argparse.Namespace) -> int:
    data_dir = _data_dir(args)
    server = _stop_server(data_dir)
    stopped = asyncio.run(_stop_host(data_dir, warn=False))
    if not (server or stopped):
        print(f"agent-console: nothing is running for {data_dir}", file=sys.stderr)
    return 0


def _stop_server(data_dir: Path) -> bool:
    """SIGTERMs the server that holds the data directory (its pid is in serve.lock), if any,
    and waits until it has let go of the lock."""
    try:
        fd = os.open(data_dir / "serve.lock", os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if _lock_free(fd):
            return False
        fields = os.pread(fd, 64, 0).decode("ascii", "replace").split()
        if not fields or not fields[0].isdigit():
            return False
        pid = int(fields[0])
        try:
            gone = os.pidfd_open(pid)
        except OSError:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        select.select([gone], [], [], STOP_TIMEOUT)  # readable once the process has ended
        os.close(gone)
        return True
    finally:
        os.close(fd)


def _lock_free(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    fcntl.flock(fd, fcntl.LOCK_UN)
    return True
