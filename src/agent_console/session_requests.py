"""What callers ask of the session registry: a new session, a new worker, and the directory
they run in (checked: absolute, resolved, an existing directory)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from agent_console.directories import expand_home
from agent_console.errors import InvalidRequest
from agent_console.model import SessionType, WorkerType


@dataclass(frozen=True)
class NewSession:
    type: SessionType
    location_path: str
    agent_id: str | None = None
    initial_prompt: str | None = None
    title: str | None = None
    continue_conversation: bool = False
    repository_id: str | None = None
    worktree_id: str | None = None


@dataclass(frozen=True)
class NewWorker:
    type: WorkerType
    agent_id: str | None = None
    name: str | None = None
    continue_conversation: bool = False
    base_commit: str | None = None


def resolve_directory(path: str, field: str = "locationPath") -> str:
    """An absolute (or `~`: the server's home), resolved, existing directory — or a 400 saying
    which of those it is not."""
    path = expand_home(path)
    if not path or not os.path.isabs(path) or "\0" in path:
        raise InvalidRequest(f"{field} must be an absolute path")
    try:
        resolved = Path(path).resolve()
        exists, is_dir = resolved.exists(), resolved.is_dir()
    except OSError as exc:  # a name too long, a loop of links, no permission…
        raise InvalidRequest(f"{field}: {path[:200]} cannot be used: {exc.strerror}") from None
    if not exists:
        raise InvalidRequest(f"{field}: {path} does not exist")
    if not is_dir:
        raise InvalidRequest(f"{field}: {path} is not a directory")
    return str(resolved)
