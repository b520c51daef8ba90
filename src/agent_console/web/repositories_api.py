"""REST routes for repositories, worktrees and branches (SPEC §6)."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import StringConstraints

from agent_console import repositories
from agent_console.agents import build_argv
from agent_console.branch_naming import naming_prompt
from agent_console.errors import InvalidRequest, NotFound
from agent_console.session_requests import NewSession
from agent_console.web.api import Body_, Name, Text, console
from agent_console.worktree_sessions import same_path

Path_ = Annotated[str, StringConstraints(min_length=1, max_length=4096)]
router = APIRouter(prefix="/api")


class AddRepository(Body_):
    path: Path_


class CreateWorktree(Body_):
    mode: Literal["custom", "existing", "prompt"]
    branch: Name | None = None
    base_branch: Name | None = None
    initial_prompt: Text | None = None
    auto_start_session: bool = False
    agent_id: Name | None = None
    title: Name | None = None


@router.get("/repositories")
async def list_repositories(request: Request) -> dict[str, Any]:
    return {"repositories": [r.dump() for r in console(request).repositories.all()]}


@router.post("/repositories", status_code=201)
async def add_repository(request: Request, body: AddRepository) -> dict[str, Any]:
    return {"repository": (await console(request).repositories.add(body.path)).dump()}


@router.get("/repositories/{repo_id}")
async def get_repository(request: Request, repo_id: str) -> dict[str, Any]:
    return {"repository": console(request).repositories.get(repo_id).dump()}


@router.delete("/repositories/{repo_id}")
async def remove_repository(request: Request, repo_id: str) -> dict[str, bool]:
    console(request).repositories.remove(repo_id)
    return {"success": True}


@router.get("/repositories/{repo_id}/worktrees")
async def list_worktrees(request: Request, repo_id: str) -> dict[str, Any]:
    repo = console(request).repositories.get(repo_id)
    return {"worktrees": [w.dump() for w in await repositories.list_worktrees(repo)]}


@router.get("/repositories/{repo_id}/branches")
async def list_branches(request: Request, repo_id: str) -> dict[str, Any]:
    repo = console(request).repositories.get(repo_id)
    return (await repositories.list_branches(repo)).dump()


@router.post("/repositories/{repo_id}/worktrees", status_code=201)
async def create_worktree(request: Request, repo_id: str, body: CreateWorktree) -> dict[str, Any]:
    c = console(request)
    repo = c.repositories.get(repo_id)
    agent = c.agents.resolve(body.agent_id) if body.agent_id else None
    if body.mode == "prompt" and not body.initial_prompt:
        raise InvalidRequest("initialPrompt is required in prompt mode")
    if body.mode != "prompt" and not body.branch:
        raise InvalidRequest(f"branch is required in {body.mode} mode")
    headless = None
    if body.mode == "prompt" and agent is not None and agent.headless_template:
        headless = build_argv(
            agent.headless_template, naming_prompt(body.initial_prompt or ""), repo.path
        )
    wanted = repositories.NewWorktree(
        mode=body.mode,
        branch=body.branch,
        base_branch=body.base_branch,
        initial_prompt=body.initial_prompt,
    )
    if body.auto_start_session:
        c.store.check_writable()  # refused: 503 before a worktree exists that no session has
    created = await repositories.create_worktree(repo, wanted, c.settings, headless)
    result: dict[str, Any] = created.dump()
    if body.auto_start_session:
        session = await c.sessions.create(
            NewSession(
                type="worktree",
                location_path=created.worktree.path,
                agent_id=agent.id if agent else None,
                initial_prompt=body.initial_prompt,
                title=body.title,
                repository_id=repo.id,
                worktree_id=created.worktree.branch,
            )
        )
        result["session"] = session.dump()
    return result


@router.delete("/repositories/{repo_id}/worktrees")
async def delete_worktree(
    request: Request, repo_id: str, path: str, force: bool = False
) -> dict[str, Any]:
    """Removes the worktree (the branch stays), then ends the sessions that ran in it. When
    the database refuses that (503), the worktree is not touched."""
    c = console(request)
    repo = c.repositories.get(repo_id)
    if any(same_path(s.location_path, path) for s in c.sessions.all()):
        c.store.check_writable()
    worktree = await repositories.delete_worktree(repo, path, force)
    for session in [s for s in c.sessions.all() if same_path(s.location_path, worktree.path)]:
        with contextlib.suppress(NotFound):  # deleted meanwhile by someone else: already done
            await c.sessions.delete(session.id)
    return {"success": True, "worktree": worktree.dump()}
