"""What ties sessions to repositories: a worktree session's place, branch renames, and the
sessions whose directory, repository or branch has vanished."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from agent_console.errors import InvalidRequest
from agent_console.model import Repository, Session
from agent_console.repositories import check_location, list_worktrees, rename_branch
from agent_console.sessions import Sessions


def same_path(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


async def check_worktree_session(repo: Repository, location: str, branch: str) -> None:
    """A worktree session must name a worktree of its repository, checked out on its branch."""
    for worktree in await list_worktrees(repo):
        if same_path(worktree.path, location) and worktree.branch == branch:
            return
    raise InvalidRequest(
        f"locationPath {location} is not a worktree of repository {repo.name} on branch {branch!r}"
    )


async def rename_session_branch(sessions: Sessions, session: Session, new: str) -> None:
    """Renames the branch in git, then in every session on that worktree (each broadcast)."""
    if session.type != "worktree" or not session.worktree_id:
        raise InvalidRequest("branch: only worktree sessions have a branch to rename")
    renamed = await rename_branch(session.location_path, session.worktree_id, new)
    sessions.rename_branch(session.worktree_id, renamed, session.location_path)


async def diff_review_problem(path: str) -> str | None:
    """Why a git-diff worker cannot work in `path` (it needs a git working tree), or None."""
    problem = await check_location(path)
    return None if problem is None else problem.message


async def check_git_worktree(path: str) -> None:
    """A git-diff worker needs its session's directory to be a git working tree."""
    problem = await diff_review_problem(path)
    if problem is not None:
        raise InvalidRequest(f"a git-diff worker needs a git worktree: {problem}")


async def invalid_sessions(sessions: Sessions) -> list[dict[str, Any]]:
    """Sessions whose directory vanished, is no longer a git repository, or lost its branch."""
    found = []
    for session in sessions.all():
        if session.type != "worktree" and Path(session.location_path).is_dir():
            continue
        branch = session.worktree_id if session.type == "worktree" else None
        problem = await check_location(session.location_path, branch)
        if problem is not None:
            found.append({"sessionId": session.id, **problem.dump()})
    return found
