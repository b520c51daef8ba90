"""The REST API under /api (SPEC §6): request shapes, routes, and the one error mapping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError
from pydantic.alias_generators import to_camel
from starlette.exceptions import HTTPException

from agent_console.diff import compute_diff, resolve_base
from agent_console.directories import complete, home
from agent_console.errors import Error, InvalidRequest
from agent_console.model import Agent
from agent_console.session_requests import NewSession, NewWorker
from agent_console.worktree_sessions import (
    check_git_worktree,
    check_worktree_session,
    diff_review_problem,
    invalid_sessions,
    rename_session_branch,
)

if TYPE_CHECKING:
    from agent_console.web.app import Console

Text = Annotated[str, StringConstraints(max_length=10_000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Body_(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class CreateSession(Body_):
    type: Literal["quick", "worktree"] = "quick"
    location_path: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
    agent_id: Name | None = None
    initial_prompt: Text | None = None
    title: Name | None = None
    continue_conversation: bool = False
    repository_id: Name | None = None
    worktree_id: Name | None = None


class UpdateSession(Body_):
    title: Name | None = None
    branch: Name | None = None


class CreateWorker(Body_):
    type: Literal["terminal", "agent", "git-diff"]
    agent_id: Name | None = None
    name: Name | None = None
    continue_conversation: bool = False
    base_commit: Name | None = None


class Restart(Body_):
    continue_conversation: bool = False


def console(request: Request) -> Console:
    return request.app.state.console  # type: ignore[no-any-return]


router = APIRouter(prefix="/api")


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


# --- sessions ---------------------------------------------------------------------------------


@router.get("/sessions")
async def list_sessions(request: Request) -> dict[str, Any]:
    return {"sessions": [s.listed() for s in console(request).sessions.all()]}


@router.post("/sessions", status_code=201)
async def create_session(request: Request, body: CreateSession) -> dict[str, Any]:
    c = console(request)
    if body.type == "worktree":
        if not (body.repository_id and body.worktree_id):
            raise InvalidRequest("repositoryId and worktreeId are required for a worktree session")
        repo = c.repositories.resolve(body.repository_id)
        await check_worktree_session(repo, body.location_path, body.worktree_id)
    elif body.repository_id or body.worktree_id:
        raise InvalidRequest("repositoryId and worktreeId belong to worktree sessions only")
    fields = body.model_dump(exclude_none=True)
    session = await c.sessions.create(NewSession(**fields))
    return {"session": session.dump()}


@router.get("/sessions/validate")
async def validate_sessions(request: Request) -> dict[str, Any]:
    """Sessions whose directory vanished, is no longer a git repository, or lost its branch."""
    return {"invalidSessions": await invalid_sessions(console(request).sessions)}


@router.get("/sessions/{session_id}")
async def get_session(request: Request, session_id: str) -> dict[str, Any]:
    return {"session": console(request).sessions.get(session_id).dump()}


@router.patch("/sessions/{session_id}")
async def update_session(request: Request, session_id: str, body: UpdateSession) -> dict[str, Any]:
    if body.title is None and body.branch is None:
        raise InvalidRequest("give at least one of title, branch")
    sessions = console(request).sessions
    session = sessions.get(session_id)
    if body.branch is not None:
        await rename_session_branch(sessions, session, body.branch)
    if body.title is not None:
        sessions.update(session_id, body.title)
    return {"session": sessions.get(session_id).dump()}


@router.delete("/sessions/{session_id}")
async def delete_session(request: Request, session_id: str) -> dict[str, bool]:
    await console(request).sessions.delete(session_id)
    return {"success": True}


# --- workers ----------------------------------------------------------------------------------


@router.get("/sessions/{session_id}/workers")
async def list_workers(request: Request, session_id: str) -> dict[str, Any]:
    return {"workers": [w.dump() for w in console(request).sessions.get(session_id).workers]}


@router.post("/sessions/{session_id}/workers", status_code=201)
async def create_worker(request: Request, session_id: str, body: CreateWorker) -> dict[str, Any]:
    sessions = console(request).sessions
    if body.type == "git-diff":
        location = Path(sessions.get(session_id).location_path)
        await check_git_worktree(str(location))
        resolved = await resolve_base(location, body.base_commit)
        body = body.model_copy(update={"base_commit": resolved if body.base_commit else None})
    worker = await sessions.add_worker(session_id, NewWorker(**body.model_dump()))
    return {"worker": worker.dump()}


@router.get("/sessions/{session_id}/diff-review")
async def diff_review(request: Request, session_id: str) -> dict[str, Any]:
    """Whether a git-diff worker can be added (the directory is a git working tree), and if not,
    why: asked when the client offers "Diff review", so it is never stale."""
    problem = await diff_review_problem(console(request).sessions.get(session_id).location_path)
    return {"available": True} if problem is None else {"available": False, "reason": problem}


@router.delete("/sessions/{session_id}/workers/{worker_id}")
async def delete_worker(request: Request, session_id: str, worker_id: str) -> dict[str, bool]:
    await console(request).sessions.remove_worker(session_id, worker_id)
    return {"success": True}


@router.post("/sessions/{session_id}/workers/{worker_id}/restart")
async def restart_worker(
    request: Request, session_id: str, worker_id: str, body: Restart | None = None
) -> dict[str, Any]:
    cont = body.continue_conversation if body else False
    worker = await console(request).sessions.restart_worker(session_id, worker_id, cont)
    return {"worker": worker.dump()}


@router.post("/sessions/{session_id}/workers/{worker_id}/seen")
async def worker_seen(request: Request, session_id: str, worker_id: str) -> dict[str, Any]:
    """The user opened the worker: its "finished" or "failed" mark clears on every device."""
    return {"worker": console(request).sessions.mark_seen(session_id, worker_id).dump()}


class UpdateWorker(Body_):
    base_commit: Name | None = None


@router.patch("/sessions/{session_id}/workers/{worker_id}")
async def update_worker(
    request: Request, session_id: str, worker_id: str, body: UpdateWorker
) -> dict[str, Any]:
    """Changes a git-diff worker's base commit (checked by git; absent = the default base)."""
    sessions = console(request).sessions
    session = sessions.get(session_id)
    sessions.live(session_id, worker_id)
    base = (
        await resolve_base(Path(session.location_path), body.base_commit)
        if body.base_commit
        else None
    )
    return {"worker": sessions.set_base_commit(session_id, worker_id, base).dump()}


