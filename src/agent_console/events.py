"""What the domain publishes: one event per change a client must hear about (pure data)."""

from __future__ import annotations

from dataclasses import dataclass

from agent_console.model import ActivityState, Session


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


AppEvent = SessionCreated | SessionUpdated | SessionDeleted | WorkerActivity
