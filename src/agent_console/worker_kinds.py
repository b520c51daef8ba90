"""Every kind of worker, by its wire `type`: the one place a new kind is added (a class in its own
module with `kind`, `default_name`, `has_process`, `needs_agent` and `build`, and its entry here)."""

from __future__ import annotations

from typing import Protocol

from agent_console.diff_worker import DiffWorker
from agent_console.model import Agent, Worker, WorkerType
from agent_console.workers import AgentWorker, LiveWorker, Surroundings, TerminalWorker


class WorkerKind(Protocol):
    default_name: str
    has_process: bool
    needs_agent: bool

    def build(self, at: Surroundings, model: Worker, agent: Agent | None) -> LiveWorker: ...


WORKER_KINDS: dict[WorkerType, WorkerKind] = {
    "terminal": TerminalWorker,
    "agent": AgentWorker,
    "git-diff": DiffWorker,
}
