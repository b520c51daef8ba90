"""The scenarios, run in order on one CLI inside the product, each writing down its ground truth.

Timed steps (where a latency is measured) hold the shared `timing` lock, so CLIs run side by side
only while they boot or the script waits on an idle agent or an open question (typing, resizes,
the 60 s question): no other CLI works or draws while a latency is being measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial

from bench.accuracy.answer import (
    Answerer,
    DashboardRest,
    Question,
    TerminalKeys,
    dashboard_answer_route,
)
from bench.accuracy.drive import Drive, HarnessError
from bench.accuracy.script import LONG_OPENING, Plan, Record, long_text
from bench.accuracy.truth import IDLE, Answer, Span

DWELL = 2.5  # a person takes this long to answer a question
HOLD = 60.0  # the question left open
IDLE_WAIT = 8.0  # the longest the script waits for the product to say idle after a turn
REST = 1.5  # idle time after each turn (spurious transitions are counted there too)
TURN_TIMEOUT = 90.0
STARTUP_TIMEOUT = 90.0
TYPED = "please also update the readme file later"
SIZES = ((100, 30), (132, 43), (80, 24), (120, 40), (90, 50), (120, 40))


@dataclass
class Run:
    """One CLI's run: its drive, the shared timing lock, how questions get answered, and the
    idle stretch under way (closed, into the ground truth, when the script next acts)."""

    drive: Drive
    timing: asyncio.Lock
    answerer: Answerer = field(default_factory=TerminalKeys)
    dashboard: str | None = "not checked"  # why the dashboard cannot answer (None: it can)
    idle_since: float | None = None
    idle_label: str = ""

    @contextlib.asynccontextmanager
    async def timed(self) -> AsyncIterator[None]:
        async with self.timing:
            yield

    def idle_from(self, at: float, label: str) -> None:
        self.idle_since, self.idle_label = at, label

    def act(self) -> float:
        """The script acts now: the idle stretch before it ends here."""
        now = time.monotonic()
        if self.idle_since is not None and now - self.idle_since > 0.05:
            self.drive.truth.idle.append(Span(self.idle_since, now, self.idle_label))
        self.idle_since = None
        return now

    async def answer(self, question: Question, drawn: float, label: str) -> tuple[float, str]:
        """Answers a question drawn at `drawn`; (when the answer was sent, the path it took)."""
        sent, path = await self.answerer.answer(self.drive, question)
        self.drive.truth.questions.append(Span(drawn, sent, label))
        return sent, path

    async def settle(self, turn: Span) -> None:
        """After a turn: wait for the product's idle (bounded), then stay idle for REST."""
        self.drive.truth.turns.append(turn)
        await self.drive.until_state(IDLE, IDLE_WAIT - (time.monotonic() - turn.end))
        self.idle_from(turn.end, f"after {turn.label}")
        await asyncio.sleep(REST)

    def answered(self, label: str, path: str, ok: bool, detail: str = "") -> None:
        self.drive.truth.answers.append(Answer(label, path, ok, detail))


async def until(
    check: Callable[[], bool], within: float, what: str, drive: Drive | None = None
) -> None:
    """Waits for `check`; a HarnessError after `within` s, or at once if the CLI exited."""
    deadline = time.monotonic() + within
    while not check():
        if drive is not None and drive.exited is not None:
            raise HarnessError(f"{drive.cli.name} exited ({drive.exited}) waiting for {what}")
        if time.monotonic() > deadline:
            tail = f"; saw …{drive.seen.text[-300:]}" if drive is not None else ""
            raise HarnessError(f"timed out after {within:.0f} s waiting for {what}{tail}")
        await asyncio.sleep(0.02)


