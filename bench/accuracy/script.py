"""The scripted model: what each turn of a scenario replies, and what the mock sent when.

A prompt the runner types carries its turn number (`acc7`); every provider mock finds it in the
conversation it is sent, looks the turn's Plan up here and streams the reply as Events. A request
that carries the result of the turn's tool call (known by its id) gets the turn's closing text.
The Record of each turn is the ground truth of "the turn ended": the moment the mock wrote the last
byte of the turn's final reply.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field

TURN = re.compile(r"\bacc(\d+)\b")


@dataclass(frozen=True)
class Plan:
    """One turn: optionally a shell tool call first, then `text` streamed over `seconds`."""

    text: str
    seconds: float = 0.5
    delay: float = 0.3  # before the first token: the model "thinking"
    command: str | None = None
    gate: asyncio.Event | None = None  # hold the reply until the script opens it


@dataclass(frozen=True)
class Delay:
    seconds: float


@dataclass(frozen=True)
class Gate:
    """The reply waits until the script opens this (the model is still "thinking")."""

    opened: asyncio.Event


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class ToolCall:
    call_id: str
    command: str
    description: str


@dataclass(frozen=True)
class End:
    tool_use: bool  # the reply stops for a tool call (else: the turn is over)


Event = Gate | Delay | TextDelta | ToolCall | End


@dataclass(frozen=True)
class Call:
    """What a provider mock read from one request."""

    main: bool  # the conversation with tools (not a title, summary or routing side call)
    turn: int | None  # from the latest user prompt carrying `accN`
    tool_result: str | None  # the result of this turn's tool call (text), once the CLI sent it


@dataclass
class Record:
    """What the mock did for one turn (monotonic clock)."""

    requests: list[float] = field(default_factory=list)
    tool_call_at: float | None = None
    tool_result_at: float | None = None
    tool_result: str | None = None
    last_byte_at: float | None = None  # of the reply that closed the turn
    final: bool = False  # the turn's latest reply closed it and was sent whole
    cut_at: float | None = None  # the CLI hung up on a reply (interrupted it)


class Script:
    """Plans by turn, and the record of every turn the mock served."""

    def __init__(self) -> None:
        self.plans: dict[int, Plan] = {}
        self.records: dict[int, Record] = {}
        self.unplanned: list[str] = []  # main calls for no known turn: a harness defect

    def plan(self, turn: int, plan: Plan) -> None:
        self.plans[turn] = plan
        self.records[turn] = Record()

    def events(self, call: Call) -> tuple[list[Event], Record | None]:
        """The reply to `call`, and the record of its turn (None: a side call)."""
        if not call.main:
            return [TextDelta("Scripted side reply."), End(tool_use=False)], None
        if call.turn is None or call.turn not in self.plans:
            self.unplanned.append(f"turn {call.turn}")
            return [TextDelta("No script for this turn."), End(tool_use=False)], None
        plan, record = self.plans[call.turn], self.records[call.turn]
        record.requests.append(time.monotonic())
        record.final = False  # until this reply is sent whole
        gate: list[Event] = [Gate(plan.gate)] if plan.gate is not None else []
        if call.tool_result is not None or plan.command is None:
            if call.tool_result is not None and record.tool_result is None:
                record.tool_result_at, record.tool_result = time.monotonic(), call.tool_result
            return [*gate, Delay(plan.delay), *stream(plan.text, plan.seconds), End(False)], record
        return [
            *gate,
            Delay(plan.delay),
            TextDelta("I will run a command."),
            ToolCall(call_id(call.turn), plan.command, "Create the marker file"),
            End(tool_use=True),
        ], record


def call_id(turn: int) -> str:
    """The id of a turn's tool call, by which its result is recognised."""
    return f"call_acc{turn}"


def stream(text: str, seconds: float) -> list[Event]:
    """`text` as word deltas spread evenly over `seconds`."""
    words = re.findall(r"\S+\s*", text)
    gap = seconds / max(len(words) - 1, 1)
    events: list[Event] = []
    for index, word in enumerate(words):
        if index:
            events.append(Delay(gap))
        events.append(TextDelta(word))
    return events


_VOCABULARY = (
    "agent build cache check client commit config console daemon deploy diff docker editor "
    "error event file fixture format git handler hook index input issue kernel layout lint "
    "log merge metric module network output package parser patch pipeline plugin process "
    "prompt queue release request router runner schema screen server session shell signal "
    "socket state stream style suite table task terminal test thread timer token tool trace "
    "update version view window worker"
)
WORDS = tuple(_VOCABULARY.split())
LONG_OPENING = "Here is a long answer about the project."


def long_text(words: int, seed: int = 7) -> str:
    """`LONG_OPENING`, then `words` words of prose that never repeats itself (a CLI's loop
    detection would stop a repetitive stream), in paragraphs."""
    pick = random.Random(seed).choice
    sentences = [
        " ".join(pick(WORDS) for _ in range(9)).capitalize() + "." for _ in range(words // 9)
    ]
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join([LONG_OPENING, *paragraphs])
