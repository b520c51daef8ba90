"""A live worker: its PTY process, output log, activity detector and attached clients.

The output path is the hot path: PTY burst → scrollback append → whole UTF-8 characters → one
`output` frame encoded once → every attached outbox. Nothing on it awaits. Activity timers are
armed only when the detector has a deadline, so an idle worker costs no CPU.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from agent_console import protocol
from agent_console.activity import ActivityDetector
from agent_console.diff import DiffWatcher
from agent_console.errors import Error, SpawnFailed
from agent_console.hub import Frame, Outbox
from agent_console.model import ActivityState, Agent, Worker, WorkerStatus
from agent_console.process import ExitStatus, PtyProcess, child_env
from agent_console.scrollback import Scrollback, Utf8Boundary

OnChange = Callable[["LiveWorker"], None]
FAILED_START_WINDOW = 5.0


class LiveWorker:
    def __init__(
        self,
        session_id: str,
        model: Worker,
        scrollback: Scrollback | None,
        detector: ActivityDetector | None,
        on_change: OnChange,
        on_activity: OnChange,
    ) -> None:
        self.session_id = session_id
        self.model = model
        self.scrollback = scrollback
        self.detector = detector
        self.process: PtyProcess | None = None
        self.size = (80, 24)
        self._boundary = Utf8Boundary()
        self._clients: set[Outbox] = set()
        self._on_change = on_change
        self._on_activity = on_activity
        self._loop = asyncio.get_running_loop()
        self._timer: asyncio.Handle | None = None
        self._timer_at: float | None = None  # uvloop's call_at may return a plain Handle
        self._waiter: asyncio.Task[None] | None = None
        self.watch_path: Path | None = None  # git-diff workers: the worktree to watch
        self.type_when_idle: str | None = None  # typed once the agent first settles
        self.continue_fallback: Agent | None = None  # relaunch fresh if continuing fails at once
        self._started_at = 0.0
        self._stopping = False
        self._closed = False
        self._cwd = ""
        self._watch: asyncio.Task[None] | None = None

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def activity(self) -> ActivityState | None:
        return self.detector.state if self.detector else None

    @property
    def running(self) -> bool:
        return self.process is not None and not self.process.exited.done()

    # --- lifecycle --------------------------------------------------------------------------

    async def start(
        self, argv: Sequence[str], cwd: str, env_extra: dict[str, str] | None = None
    ) -> None:
        """Spawns the process (SpawnFailed propagates) and starts pumping its output."""
        if self._closed:
            raise SpawnFailed("the worker was removed")
        cols, rows = self.size
        self.process = PtyProcess.spawn(argv, cwd, child_env(os.environ, env_extra), cols, rows)
        self._started_at, self._stopping, self._cwd = self._loop.time(), False, cwd
        self._boundary = Utf8Boundary()
        self.model.status = WorkerStatus.RUNNING
        self.model.exit_code = None
        self.model.signal = None
        self.model.pid = self.process.pid
        self.process.start_reading(self._on_output)
        self._waiter = self._loop.create_task(self._await_exit(self.process))

    async def _await_exit(self, process: PtyProcess) -> None:
        status = await process.exited
        if process is self.process:
            self._exited(status)

    def _exited(self, status: ExitStatus) -> None:
        self.model.status = WorkerStatus.EXITED
        self.model.exit_code = status.exit_code
        self.model.signal = status.signal
        self.model.pid = None
        self._flush_boundary()
        self._broadcast(Frame(protocol.exit_message(status.exit_code, status.signal)))
        self._on_change(self)

    @property
    def failed_at_start(self) -> bool:
        """The process exited with an error on its own within a few seconds of starting."""
        quick = self._loop.time() - self._started_at < FAILED_START_WINDOW
        return quick and not self._stopping and bool(self.model.exit_code)

    async def stop(self) -> None:
        """Ends the process's whole session (if still there) and waits for the exit report."""
        process, waiter = self.process, self._waiter
        if process is None:
            return
        self._stopping = True
        if process.exited.done():
            process.sweep()  # it exited on its own; what it left behind goes now
        else:
            await process.stop()
        if waiter is not None:
            await waiter

    def close(self, code: int = protocol.Close.NORMAL) -> None:
        """Detaches every client (their sockets close with `code`) and releases the log."""
        self._closed = True
        self._cancel_timer()
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        for outbox in self._clients:
            outbox.close(code)
        self._clients.clear()
        if self.scrollback is not None:
            self.scrollback.close()

    # --- output -----------------------------------------------------------------------------

    def _on_output(self, data: bytes) -> None:
        assert self.scrollback is not None
        self.scrollback.append(data)
        whole = self._boundary.feed(data)
        if whole:
            self._emit(whole.decode("utf-8", "replace"))

    def _emit(self, text: str) -> None:
        offset = self.complete_offset
        frame = Frame(protocol.output(text, offset), text, offset)
        for outbox in self._clients:
            outbox.put(frame)
        if self.detector is not None:
            self._track(self.detector.on_output(text, self._loop.time()))

    @property
    def complete_offset(self) -> int:
        """The offset after the last whole character written (what clients have seen)."""
        assert self.scrollback is not None
        return self.scrollback.end_offset - self._boundary.pending

    def _broadcast(self, frame: Frame) -> None:
        for outbox in self._clients:
            outbox.put(frame)

    def note(self, message: str) -> None:
        """Writes a notice from the server into the worker's output (kept in its history)."""
        if self.scrollback is None:
            return
        self._flush_boundary()
        data = f"\r\n\x1b[33m[agent-console] {message}\x1b[0m\r\n".encode()
        self.scrollback.append(data)
        self._broadcast(Frame(protocol.output(data.decode(), self.complete_offset)))

    def _flush_boundary(self) -> None:
        """Sends a character left incomplete by the process (it will never be finished)."""
        held = self._boundary.pending
        if held and self.scrollback is not None:
            end = self.scrollback.end_offset
            self._boundary = Utf8Boundary()
            self._emit(self.scrollback.read(end - held, end).decode("utf-8", "replace"))

    # --- clients ----------------------------------------------------------------------------

    def attach(self, outbox: Outbox, offset: int | None) -> None:
        """Queues `history` after `offset` (then `activity`) and subscribes to live output —
        with no await in between, so no byte is lost or repeated."""
        end = self.complete_offset if self.scrollback else 0
        start, data = self.scrollback.since(offset, end) if self.scrollback else (0, b"")
        text = data.decode("utf-8", "replace")
        outbox.put(Frame(protocol.history(text, start, end)), force=True)
        if self.detector is not None:
            outbox.put(Frame(protocol.activity(self.detector.state.value)), force=True)
        if self.model.status == WorkerStatus.EXITED and self.model.type != "git-diff":
            outbox.put(Frame(protocol.exit_message(self.model.exit_code or 0, self.model.signal)))
        self._clients.add(outbox)
        if self.watch_path is not None and self._watch is None:
            self._watch = self._loop.create_task(self._watch_files(self.watch_path))

    def detach(self, outbox: Outbox) -> None:
        self._clients.discard(outbox)
        if not self._clients and self._watch is not None:
            self._watch.cancel()
            self._watch = None

    async def _watch_files(self, path: Path) -> None:
        """Tells attached clients each time the worktree's files change (file-system events)."""
        try:
            async with DiffWatcher(path) as watcher:
                self.changed()  # watching now: a client that fetches from here on misses nothing
                async for _ in watcher:
                    self.changed()
        except Error as exc:
            self.note(exc.message)

    def changed(self) -> None:
        """The diff this git-diff worker shows may have changed."""
        self._broadcast(Frame(protocol.diff_changed()))

    @property
    def client_count(self) -> int:
        return len(self._clients)

    # --- input ------------------------------------------------------------------------------

    def write(self, data: str) -> bool:
        """Types `data`; False when it was dropped because the process is not reading input."""
        if self.process is None or not self.running:
            return True
        if not self.process.write(data.encode("utf-8")):
            return False
        if self.detector is not None:
            self._track(self.detector.on_input(data, self._loop.time()))
        return True

    def resize(self, cols: int, rows: int) -> None:
        self.size = (cols, rows)
        if self.process is not None:
            self.process.resize(cols, rows)
            if self.detector is not None:  # the program's redraw that follows is not work
                self._track(self.detector.on_resize(self._loop.time()))

    def paste_image(self, images_dir: Path, data: bytes, extension: str) -> Path:
        """Saves the image under the data dir and types its path into the PTY."""
        images_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = images_dir / f"{self.id}-{os.urandom(6).hex()}.{extension}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        self.write(str(path))
        return path

    # --- activity ---------------------------------------------------------------------------

    def reset_activity(self, detector: ActivityDetector) -> None:
        """A fresh detector for a relaunched agent; clients learn its (unknown) state at once."""
        self._cancel_timer()
        self.detector = detector
        self._track(detector.state)

    def _track(self, changed: ActivityState | None) -> None:
        if changed == ActivityState.IDLE and self.type_when_idle is not None:
            # An agent whose command line takes no prompt gets it typed once it is ready for input.
            text, self.type_when_idle = self.type_when_idle, None
            self.write(text)
        if changed is not None:
            self._broadcast(Frame(protocol.activity(changed.value)))
            self._on_activity(self)
        self._arm_timer()

    def _arm_timer(self) -> None:
        assert self.detector is not None
        deadline = self.detector.next_deadline
        if self._timer is not None and deadline != self._timer_at:
            self._cancel_timer()
        if deadline is not None and self._timer is None:
            self._timer = self._loop.call_at(deadline, self._on_deadline)
            self._timer_at = deadline

    def _on_deadline(self) -> None:
        self._timer = self._timer_at = None
        assert self.detector is not None
        self._track(self.detector.poll(self._loop.time()))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = self._timer_at = None