@router.get("/sessions/{session_id}/workers/{worker_id}/diff")
async def worker_diff(request: Request, session_id: str, worker_id: str) -> dict[str, Any]:
    """The worktree's changes against the worker's base: per-file summary and the raw diff."""
    sessions = console(request).sessions
    session = sessions.get(session_id)
    worker = sessions.worker(session_id, worker_id)
    if worker.type != "git-diff":
        raise InvalidRequest("only git-diff workers have a diff")
    return (await compute_diff(Path(session.location_path), worker.base_commit)).dump()


@router.get("/directories")
async def directories(
    prefix: Annotated[str, StringConstraints(max_length=4096)] = "~/",
) -> dict[str, Any]:
    """The server's home directory, and its folders that complete `prefix` (absolute or ~)."""
    home_dir = home()
    found = await asyncio.to_thread(complete, prefix, home_dir)
    return {"home": home_dir, "directories": found}


# --- agents -----------------------------------------------------------------------------------


@router.get("/agents")
async def list_agents(request: Request) -> dict[str, Any]:
    agents = console(request).agents
    return {"agents": [agents.describe(a) for a in agents.all()]}


@router.post("/agents", status_code=201)
async def create_agent(request: Request, body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    agents = console(request).agents
    return {"agent": agents.describe(_agent_call(lambda: agents.create(body)))}


@router.get("/agents/{agent_id}")
async def get_agent(request: Request, agent_id: str) -> dict[str, Any]:
    agents = console(request).agents
    return {"agent": agents.describe(agents.get(agent_id))}


@router.patch("/agents/{agent_id}")
async def update_agent(
    request: Request, agent_id: str, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    agents = console(request).agents
    return {"agent": agents.describe(_agent_call(lambda: agents.update(agent_id, body)))}


@router.delete("/agents/{agent_id}")
async def delete_agent(request: Request, agent_id: str) -> dict[str, bool]:
    c = console(request)
    c.agents.delete(agent_id, in_use=c.sessions.agent_in_use(agent_id))
    return {"success": True}


def _agent_call(call: Callable[[], Agent]) -> Agent:
    try:
        return call()
    except ValidationError as exc:
        raise InvalidRequest(_explain(exc.errors())) from None


# --- errors -----------------------------------------------------------------------------------


def _explain(errors: Any) -> str:
    parts = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        parts.append(f"{'.'.join(loc) or 'body'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


def error_response(status: int, code: str, message: str, **details: Any) -> JSONResponse:
    return JSONResponse({"error": message, "code": code, **details}, status_code=status)


HTTP_CODES = {400: "INVALID_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
              405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 413: "TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE"}  # fmt: skip


def install(app: FastAPI) -> None:
    app.include_router(router)

    @app.exception_handler(Error)
    async def domain_error(request: Request, exc: Error) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, **exc.details())

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, "INVALID_REQUEST", _explain(exc.errors()))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404 and not request.url.path.startswith("/api"):
            from agent_console.web.spa import not_found_page

            return not_found_page()
        code = HTTP_CODES.get(exc.status_code, "HTTP_ERROR")
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        return error_response(500, "INTERNAL", "internal server error; see the server log")


def install_fallback(app: FastAPI) -> None:
    """Unknown /api paths are JSON 404s (registered after every real route)."""

    @app.api_route(
        "/api/{path:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    async def unknown_api(path: str) -> JSONResponse:
        return error_response(404, "NOT_FOUND", f"no such API route: /api/{path}")
