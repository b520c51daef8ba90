"""What the domain publishes: one event per change a client must hear about (pure data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent_console.model import ActivityState, AttentionKind, Session, Worker
from agent_console.previews import Preview


@dataclass(frozen=True)
class SessionCreated:
    session: Session


@dataclass(frozen=True)
class SessionUpdated:
    session: Session


@dataclass(frozen=True)
class SessionDeleted:
    session_id: str


@dataclass(frozen=True)
class WorkerActivity:
    session_id: str
    worker_id: str
    state: ActivityState
    # What changes with the activity on the worker itself (so clients hold what a sync gives):
    # its attention, and why the activity changed and the open question (while asking).
    attention: AttentionKind | None = None
    attention_since: str | None = None
    state_changed_at: str | None = None
    reason: str | None = None
    question: dict[str, Any] | None = None  # the open question's wire form, while asking

    @classmethod
    def of(cls, session_id: str, worker: Worker, state: ActivityState) -> WorkerActivity:
        return cls(session_id, worker.id, state, worker.attention, worker.attention_since,
                   worker.state_changed_at, worker.activity_reason, worker.question)  # fmt: skip


@dataclass(frozen=True)
class WorkerPreviewed:
    preview: Preview


AppEvent = SessionCreated | SessionUpdated | SessionDeleted | WorkerActivity | WorkerPreviewed