async def startup(run: Run) -> None:
    """A new session with a first prompt, as the dashboard creates one. The script answers each
    startup dialog the CLI shows (trust this folder, use this key); the turn ends with the mock's
    last byte of the first reply.

    The CLIs boot side by side (slow, and mostly waiting); the timing lock is taken once the
    first dialog is drawn or the first request reaches the mock, which holds its reply until then.
    """
    drive = run.drive
    pending = {dialog.name: dialog for dialog in drive.cli.dialogs}
    turn, gate = drive.next_turn(), asyncio.Event()
    drive.script.plan(turn, Plan("Hello from the mock. This is the first answer.", gate=gate))
    record = drive.script.records[turn]
    started = run.act()
    await drive.open(f"acc{turn} startup")
    run.dashboard = await dashboard_answer_route(drive)
    run.answerer = TerminalKeys() if run.dashboard else DashboardRest()
    dialogs = {name: d.phrase for name, d in pending.items()}
    await until(
        lambda: bool(record.requests) or drive.seen.find_any(dialogs) is not None,
        STARTUP_TIMEOUT,
        f"{drive.cli.name} to start",
        drive,
    )
    async with run.timed():
        gate.set()
        since, deadline = 0, time.monotonic() + STARTUP_TIMEOUT
        while not record.final:
            found = drive.seen.find_any({n: d.phrase for n, d in pending.items()}, since)
            if found is not None:
                name, sighting = found
                since, dialog, label = sighting.position, pending.pop(name), f"dialog: {name}"
                await sleep_until(sighting.at + DWELL)
                question = Question("dialog", dialog.keys, True)
                _, path = await run.answer(question, sighting.at, label)
                run.answered(label, path, True, "the first turn then ran")  # else HarnessError
                if dialog.restarts:  # the CLI starts over and sends the prompt again
                    asked = len(record.requests)
                    await until(partial(_asked_again, record, asked), TURN_TIMEOUT, label, drive)
            elif drive.exited is not None:
                raise HarnessError(f"{drive.cli.name} exited during startup: {drive.exited}")
            elif time.monotonic() > deadline:
                tail = drive.seen.text[-400:]
                raise HarnessError(
                    f"startup: no first reply within {STARTUP_TIMEOUT:.0f} s; saw …{tail}"
                )
            await asyncio.sleep(0.02)
        assert record.last_byte_at is not None
        await run.settle(Span(started, record.last_byte_at, "startup"))


def _asked_again(record: Record, requests: int) -> bool:
    return len(record.requests) > requests


async def submit(run: Run, label: str, plan: Plan) -> tuple[float, Record, int]:
    """Types a prompt for a new turn and presses Enter; (when Enter was sent, its record, the
    screen position before it)."""
    drive = run.drive
    turn = drive.next_turn()
    drive.script.plan(turn, plan)
    run.act()
    # Typed key by key: a CLI takes a burst of characters for a paste, and an Enter right after a
    # paste for a newline in it (Codex does).
    await drive.type_slowly(f"acc{turn} {label}", 0.04)
    await asyncio.sleep(0.5)
    position = drive.seen.position
    record = drive.script.records[turn]
    sent = await drive.send("\r")
    await until(lambda: bool(record.requests), TURN_TIMEOUT, f"{label}: the CLI's request", drive)
    return sent, record, position


async def answer_turn(run: Run, label: str, plan: Plan) -> None:
    async with run.timed():
        start, record, _ = await submit(run, label, plan)
        await until(lambda: record.final, TURN_TIMEOUT, f"{label}: the mock's last byte", run.drive)
        assert record.last_byte_at is not None
        await run.settle(Span(start, record.last_byte_at, label))


async def plain(run: Run) -> None:
    await answer_turn(run, "plain answer", Plan("Hello from the mock. This is a plain answer."))


async def long_stream(run: Run) -> None:
    await answer_turn(run, "long stream", Plan(long_text(120), seconds=8.0, delay=2.0))


