"""REST routes of an agent's message queue (message_queue.py): list, queue, edit, cancel."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import StringConstraints

from agent_console.web.api import Body_, console

router = APIRouter(prefix="/api/sessions/{session_id}/workers/{worker_id}/queue")
# Longer than a message may be, so that the domain's own message names the limit.
Text = Annotated[str, StringConstraints(max_length=100_000)]


class QueueText(Body_):
    text: Text


@router.get("")
async def list_queue(request: Request, session_id: str, worker_id: str) -> dict[str, Any]:
    """The messages waiting for the agent to be idle, oldest (next) first."""
    worker = console(request).sessions.worker(session_id, worker_id)
    return {"queue": [m.dump() for m in worker.queue or []]}


@router.post("", status_code=201)
async def queue_message(
    request: Request, session_id: str, worker_id: str, body: QueueText
) -> dict[str, Any]:
    """Queues a message; `delivered` is true when the agent was idle and it is being typed now."""
    sessions = console(request).sessions
    live = sessions.live(session_id, worker_id)
    message, delivered = sessions.queues.add(live, body.text)
    return {"message": message.dump(), "delivered": delivered}


@router.patch("/{message_id}")
async def edit_message(
    request: Request, session_id: str, worker_id: str, message_id: str, body: QueueText
) -> dict[str, Any]:
    sessions = console(request).sessions
    live = sessions.live(session_id, worker_id)
    return {"message": sessions.queues.edit(live, message_id, body.text).dump()}


@router.delete("/{message_id}")
async def cancel_message(
    request: Request, session_id: str, worker_id: str, message_id: str
) -> dict[str, bool]:
    sessions = console(request).sessions
    sessions.queues.cancel(sessions.live(session_id, worker_id), message_id)
    return {"success": True}
