"""Live workers on a WorkerHost: TerminalWorker and AgentWorker (PTY workers); LiveWorker is what
every kind shares (diff_worker.py has the kind without a process; worker_kinds.py builds each).

The output path: the host sends bytes with their end offset → OutputStream cuts them at whole
characters → one `output` frame, encoded once, is put in every live client's outbox → an agent's
detector sees the text. Nothing on it awaits. A client that falls behind, and every new client,
reads from the host's log piece by piece (`fetch`), and FlowControl pauses the PTY while the
clients cannot keep up, so no client that keeps reading ever loses a byte.

A kind says here what the rest of the server asks about it (`default_name`, `has_process`,
`needs_agent`) and how it is built (`build`); `worker_kinds.WORKER_KINDS` lists every kind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from agent_console import attention, history, protocol
from agent_console.activity import ActivityDetector
from agent_console.errors import Error, SpawnFailed
from agent_console.flow import STALL, FlowControl, Lag
from agent_console.hub import Frame, Outbox
from agent_console.judge import ActivityJudge, Change
from agent_console.keystrokes import Keys
from agent_console.model import ActivityState, Agent, Worker, WorkerStatus, WorkerType, now_iso
from agent_console.output_stream import OutputStream
from agent_console.question import Question
from agent_console.signals import Observation
from agent_console.worker_host import Hosted, SpawnSpec, WorkerHost

log = logging.getLogger(__name__)
OnChange = Callable[["LiveWorker"], None]
FAILED_START_WINDOW = 5.0
SCREEN_TAIL = 64 * 1024  # output replayed to recompute an adopted agent's activity
NOTE_OSC = 6973  # a server note that is not drawn on the terminal's grid (docs/protocol.md)


@dataclass(frozen=True)
class Surroundings:
    """What a live worker is built with besides its model: where it runs and whom it tells."""

    session_id: str
    location: Path
    host: WorkerHost
    retained: int
    on_change: OnChange
    on_activity: OnChange
    judge: Callable[[Agent], ActivityJudge]  # an agent worker's judge of its activity


class LiveWorker:
    """What every kind shares: its model, its session, its attached clients."""

    kind: ClassVar[WorkerType]
    default_name: ClassVar[str]  # a new worker's name when none is given (an agent's: its own)
    has_process: ClassVar[bool] = True  # a running one keeps its session active
    needs_agent: ClassVar[bool] = False
    draws_its_screen: ClassVar[bool] = False  # a TUI: server notes stay off its grid

    def __init__(self, session_id: str, model: Worker, on_change: OnChange) -> None:
        self.session_id = session_id
        self.model = model
        self.clients: set[Outbox] = set()
        self.unsaved = False  # its model changed on its own and is to be saved (its attention)
        self._on_change = on_change
        self._loop = asyncio.get_running_loop()
        self._closed = False

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def running(self) -> bool:
        return self.model.status == WorkerStatus.RUNNING

    @property
    def activity(self) -> ActivityState | None:
        return None

    def attach(self, outbox: Outbox, offset: int | None, tail: int | None = None) -> None:
        self.clients.add(outbox)

    def detach(self, outbox: Outbox) -> None:
        self.clients.discard(outbox)

    def broadcast(self, frame: Frame) -> None:
        for outbox in self.clients:
            outbox.put(frame)

    async def stop(self) -> None:
        """Ends what the worker runs (if anything)."""

    def close(self, code: int = protocol.Close.NORMAL) -> None:
        """Detaches every client (their sockets close with `code`)."""
        self._closed = True
        for outbox in self.clients:
            outbox.close(code)
        self.clients.clear()


class PtyWorker(LiveWorker):
    """A process in a PTY, kept by the host; its output relayed to the attached clients."""

    def __init__(
        self, session_id: str, model: Worker, host: WorkerHost, retained: int, on_change: OnChange
    ) -> None:
        super().__init__(session_id, model, on_change)
        self.host = host
        self.size = (80, 24)
        self.stream = OutputStream()
        self._flow = FlowControl(retained)
        self._stall_timer: asyncio.TimerHandle | None = None
        self._started_at = 0.0
        self._stopping = False
        self._last_writer: Outbox | None = None
        self.watch_output: Callable[[PtyWorker], None] | None = None  # the dashboard's previews
        self.logged: Callable[[str, int, bytes], None] | None = None  # told what was logged

    # --- lifecycle --------------------------------------------------------------------------

    async def start(
        self, argv: list[str], cwd: str, env: dict[str, str], marker: str | None = None
    ) -> Hosted:
        """Spawns the process on the host (SpawnFailed propagates)."""
        if self._closed:
            raise SpawnFailed("the worker was removed")
        cols, rows = self.size
        spec = SpawnSpec(self.id, argv, cwd, env, cols, rows, marker)
        return await self.host.spawn(spec, self)

    async def adopt(self) -> Hosted:
        """Takes over a worker the host kept while no server ran (its output, its exit)."""
        return await self.host.subscribe(self.id, self)

    def on_started(self, hosted: Hosted) -> None:
        """The host's answer to spawn or subscribe — before any output or exit after it."""
        self._started_at, self._stopping = self._loop.time(), False
        self.stream.reset(hosted.end_offset)
        self.size = (hosted.cols, hosted.rows)
        self.model.history_problem = hosted.log_problem
        if hosted.running:
            if self.model.status != WorkerStatus.RUNNING or not self.model.state_changed_at:
                self.model.state_changed_at = now_iso()  # started (adopting is no change)
            self.model.status = WorkerStatus.RUNNING
            self.model.exit_code = self.model.signal = None
            self.model.pid = hosted.pid
        elif self.model.status == WorkerStatus.RUNNING:  # it exited while no server ran
            self._exited(hosted.exit_code or 0, hosted.signal)
        else:
            self._ended(hosted.exit_code or 0, hosted.signal)

    def _exited(self, exit_code: int, signal: str | None) -> None:
        """The process ended just now: the time of it, and whether its user should look."""
        self._ended(exit_code, signal)
        now = self.model.state_changed_at = now_iso()
        was = attention.of(self.model)
        after = attention.after_exit(exit_code, signal, self.kind == "agent", was, now)
        self.unsaved = attention.apply(self.model, after) or self.unsaved

    def _ended(self, exit_code: int, signal: str | None) -> None:
        self.model.status = WorkerStatus.EXITED
        self.model.exit_code, self.model.signal, self.model.pid = exit_code, signal, None

    @property
    def failed_at_start(self) -> bool:
        """The process exited with an error on its own within a few seconds of starting."""
        quick = self._loop.time() - self._started_at < FAILED_START_WINDOW
        return quick and not self._stopping and bool(self.model.exit_code)

    async def stop(self) -> None:
        self._stopping = True
        await self.host.stop(self.id)

    def close(self, code: int = protocol.Close.NORMAL) -> None:
        super().close(code)
        self._cancel_stall_timer()
        self.host.unsubscribe(self.id)

    # --- HostSink: what the host reports ----------------------------------------------------

    def on_output(self, end_offset: int, data: bytes) -> None:
        if self.logged is not None:
            self.logged(self.id, end_offset, data)  # for the search index, indexed later
        text = self.stream.feed(data, end_offset)
        if text:
            self._emit(text)

    def _emit(self, text: str) -> None:
        offset = self.stream.complete_offset
        frame = Frame(protocol.output(text, offset), text, offset)
        for outbox in self.clients:
            outbox.put(frame)
        self.printed(text)
        if self.watch_output is not None:
            self.watch_output(self)
        if self.clients:
            self._judge_flow()

    def printed(self, text: str) -> None:
        """Kinds that watch the output (agents) look at each text handed on."""

    def on_exit(self, exit_code: int, signal: str | None) -> None:
        held = self.stream.flush()
        if held:
            self._emit(held)
        self._exited(exit_code, signal)
        self.broadcast(Frame(protocol.exit_message(exit_code, signal)))
        self._on_change(self)

    def on_input_dropped(self) -> None:
        if self._last_writer is not None:
            self._last_writer.put_text(
                protocol.error("INPUT_DROPPED", "input dropped: the program is not reading it")
            )

    def on_log_state(self, problem: str | None) -> None:
        self.model.history_problem = problem
        self.note(problem or "history is being saved again")
        self._on_change(self)

    # --- clients ----------------------------------------------------------------------------

    def attach(self, outbox: Outbox, offset: int | None, tail: int | None = None) -> None:
        """The client gets `history` from `offset` (or all retained output, or only the last
        `tail` bytes), read from the log in pieces, then live output — nothing lost or
        repeated. Activity and exit follow the history."""
        end = self.stream.complete_offset
        if offset is not None and offset <= end:
            outbox.start_behind(offset, resumed=True)
        elif tail is not None:
            outbox.start_behind(max(0, end - tail), tail=True)
        else:
            outbox.start_behind(0)
        self.attached(outbox)
        if self.model.status == WorkerStatus.EXITED:
            outbox.put(Frame(protocol.exit_message(self.model.exit_code or 0, self.model.signal)))
        self.clients.add(outbox)
        self._judge_flow()

    def attached(self, outbox: Outbox) -> None:
        """Kinds add what a new client hears right after the history (an agent's activity)."""

    def detach(self, outbox: Outbox) -> None:
        super().detach(outbox)
        if self._last_writer is outbox:
            self._last_writer = None
        self._judge_flow()

    async def fetch(self, outbox: Outbox) -> list[str]:
        """The next piece of output after `outbox.offset`, from the host's log."""
        return await history.feed(self.host, self.id, outbox, lambda: self.stream.complete_offset)

    async def page(self, end: int, size: int) -> history.Page:
        """Output before offset `end` (see history.page)."""
        return await history.page(self.host, self.id, end, size, self.stream.complete_offset)

    async def search(self, query: str) -> tuple[list[history.Match], bool]:
        """Lines of the whole retained output that contain `query` (see history.search)."""
        return await history.search(self.host, self.id, query, self.stream.complete_offset)

    def progressed(self, outbox: Outbox) -> None:
        self._judge_flow()

    def _judge_flow(self) -> None:
        """Pauses or resumes reading the PTY as the clients' lag asks; drops stalled ones."""
        clients = [c for c in self.clients if not c.paused]  # a hidden tab holds nobody back
        now, end = time.monotonic(), self.stream.complete_offset
        lags = [Lag(end - c.sent_offset, now - c.progress_at) for c in clients]
        was = self._flow.paused
        for index in self._flow.judge(lags):
            clients[index].close(protocol.Close.TRY_AGAIN, "client stalled; reconnect", drop=True)
            self.clients.discard(clients[index])
        if self._flow.paused != was:
            (self.host.pause if self._flow.paused else self.host.resume)(self.id)
        if self._flow.paused and self._stall_timer is None:
            self._stall_timer = self._loop.call_later(STALL, self._stall_check)

    def _stall_check(self) -> None:
        self._stall_timer = None
        self._judge_flow()

    def _cancel_stall_timer(self) -> None:
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None

    # --- input ------------------------------------------------------------------------------

    def write(self, data: str, by: Outbox | None = None) -> None:
        """Types `data` (the host reports input the program does not read)."""
        if self.running:
            self._last_writer = by
            self.host.input(self.id, data.encode("utf-8"))
            self.typed(data)

    def typed(self, data: str) -> None:
        """Kinds that judge activity look at what the user types."""

    def resize(self, cols: int, rows: int) -> None:
        self.size = (cols, rows)
        if self.running:
            self.host.resize(self.id, cols, rows)

    def paste_image(self, images_dir: Path, data: bytes, extension: str) -> Path:
        """Saves the image under the data dir and types its path into the PTY."""
        images_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = images_dir / f"{self.id}-{os.urandom(6).hex()}.{extension}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        self.write(str(path))
        return path

    def note(self, message: str) -> None:
        """Writes a notice from the server into the worker's history (and to its clients): a
        line of its own while no program draws the screen; inside an out-of-band OSC while an
        agent runs, since a line written into a TUI's picture moves its cursor under it and
        garbles every later frame (the browser shows the OSC's text beside that line)."""
        text = "".join(c for c in f"[agent-console] {message}" if c.isprintable())
        quiet = self.running and self.draws_its_screen
        data = f"\x1b]{NOTE_OSC};{text}\x07" if quiet else f"\r\n\x1b[33m{text}\x1b[0m\r\n"
        self.host.note(self.id, data.encode())


