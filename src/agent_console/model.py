"""The domain's data: Session, Worker, Agent, Repository, Worktree and their enums (pure data).

Models serialise to the wire in camelCase (`dump`) and are the same objects the store persists.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class ActivityState(StrEnum):
    UNKNOWN = "unknown"
    ACTIVE = "active"
    IDLE = "idle"
    ASKING = "asking"


class WorkerStatus(StrEnum):
    RUNNING = "running"
    EXITED = "exited"


SessionType = Literal["worktree", "quick"]
WorkerType = Literal["agent", "terminal", "git-diff"]
AttentionKind = Literal["asking", "finished", "failed"]


def new_id() -> str:
    return str(uuid.uuid4())


def now_iso() -> str:
    return iso_time(None)


def iso_time(epoch: float | None) -> str:
    """A wall-clock time (seconds since the epoch; None: now) as the wire writes times."""
    moment = datetime.now(UTC) if epoch is None else datetime.fromtimestamp(epoch, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Wire(BaseModel):
    """Base for every wire shape: camelCase aliases, accepts either spelling on input."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class QueuedMessage(Wire):
    """A message waiting for its agent to be idle (message_queue.py)."""

    id: str = Field(default_factory=new_id)
    text: str
    created_at: str = Field(default_factory=now_iso)


class Worker(Wire):
    id: str = Field(default_factory=new_id)
    name: str
    created_at: str = Field(default_factory=now_iso)
    type: WorkerType
    agent_id: str | None = None
    base_commit: str | None = None
    status: WorkerStatus = WorkerStatus.RUNNING
    exit_code: int | None = None
    signal: str | None = None
    pid: int | None = None
    history_problem: str | None = None  # why its output is not being saved (a full disk)
    attention: AttentionKind | None = None  # what it needs of its user (see attention.py)
    attention_since: str | None = None
    state_changed_at: str | None = None  # its last change of activity, exit or start
    agent_session_id: str | None = None  # the agent CLI's own conversation id, resumed on restart
    # Live, never stored: why the agent's activity last changed, and its open question.
    activity_reason: str | None = None
    question: dict[str, Any] | None = None
    # Messages waiting for the agent to be idle, oldest first (None: none). Kept in their own
    # table (store.py), never in the worker's row.
    queue: list[QueuedMessage] | None = None


LIVE_WORKER_FIELDS = frozenset({"activity_reason", "question", "queue"})  # not in its row


class Session(Wire):
    id: str = Field(default_factory=new_id)
    type: SessionType
    location_path: str
    status: Literal["active", "inactive"] = "active"
    created_at: str = Field(default_factory=now_iso)
    workers: list[Worker] = Field(default_factory=list)
    title: str | None = None
    initial_prompt: str | None = None
    repository_id: str | None = None
    worktree_id: str | None = None

    def listed(self) -> dict[str, Any]:
        """The session as lists carry it (sessions-sync, session-* events, GET /api/sessions):
        a long initial prompt is cut to its first PROMPT_PREVIEW characters and flagged
        `initialPromptTruncated`, so that a list of many sessions stays small; GET
        /api/sessions/{id} has the full text."""
        data = self.dump()
        prompt = self.initial_prompt
        if prompt is not None and len(prompt) > PROMPT_PREVIEW:
            data["initialPrompt"] = prompt[:PROMPT_PREVIEW]
            data["initialPromptTruncated"] = True
        return data


PROMPT_PREVIEW = 200


class ActivityPatterns(Wire):
    asking_patterns: list[str] | None = None


class Capabilities(Wire):
    supports_continue: bool
    supports_headless_mode: bool
    supports_activity_detection: bool


class Agent(Wire):
    id: str
    name: str
    description: str | None = None
    is_built_in: bool = False
    registered_at: str = Field(default_factory=now_iso)
    command_template: str
    continue_template: str | None = None
    headless_template: str | None = None
    activity_patterns: ActivityPatterns | None = None

    @property
    def capabilities(self) -> Capabilities:
        patterns = self.activity_patterns.asking_patterns if self.activity_patterns else None
        return Capabilities(
            supports_continue=bool(self.continue_template),
            supports_headless_mode=bool(self.headless_template),
            supports_activity_detection=bool(patterns),
        )

    def dump(self) -> dict[str, Any]:
        return {**super().dump(), "capabilities": self.capabilities.dump()}


class Repository(Wire):
    id: str = Field(default_factory=new_id)
    name: str
    path: str
    registered_at: str = Field(default_factory=now_iso)


class Worktree(Wire):
    path: str
    branch: str
    is_main: bool
    repository_id: str
    head: str | None = None


class WorkerActivityInfo(Wire):
    session_id: str
    worker_id: str
    activity_state: ActivityState
    reason: str | None = None
    question: dict[str, Any] | None = None


class LogOwner(Wire):
    """Whose output a log holds. Kept for a removed worker (its session may be gone too) while
    its log is retained, so that search can still say where a line came from."""

    session_id: str
    session_title: str | None = None
    branch: str | None = None
    location_path: str = ""
    worker_id: str
    worker_name: str
    worker_type: WorkerType
    removed_at: str | None = None

    @classmethod
    def of(cls, session: Session, worker: Worker, removed: bool = False) -> LogOwner:
        return cls(session_id=session.id, session_title=session.title, branch=session.worktree_id,
                   location_path=session.location_path, worker_id=worker.id,
                   worker_name=worker.name, worker_type=worker.type,
                   removed_at=now_iso() if removed else None)  # fmt: skip


QuarantineKind = Literal["database", "session", "worker", "agent", "repository", "log"]


class Quarantined(Wire):
    """Damaged state set aside at start so that everything else could start (see quarantine.py):
    a database row moved to the quarantine table, or a file moved to `<data dir>/quarantine/`."""

    id: int
    kind: QuarantineKind
    name: str  # the row's id, or the file's name
    reason: str
    moved_to: str | None = None  # where a file went
    worker_ids: list[str] = Field(default_factory=list)  # their output logs stay in logs/
    at: str = Field(default_factory=now_iso)
