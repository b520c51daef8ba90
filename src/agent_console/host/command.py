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
    from agent_console.host.client import HostIncompatible, LocalHost

    try:
        host = await LocalHost.connect(data_dir, 1, start=False)
    except OSError:
        return False
    except HostIncompatible:
        return _terminate_foreign_host(data_dir, warn)
    if warn:
        live = [h for h in await host.list() if h.running]
        _warn_live([" ".join(h.argv) or h.worker_id for h in live])
    await asyncio.wait_for(host.shutdown(), STOP_TIMEOUT)
    return True


def _terminate_foreign_host(data_dir: Path, warn: bool) -> bool:
    """A host speaking a protocol version this code cannot is ended the way every version
    agrees on: SIGTERM, on which it stops its children gracefully and exits."""
    pid = _lock_holder(data_dir / daemon.LOCK_NAME)
    if pid is None:
        return False
    if warn:
        _warn_live(_children(pid))
    return _terminate(pid, "the worker host")


def _warn_live(commands: list[str]) -> None:
    if commands:
        names = ", ".join(command[:40] for command in commands)
        print(
            f"agent-console: stopping {len(commands)} running worker(s): {names}", file=sys.stderr
        )


def _children(pid: int) -> list[str]:
    """The command lines of a process's children (read from /proc)."""
    commands = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if parent == pid:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
                commands.append(" ".join(a.decode(errors="replace") for a in argv if a))
        except (OSError, IndexError, ValueError):
            continue
    return commands


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
    pid = _lock_holder(data_dir / "serve.lock")
    return pid is not None and _terminate(pid, "the server")


def _lock_holder(path: Path) -> int | None:
    """The pid written in a lock file whose lock is held, or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if _lock_free(fd):
            return None
        fields = os.pread(fd, 64, 0).decode("ascii", "replace").split()
        return int(fields[0]) if fields and fields[0].isdigit() else None
    finally:
        os.close(fd)


def _terminate(pid: int, what: str) -> bool:
    """SIGTERMs a process and waits until it has ended; False if there was none."""
    try:
        gone = os.pidfd_open(pid)
    except OSError:
        return False
    try:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        ended, _, _ = select.select([gone], [], [], STOP_TIMEOUT)  # readable once it has ended
        if not ended:
            print(f"agent-console: {what} (pid {pid}) did not stop within {STOP_TIMEOUT:.0f} s",
                  file=sys.stderr)  # fmt: skip
        return True
    finally:
        os.close(gone)


def _lock_free(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    fcntl.flock(fd, fcntl.LOCK_UN)
    return True
