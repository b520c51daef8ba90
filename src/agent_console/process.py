"""PtyProcess: one child in a real PTY — spawn, non-blocking read and write, resize, stop.

Spawn goes through ptyprocess (exec errors surface at spawn; the child gets its own session and
process group). After spawn this class owns the master fd and the pid: reads are driven by
`loop.add_reader`, exit by a pidfd (no thread, no polling), writes are non-blocking with a queue
so a child that stops reading never blocks the server. Stopping sends SIGHUP → SIGTERM → SIGKILL
to the whole group, each awaited with a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import signal
import struct
import termios
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import ptyprocess

from agent_console.errors import SpawnFailed

READ_CHUNK = 64 * 1024
READ_BUDGET = 256 * 1024  # per wake-up: coalesce a burst, then let the loop breathe
EOF_GRACE = 0.5  # after the child exits, how long to wait for its last output to drain
MAX_PENDING_INPUT = 1024 * 1024  # input queued for a child that is not reading it
SECRET_ENV_PREFIXES = ("AGENT_CONSOLE_",)
WORKER_MARK = "AGENT_CONSOLE_WORKER"  # in every child's environment: finds what left its session
STOP_LADDER = ((signal.SIGHUP, 1.0), (signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0))


@dataclass(frozen=True)
class ExitStatus:
    exit_code: int
    signal: str | None


SIZE_ENV = ("COLUMNS", "LINES")


def child_env(base: Mapping[str, str], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child: the server's own, minus its secrets, as a terminal. The
    PTY gives the size: COLUMNS and LINES inherited from where the server started would
    override it for curses and Python programs, whatever the browser's terminal measures."""
    env = {k: v for k, v in base.items()
           if not k.startswith(SECRET_ENV_PREFIXES) and k not in SIZE_ENV}  # fmt: skip
    env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor"})
    env.update(extra or {})
    return env


def default_signals() -> None:
    """In the child, before exec: every signal unblocked and at its default action. An ignored
    signal stays ignored across exec, and the server ignores some: Python ignores SIGPIPE and
    SIGXFSZ, `nohup` ignores SIGHUP (so a stop would need SIGTERM, and `yes | head` would see
    EPIPE instead of dying quietly)."""
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    for sig in signal.valid_signals():
        if signal.getsignal(sig) is signal.SIG_IGN:
            with contextlib.suppress(OSError, ValueError):
                signal.signal(sig, signal.SIG_DFL)


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (tells a reused pid apart)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


