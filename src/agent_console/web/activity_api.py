"""REST routes of agents' activity: a worker's state with the reasons of its recent changes (so
a wrong state can be explained), and the hook route its CLI's hooks call (`agent-console hook`;
the security guard lets only that launch's secret in)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from agent_console.errors import InvalidRequest
from agent_console.hook_events import HookCall
from agent_console.web.api import console
from agent_console.workers import AgentWorker

router = APIRouter(prefix="/api")
Word = Annotated[str, StringConstraints(max_length=100)]


class HookBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agent: Word
    event: Word
    at: float = Field(allow_inf_nan=False)  # when the hook started (Unix time)
    data: dict[str, Any]


@router.post("/hooks/{worker_id}/{launch}", include_in_schema=False)
async def hook(request: Request, worker_id: str, launch: str, body: HookBody) -> dict[str, Any]:
    """One hook call of one launch of an agent worker: `{applied}` (false when the call changed
    nothing: late, repeated, another launch, a worker gone), and for a permission hook the
    decision it waited for, if one was made (`output`, printed by the hook for its CLI)."""
    call = HookCall(body.agent, body.event, body.data)
    return await console(request).sessions.hooks.take(worker_id, launch, call, body.at)


@router.get("/sessions/{session_id}/workers/{worker_id}/activity")
async def activity(request: Request, session_id: str, worker_id: str) -> dict[str, Any]:
    """An agent worker's state, why it last changed, its open question, its last changes
    (oldest first) each with its time and reason, and the last structured signals it received
    (hook calls, titles, OSC 7501), each with whether it counted."""
    live = console(request).sessions.live(session_id, worker_id)
    if not isinstance(live, AgentWorker):
        raise InvalidRequest(f"a {live.kind} worker has no activity")
    judge = live.judge
    changes = [{"at": _iso(live, c.at), "state": c.state.value, "reason": c.reason,
                **({"question": c.question.dump()} if c.question else {})}
               for c in judge.history]  # fmt: skip
    signals = [{"at": _iso(live, s.observation.at), "source": s.observation.source,
                "claim": s.observation.claim.value, "reason": s.observation.reason,
                "taken": s.taken} for s in judge.signals]  # fmt: skip
    question = judge.question.dump() if judge.question else None
    return {"state": judge.state.value, "reason": judge.reason, "question": question,
            "structured": judge.structured, "changes": changes, "signals": signals}  # fmt: skip


def _iso(live: AgentWorker, at: float) -> str:
    wall = datetime.fromtimestamp(live.wall_time(at), UTC)
    return wall.isoformat(timespec="milliseconds").replace("+00:00", "Z")
