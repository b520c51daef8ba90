"""REST routes over a worker's retained output: a page before an offset (for scrolling back),
and a search of the whole log (for Ctrl-F in a terminal)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from agent_console.errors import InvalidRequest
from agent_console.web.api import console
from agent_console.workers import PtyWorker

router = APIRouter(prefix="/api")


def _terminal(request: Request, session_id: str, worker_id: str) -> PtyWorker:
    live = console(request).sessions.live(session_id, worker_id)
    if not isinstance(live, PtyWorker):
        raise InvalidRequest(f"a {live.kind} worker has no output history")
    return live


@router.get("/sessions/{session_id}/workers/{worker_id}/history")
async def history_page(
    request: Request,
    session_id: str,
    worker_id: str,
    end: Annotated[int, Query(ge=0)],
    size: Annotated[int, Query(alias="bytes", ge=1, le=1024 * 1024)] = 256 * 1024,
) -> dict[str, Any]:
    """Up to `bytes` of output before offset `end` (whole characters), with `modes`: the escape
    sequence for the terminal modes in effect at its start. 410 OUT_OF_RETENTION (with
    `retainedStart`) when nothing before `end` is kept."""
    page = await _terminal(request, session_id, worker_id).page(end, size)
    return page.dump()


@router.get("/sessions/{session_id}/workers/{worker_id}/search")
async def search_worker(
    request: Request,
    session_id: str,
    worker_id: str,
    q: Annotated[str, Query(min_length=1, max_length=500)],
) -> dict[str, Any]:
    """Every line of the worker's retained output (as plain text) that contains `q`, ignoring
    case, oldest first, with the offset where each line starts."""
    matches, more = await _terminal(request, session_id, worker_id).search(q)
    return {"matches": [m.dump() for m in matches], "truncated": more}