class PtyProcess:
    def __init__(self, pid: int, fd: int, mark: str | None = None) -> None:
        self.pid = pid
        self.fd = fd
        self.mark = mark
        self.started = start_time(pid)
        self._loop = asyncio.get_running_loop()
        self._pending = bytearray()
        self._reaped = False
        self._reading = False
        self._paused = False
        self._eof = self._loop.create_future()
        self.exited: asyncio.Future[ExitStatus] = self._loop.create_future()
        self._watch_exit()

    @classmethod
    def spawn(
        cls,
        argv: Sequence[str],
        cwd: str,
        env: Mapping[str, str],
        cols: int = 80,
        rows: int = 24,
        mark: str | None = None,
    ) -> PtyProcess:
        """Starts `argv`; `mark` (e.g. the worker id) goes into its environment as WORKER_MARK,
        inherited by everything it starts, so stopping finds even what left its session."""
        if mark is not None:
            env = {**env, WORKER_MARK: mark}
        if not os.path.isdir(cwd):
            raise SpawnFailed(f"cannot start {argv[0]!r}: directory {cwd} does not exist")
        try:
            proc = ptyprocess.PtyProcess.spawn(
                list(argv),
                cwd=cwd,
                env=dict(env),
                dimensions=(rows, cols),
                preexec_fn=default_signals,
            )
        except (OSError, ptyprocess.PtyProcessError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise SpawnFailed(f"cannot start {argv[0]!r}: {reason}") from None
        fd = os.dup(proc.fd)  # take the fd over; ptyprocess' own close() would block on sleeps
        proc.closed = True
        proc.fileobj.close()
        os.set_blocking(fd, False)
        return cls(proc.pid, fd, mark)

    # --- output -----------------------------------------------------------------------------

    def start_reading(self, on_data: Callable[[bytes], None]) -> None:
        """Calls on_data with each burst of output (up to READ_BUDGET bytes per wake-up)."""
        self._on_data = on_data
        self._reading = True
        self._loop.add_reader(self.fd, self._on_readable)

    def pause_reading(self) -> None:
        """Backpressure: leave the output in the PTY (the child blocks once its buffer fills)."""
        if self._reading and not self._paused:
            self._paused = True
            self._loop.remove_reader(self.fd)

    def resume_reading(self) -> None:
        if self._reading and self._paused:
            self._paused = False
            self._loop.add_reader(self.fd, self._on_readable)

    @property
    def paused(self) -> bool:
        return self._paused

    def _on_readable(self) -> None:
        data = self._drain(READ_BUDGET)
        if data:
            self._on_data(data)

    def _drain(self, budget: int) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while size < budget:
            try:
                chunk = os.read(self.fd, READ_CHUNK)
            except BlockingIOError:
                break
            except OSError:  # EIO: every slave fd is closed
                chunk = b""
            if not chunk:
                self._stop_reading()
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)

    def _stop_reading(self) -> None:
        if self._reading:
            self._reading = False
            if not self._paused:
                self._loop.remove_reader(self.fd)
            self._paused = False
        if not self._eof.done():
            self._eof.set_result(None)

    # --- exit -------------------------------------------------------------------------------

    def _watch_exit(self) -> None:
        try:
            pidfd = os.pidfd_open(self.pid)
        except OSError:
            self._loop.create_task(self._wait_in_thread())
            return

        def on_exit() -> None:
            self._loop.remove_reader(pidfd)
            os.close(pidfd)
            self._reap()

        self._loop.add_reader(pidfd, on_exit)

    async def _wait_in_thread(self) -> None:
        await asyncio.to_thread(os.waitid, os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)
        self._reap()

    def _reap(self) -> None:
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            status = 0
        self._reaped = True  # from now on the pid may be another process's: never signal it
        self._loop.create_task(self._finish(status))

    async def _finish(self, status: int) -> None:
        # The child's last writes may still be in the tty layer: wait for EOF, with a deadline.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._eof), EOF_GRACE)
        if self._reading:
            data = self._drain(1 << 30)
            if data:
                self._on_data(data)
            self._stop_reading()
        self._close_fd()
        self.exited.set_result(_decode_status(status))

    def _close_fd(self) -> None:
        if self.fd >= 0:
            if self._reading:
                self._stop_reading()
            if self._pending:
                self._loop.remove_writer(self.fd)
                self._pending.clear()
            os.close(self.fd)
            self.fd = -1

    # --- input ------------------------------------------------------------------------------

    def write(self, data: bytes) -> bool:
        """Queues `data` for the child; never blocks (a full PTY buffer waits for the loop).
        False when the child has not read MAX_PENDING_INPUT bytes already queued: dropped."""
        if self.fd < 0 or not data:
            return True
        if self._pending:
            if len(self._pending) + len(data) > MAX_PENDING_INPUT:
                return False
            self._pending += data
            return True
        written = self._write_some(data)
        if written < len(data):
            self._pending += data[written : written + MAX_PENDING_INPUT]
            self._loop.add_writer(self.fd, self._flush)
        return True

    def _write_some(self, data: bytes | bytearray) -> int:
        try:
            return os.write(self.fd, data)
        except BlockingIOError:
            return 0
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.EBADF):
                return len(data)  # the child is gone; drop its input
            raise

    def _flush(self) -> None:
        written = self._write_some(self._pending)
        del self._pending[:written]
        if not self._pending:
            self._loop.remove_writer(self.fd)

    def resize(self, cols: int, rows: int) -> None:
        if self.fd >= 0:
            size = struct.pack("HHHH", rows, cols, 0, 0)
            with contextlib.suppress(OSError):
                fcntl.ioctl(self.fd, termios.TIOCSWINSZ, size)

    # --- stop -------------------------------------------------------------------------------

    def signal_group(self, sig: int) -> None:
        if self._reaped:
            return  # the group may live on (sweep ends it by session, checked by start time)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, sig)

    async def stop(self) -> ExitStatus:
        """Ends the whole process group: SIGHUP, then SIGTERM, then SIGKILL, each with a deadline."""
        for sig, deadline in STOP_LADDER:
            if self.exited.done():
                break
            self.signal_group(sig)
            if sig != signal.SIGKILL:
                self.signal_group(signal.SIGCONT)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.exited), deadline)
        status = await self.exited
        self.sweep()
        return status

    def sweep(self) -> None:
        """Ends what the child left behind in its session (nohup'd jobs, SIGHUP-ignoring
        stragglers), also after the child itself exited on its own — and what it started that
        left the session (daemons such as `codex app-server`), found by its mark."""
        end_session(self.pid, self.started)
        if self.mark is not None:
            end_marked([self.mark])


def _decode_status(status: int) -> ExitStatus:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return ExitStatus(128 + sig, signal.Signals(sig).name)
    return ExitStatus(os.WEXITSTATUS(status), None)


def _processes() -> Iterator[tuple[int, int, int, int]]:
    """(pid, pgid, sid, start time) of every process we can see."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            yield int(proc.name), int(fields[2]), int(fields[3]), int(fields[19])


def boot_id() -> str:
    """This boot's id: process start times (and pids) from another boot mean nothing."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def end_session(sid: int, leader_started: int | None) -> None:
    """SIGKILLs every process still in the terminal session `sid` (a worker's own)."""
    end_leftovers([(sid, leader_started)])


def end_marked(marks: Collection[str]) -> None:
    """SIGKILLs every process of ours whose environment carries WORKER_MARK=<one of `marks`>
    (one pass over /proc, whatever the number of marks)."""
    prefix = f"{WORKER_MARK}=".encode()
    wanted = {mark.encode() for mark in marks}
    uid, me = os.getuid(), os.getpid()
    for proc in Path("/proc").iterdir():
        if not wanted or not proc.name.isdigit() or int(proc.name) == me:
            continue
        try:
            if proc.stat().st_uid != uid:
                continue
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        at = environ.find(prefix)
        if at >= 0 and environ[at + len(prefix) :].split(b"\0", 1)[0] in wanted:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(int(proc.name), signal.SIGKILL)


def end_leftovers(records: Sequence[tuple[int, int | None]]) -> None:
    """Ends the terminal sessions of workers whose host died without cleaning up (kill -9), in
    one pass over /proc.

    `records` are (pid, start time) of the children in this boot; each child led a session of
    its own. While a leader lives it must be the one we started (same start time); once it is
    gone, a session id cannot be reused while any member remains, so the members found are
    ours."""
    sessions = {
        sid
        for sid, started in records
        if (current := start_time(sid)) is None or started is None or current == started
    }
    if not sessions:
        return
    for pid, _, session, _ in _processes():
        if session in sessions:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