async def interrupt(run: Run) -> None:
    """A long stream interrupted by the CLI's own keys once tokens have flowed for 2 s; the CLI
    must hang up on the stream (else the script's interrupt failed)."""
    drive = run.drive
    async with run.timed():
        start, record, position = await submit(
            run, "interrupt mid-stream", Plan(long_text(400), seconds=30.0, delay=0.5)
        )
        await drive.until_seen(LONG_OPENING, position, TURN_TIMEOUT, "the long stream")
        await asyncio.sleep(2.0)
        for _ in range(3):  # a key lost in a busy TUI is pressed again, as a person would
            sent = await drive.send(drive.cli.interrupt[0])
            for key in drive.cli.interrupt[1:]:
                await asyncio.sleep(0.3)
                sent = await drive.send(key)
            with contextlib.suppress(HarnessError):
                await until(lambda: record.cut_at is not None, 3.0, "the hang-up", drive)
                break
        else:
            raise HarnessError("the CLI never hung up on the stream it was told to interrupt")
        await run.settle(Span(start, sent, "interrupt mid-stream"))


async def permission(run: Run, accept: bool, hold: float = DWELL) -> None:
    """A shell tool call: the CLI's permission prompt, answered after `hold` seconds. A long hold
    gives the timing lock back while the question stays open."""
    drive, cli = run.drive, run.drive.cli
    label = f"permission {'yes' if accept else 'no'}" + (
        f", open {hold:.0f} s" if hold > DWELL else ""
    )
    marker = drive.project / f"acc-marker-{uuid.uuid4().hex[:8]}.txt"
    plan = Plan("Done, the file exists.", command=f"touch {marker.name}")
    await run.timing.acquire()
    try:
        start, record, position = await submit(run, label, plan)
        drawn = await drive.until_seen(cli.permission, position, TURN_TIMEOUT, label)
        if hold > DWELL:
            await sleep_until(drawn.at + DWELL)
            run.timing.release()
            await sleep_until(drawn.at + hold)
            await run.timing.acquire()
        await sleep_until(drawn.at + hold)
        keys = cli.yes if accept else cli.no
        sent, path = await run.answer(Question("permission", keys, accept), drawn.at, label)
        if accept:
            await until(lambda: record.final, TURN_TIMEOUT, f"{label}: the closing reply", drive)
            assert record.last_byte_at is not None
        end = record.last_byte_at if accept and record.last_byte_at else sent
        await run.settle(Span(start, end, label))
    finally:
        run.timing.release()
    ran = marker.exists()
    detail = f"tool result: {record.tool_result!r}" if record.tool_result else "no tool result"
    run.answered(label, path, ran == accept, f"marker {'made' if ran else 'absent'}; {detail}")


async def sleep_until(at: float) -> None:
    await asyncio.sleep(max(0.0, at - time.monotonic()))


async def typing(run: Run) -> None:
    """Typing into the idle input without sending it, then erasing it."""
    drive = run.drive
    run.act()
    run.idle_from(time.monotonic(), "typing without sending")
    await drive.type_slowly(TYPED, 0.12)
    await asyncio.sleep(3.0)
    await drive.type_slowly("\x7f" * len(TYPED), 0.04)
    await asyncio.sleep(3.0)
    run.act()
    run.idle_from(time.monotonic(), "after typing")


async def resizes(run: Run) -> None:
    """The browser window resized a few times while the agent is idle."""
    run.act()
    run.idle_from(time.monotonic(), "resizes while idle")
    for cols, rows in SIZES:
        await run.drive.resize(cols, rows)
        await asyncio.sleep(1.5)
    await asyncio.sleep(3.0)
    run.act()
    run.idle_from(time.monotonic(), "after resizes")


SCENARIOS: tuple[tuple[str, Callable[[Run], Awaitable[None]]], ...] = (
    ("startup dialogs", startup),
    ("permission left open 60 s", lambda run: permission(run, False, HOLD)),
    ("plain answer", plain),
    ("long stream", long_stream),
    ("permission yes", lambda run: permission(run, True)),
    ("permission no", lambda run: permission(run, False)),
    ("typing without sending", typing),
    ("resizes while idle", resizes),
    ("interrupt mid-stream", interrupt),
)