class TerminalWorker(PtyWorker):
    kind = "terminal"
    default_name = "Terminal"

    @classmethod
    def build(cls, at: Surroundings, model: Worker, agent: Agent | None) -> TerminalWorker:
        return cls(at.session_id, model, at.host, at.retained, at.on_change)


class AgentWorker(PtyWorker):
    """An agent CLI: its activity judged from its screen, its keys and its structured signals
    (judge.py); hook calls reach it through `hook`."""

    kind = "agent"
    default_name = "Agent"
    needs_agent = True
    draws_its_screen = True

    @classmethod
    def build(cls, at: Surroundings, model: Worker, agent: Agent | None) -> AgentWorker:
        judge = at.judge(agent) if agent else ActivityJudge(ActivityDetector([]))
        return cls(at.session_id, model, at.host, at.retained, at.on_change, judge,
                   at.on_activity)  # fmt: skip

    def __init__(
        self,
        session_id: str,
        model: Worker,
        host: WorkerHost,
        retained: int,
        on_change: OnChange,
        judge: ActivityJudge,
        on_activity: OnChange,
    ) -> None:
        super().__init__(session_id, model, host, retained, on_change)
        self.judge = judge
        self._on_activity = on_activity
        self._timer: asyncio.Handle | None = None
        self._timer_at: float | None = None  # uvloop's call_at may return a plain Handle
        self._reported = judge.state  # the activity clients last heard
        self.type_when_idle: str | None = None  # typed once the agent first settles
        self.continue_fallback: Agent | None = None  # relaunch fresh if continuing fails at once
        self.launch: str | None = None  # the launch id its hooks name (None: no hooks)
        self.typing = False  # an answer or a queued message is being typed (type_keys)
        self.entered_at = -math.inf  # when Enter was last typed into it (loop time)
        self.answered: str | None = None  # the question last answered through the API (its id)

    @property
    def activity(self) -> ActivityState:
        return self.judge.state

    @property
    def question(self) -> Question | None:
        return self.judge.question

    def printed(self, text: str) -> None:
        self._track(self.judge.printed(text, self._loop.time()))

    def typed(self, data: str) -> None:
        now = self._loop.time()
        if "\r" in data:
            self.entered_at = now
        self._track(self.judge.typed(data, now))

    def observe(self, observation: Observation) -> bool:
        """A structured observation (a hook call) dated on this loop's clock; whether it
        counted (not late, not repeated)."""
        self._track(self.judge.observe(observation, self._loop.time()))
        return self.judge.taken

    def expect_turn(self) -> None:
        """It was launched with a prompt it will work on (see ActivityJudge.expect_turn)."""
        self.judge.expect_turn(self._loop.time())
        self._arm_timer()

    def loop_time(self, wall: float) -> float:
        """A wall-clock time (a hook's) on this loop's clock."""
        return self._loop.time() - max(0.0, time.time() - wall)

    def wall_time(self, at: float) -> float:
        """A time on this loop's clock as wall-clock time."""
        return time.time() - (self._loop.time() - at)

    def attached(self, outbox: Outbox) -> None:
        outbox.put(Frame(self._activity_frame()))

    async def type_keys(self, keys: Keys) -> None:
        """Types `keys`, each after its pause (an answer, a queued message): one at a time."""
        self.typing = True
        try:
            for key in keys:
                if key.pause > 0:
                    await asyncio.sleep(key.pause)
                if self._closed:
                    return
                self.write(key.data)
        finally:
            self.typing = False

    def close(self, code: int = protocol.Close.NORMAL) -> None:
        super().close(code)
        self._cancel_timer()

    def resize(self, cols: int, rows: int) -> None:
        super().resize(cols, rows)
        if self.running:  # the program's redraw that follows is not work
            self._track(self.judge.resized(self._loop.time()))

    def reset_activity(self, judge: ActivityJudge) -> None:
        """A fresh judge for a relaunched agent; clients learn its (unknown) state at once."""
        self._cancel_timer()
        self.judge = judge
        self._track(Change(judge.state, judge.reason, self._loop.time()))

    async def recompute_activity(self, hosted: Hosted, judge: ActivityJudge) -> None:
        """After a server restart: the state from the screen the host kept and from when the
        agent last printed — not a guess."""
        start = max(hosted.start_offset, hosted.end_offset - SCREEN_TAIL)
        with contextlib.suppress(Error):
            data = (await self.host.read(self.id, start, hosted.end_offset - start)).data
            age = time.time() - hosted.last_output_at if hosted.last_output_at else 3600.0
            printed_at = self._loop.time() - max(0.0, age)
            judge.printed(data.decode("utf-8", "replace"), printed_at)
        judge.poll(self._loop.time())
        self.reset_activity(judge)

    def _activity_frame(self) -> str:
        return protocol.activity(self.judge.state.value, self.model.activity_reason,
                                 self.model.question)  # fmt: skip

    def _track(self, change: Change | None) -> None:
        if change is not None:
            self.model.activity_reason = change.reason
            self.model.question = change.question.dump() if change.question else None
        if change is not None and change.state == ActivityState.IDLE and self.type_when_idle:
            # An agent whose command line takes no prompt gets it typed once it is ready for input.
            text, self.type_when_idle = self.type_when_idle, None
            self.write(text)
        if change is not None:
            if change.state is not self._reported or change.question is None:
                self._mark(change.state)  # (another question while asking is no new activity)
            self.broadcast(Frame(self._activity_frame()))
            self._on_activity(self)
        self._arm_timer()

    def _mark(self, state: ActivityState) -> None:
        """The time of the change, and what it does to whether the agent needs its user."""
        old, self._reported = self._reported, state
        now = self.model.state_changed_at = now_iso()
        after = attention.after_activity(attention.of(self.model), old, state, now)
        self.unsaved = attention.apply(self.model, after) or self.unsaved

    def _arm_timer(self) -> None:
        deadline = self.judge.next_deadline
        if self._timer is not None and deadline != self._timer_at:
            self._cancel_timer()
        if deadline is not None and self._timer is None:
            self._timer = self._loop.call_at(deadline, self._on_deadline)
            self._timer_at = deadline

    def _on_deadline(self) -> None:
        self._timer = self._timer_at = None
        self._track(self.judge.poll(self._loop.time()))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = self._timer_at = None
