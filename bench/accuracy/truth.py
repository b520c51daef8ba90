"""Ground truth and the figures scored against it (pure).

The script writes down what it knows (Truth): when each question was on screen (from its own
matcher until it answered), when each turn started (its Enter) and ended (the mock's last byte of
the turn's closing reply, or the user's refusal or interrupt), which stretches the agent was idle,
and whether each answer worked. The product's states are the `worker-activity` transitions the
dashboard received. Definitions of the figures:

- asking recall: questions during which the product said "asking" at some point / questions.
- asking precision: product "asking" stretches that overlap a question (±TOLERANCE) / all of them.
- detection latency: the product's first "asking" during a question − the question drawn.
- idle latency: the product's first "idle" at or after the turn's end − the turn's end.
- premature idle: turns during which the product said "idle" before the turn ended.
- spurious transitions per idle minute: state changes while the agent was idle, per minute of
  idle time, typing and resizes included; after a turn, the changes up to the product's first
  "idle" are the turn's finish (timed by the idle latency), not spurious.
- asking drops: the product leaving "asking" while the question was still open.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

TOLERANCE = 1.0  # s: a product "asking" this close to a question still belongs to it
ASKING, IDLE = "asking", "idle"


@dataclass(frozen=True)
class Span:
    start: float
    end: float
    label: str


REFUSED = " (refused)"  # a dashboard answer the server refused (409): that path failed


@dataclass(frozen=True)
class Answer:
    label: str
    path: str  # "terminal keys", "dashboard hook", "dashboard keys" (+ REFUSED: it failed)
    ok: bool
    detail: str = ""


@dataclass
class Truth:
    questions: list[Span] = field(default_factory=list)
    turns: list[Span] = field(default_factory=list)
    idle: list[Span] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)


Transition = tuple[float, str]  # (when the dashboard heard it, the new state)


def state_at(states: list[Transition], at: float) -> str | None:
    current = None
    for when, state in states:
        if when > at:
            break
        current = state
    return current


def asking_stretches(states: list[Transition], end: float) -> list[Span]:
    stretches, since = [], None
    for when, state in [*states, (end, "")]:
        if state == ASKING and since is None:
            since = when
        elif state != ASKING and since is not None:
            stretches.append(Span(since, when, ASKING))
            since = None
    return stretches


@dataclass
class Figures:
    questions: int = 0
    detected: int = 0
    stretches: int = 0
    true_stretches: int = 0
    detection: list[float] = field(default_factory=list)
    idle_latency: list[float] = field(default_factory=list)
    never_idle: int = 0
    turns: int = 0
    premature: list[str] = field(default_factory=list)
    spurious: int = 0
    idle_seconds: float = 0.0
    drops: int = 0
    misses: list[str] = field(default_factory=list)
    false_asking: list[str] = field(default_factory=list)
    spurious_in: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.detected / self.questions if self.questions else None

    @property
    def precision(self) -> float | None:
        return self.true_stretches / self.stretches if self.stretches else None

    @property
    def spurious_per_minute(self) -> float | None:
        return self.spurious / (self.idle_seconds / 60) if self.idle_seconds else None


def score(truth: Truth, states: list[Transition], end: float) -> Figures:
    figures = Figures(questions=len(truth.questions), turns=len(truth.turns))
    stretches = asking_stretches(states, end)
    figures.stretches = len(stretches)
    for q in truth.questions:
        hits = [s for s in stretches if s.start <= q.end and s.end > q.start]
        fresh = [s for s in hits if s.start >= q.start - TOLERANCE]
        if hits:
            figures.detected += 1
            # A stretch that began long before (asking carried over from an earlier question)
            # shows "asking" all along: no latency to speak of.
            figures.detection.append(fresh[0].start - q.start if fresh else 0.0)
            figures.drops += sum(1 for s in hits if q.start < s.end < q.end)
        else:
            figures.misses.append(q.label)
    for s in stretches:
        if any(s.start <= q.end + TOLERANCE and s.end >= q.start - TOLERANCE
               for q in truth.questions):  # fmt: skip
            figures.true_stretches += 1
        else:
            figures.false_asking.append(_label(truth, s.start))
    for turn in truth.turns:
        _score_turn(figures, turn, states, truth)
    for window in truth.idle:
        _score_idle(figures, window, states)
    return figures


def _label(truth: Truth, at: float) -> str:
    spans = [*truth.turns, *truth.idle, *truth.questions]
    return next((s.label for s in spans if s.start <= at <= s.end), "between scenarios")


def _score_turn(figures: Figures, turn: Span, states: list[Transition], truth: Truth) -> None:
    inside = [(t, s) for t, s in states if turn.start < t < turn.end]
    if any(s == IDLE for _, s in inside):
        figures.premature.append(turn.label)
    after = [t for t, s in states if t >= turn.end and s == IDLE]
    window = next((w for w in truth.idle if w.start == turn.end), None)
    limit = window.end if window else turn.end + 10
    if state_at(states, turn.end) == IDLE:
        went_idle = max((t for t, s in states if t <= turn.end and s == IDLE), default=turn.end)
        figures.idle_latency.append(went_idle - turn.end)
    elif after and after[0] <= limit:
        figures.idle_latency.append(after[0] - turn.end)
    else:
        figures.never_idle += 1


def _score_idle(figures: Figures, window: Span, states: list[Transition]) -> None:
    """Changes while idle. After a turn, the way to the product's first "idle" (through
    "active" after an answer, say) is that turn's finish, timed by the idle latency instead."""
    figures.idle_seconds += window.end - window.start
    changes = [s for t, s in states if window.start < t <= window.end]
    if state_at(states, window.start) != IDLE:
        changes = changes[changes.index(IDLE) + 1 :] if IDLE in changes else []
    figures.spurious += len(changes)
    if changes:
        figures.spurious_in.append(f"{window.label} ({len(changes)})")


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None
