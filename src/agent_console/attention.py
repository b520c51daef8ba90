"""Whether a worker needs its user, and since when (pure): what each change of a worker does to
its `attention`.

- An agent that starts asking is `asking` until it stops (answered, or the question went away);
  seeing it does not clear that.
- An agent whose turn ends (working → idle) has `finished`; a process that exits with an error
  (a non-zero code or a signal) has `failed`, an agent that exits cleanly has `finished`. Each
  holds until the user opens that worker (`seen`), from any device, or restarts it.
- A terminal that exits cleanly was ended by its user: nothing to see.

`Attention` is the mark and the time it was set, exactly what the wire's Worker carries as
`attention` and `attentionSince`.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent_console.model import ActivityState, AttentionKind, Worker


@dataclass(frozen=True)
class Attention:
    kind: AttentionKind | None = None
    since: str | None = None


NONE = Attention()


def of(worker: Worker) -> Attention:
    return Attention(worker.attention, worker.attention_since) if worker.attention else NONE


def apply(worker: Worker, attention: Attention) -> bool:
    """Sets the worker's attention; whether it changed (then it is to be saved)."""
    changed = of(worker) != attention
    worker.attention, worker.attention_since = attention.kind, attention.since
    return changed


def after_activity(
    current: Attention, old: ActivityState, new: ActivityState, now: str
) -> Attention:
    """An agent's activity changed from `old` to `new` at `now`."""
    if new == ActivityState.ASKING:
        return current if current.kind == "asking" else Attention("asking", now)
    if current.kind == "asking":  # answered, or the question went away: the user was there
        return NONE
    if old == ActivityState.ACTIVE and new == ActivityState.IDLE and current.kind != "failed":
        return Attention("finished", now)
    return current


def after_exit(
    exit_code: int | None, signal: str | None, agent: bool, current: Attention, now: str
) -> Attention:
    """The worker's process ended at `now`."""
    if (exit_code or 0) != 0 or signal:
        return Attention("failed", now)
    return Attention("finished", now) if agent else current


def after_seen(current: Attention) -> Attention:
    """The user opened the worker: what finished or failed has been seen; a question stays."""
    return current if current.kind == "asking" else NONE
