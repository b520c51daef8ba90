"""REST route for search across everything: the output of every worker of every session (removed
ones too, while their logs are kept), and session titles and branches."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from agent_console import search
from agent_console.errors import Conflict
from agent_console.web.api import console

router = APIRouter(prefix="/api")


@router.get("/search")
async def search_everything(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    """Matching lines, newest first, `limit` at a time (`cursor`: the previous page's `next`);
    on the first page also the sessions whose title or branch matches."""
    found = console(request)
    if found.indexer is None:
        raise Conflict("search is off: the server keeps no history (--history-days 0)")
    query, at = search.Query.parse(q), search.Cursor.parse(cursor)
    live_owners = found.sessions.owners()
    owners = {**found.store.retired(), **live_owners}
    page = await search.search(query, found.indexer.candidates, found.sessions.host, owners, at,
                               limit)  # fmt: skip
    for worker_id, retained_start in page.gone:
        await found.indexer.drop_before(worker_id, retained_start)
    live = {s.id for s in found.sessions.all()}
    sessions: list[Any] = []
    if at is None:
        named = {s.id: _session(s.id, s.title, s.worktree_id, s.location_path, False)
                 for s in found.sessions.all()}  # fmt: skip
        for owner in owners.values():
            named.setdefault(owner.session_id, _session(owner.session_id, owner.session_title,
                             owner.branch, owner.location_path, True))  # fmt: skip
        sessions = search.matching_sessions(query, list(named.values()))
    return {"sessions": sessions, "results": [hit.dump(live) for hit in page.hits],
            "next": page.next.dump() if page.next else None,
            "pendingBytes": found.indexer.pending}  # fmt: skip


@router.get("/search/status")
async def search_status(request: Request) -> dict[str, int]:
    """The index: `chunks`, `indexedBytes` (output covered), `pendingBytes` (output not indexed
    yet), `indexFileBytes` (its size on disk) and `threadCpuMs` (CPU its thread used)."""
    indexer = console(request).indexer
    if indexer is None:
        raise Conflict("search is off: the server keeps no history (--history-days 0)")
    return await indexer.stats()


def _session(
    session_id: str, title: str | None, branch: str | None, location: str, removed: bool
) -> dict[str, Any]:
    return {"id": session_id, "title": title, "branch": branch, "locationPath": location,
            "removed": removed}  # fmt: skip
