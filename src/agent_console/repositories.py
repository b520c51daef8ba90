"""Repositories and their worktrees: registration checks, listing, branches, create, delete, rename,
and the check that a session's directory and branch still exist.

No persistence here: functions take and return model objects; the store saves them. Worktrees are
created under `<worktrees_dir>/<repo name>-<repo id[:8]>/<branch slug>[-N]`, never elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from agent_console.branch_naming import NAMING_TIMEOUT, BranchChoice, choose_branch
from agent_console.config import Settings
from agent_console.errors import Conflict, Error, GitFailed, InvalidRequest, NotFound
from agent_console.git import (
    WorktreeEntry,
    check_branch_name,
    check_revision,
    common_dir,
    list_refs,
    parse_worktree_list,
    ref_exists,
    resolve_commit,
    run_git,
    validate_branch_name,
)
from agent_console.model import Repository, Wire, Worktree
from agent_console.worktree_templates import (
    TemplateFile,
    TemplateValues,
    apply_templates,
    load_templates,
    next_worktree_num,
    record_worktree_num,
    template_source,
    used_worktree_nums,
)

MAX_PROMPT = 20_000
MAX_FOLDER = 60
WorktreeMode = Literal["custom", "existing", "prompt"]
BranchSourceName = Literal["custom", "existing", "agent", "prompt-slug"]
_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


class Branches(Wire):
    local: list[str]
    remote: list[str]
    default_branch: str


class NewWorktree(Wire):
    """What to create: `custom` (new branch from base), `existing` (a branch), `prompt`."""

    mode: WorktreeMode
    branch: str | None = None
    base_branch: str | None = None
    initial_prompt: str | None = None


class CreatedWorktree(Wire):
    worktree: Worktree
    branch_source: BranchSourceName
    branch_reason: str | None = None
    worktree_num: int
    template_files: list[str]


class LocationProblem(Wire):
    reason: Literal["directory-missing", "not-a-repository", "branch-missing"]
    message: str


# --- registration and listing -----------------------------------------------------------------


async def inspect_repository(path: str, registered: list[Repository] | None = None) -> Repository:
    """A new (unsaved) Repository for the working tree at path; InvalidRequest saying what is wrong.

    path must be absolute and be the top level of a working tree; a linked worktree registers its
    main repository. A repository already in `registered` is refused.
    """
    if not path or not os.path.isabs(path) or "\0" in path:
        raise InvalidRequest("path must be an absolute path")
    try:
        resolved = Path(path).resolve(strict=True)
    except OSError:
        raise InvalidRequest(f"path {path} does not exist") from None
    if not resolved.is_dir():
        raise InvalidRequest(f"path {path} is not a directory")
    top = await run_git(["rev-parse", "--show-toplevel"], resolved, check=False)
    if top.returncode != 0 or not top.out:
        raise InvalidRequest(f"{path} is not a git repository: {top.stderr}")
    if Path(top.out).resolve() != resolved:
        raise InvalidRequest(f"{path} is inside the git repository at {top.out}; register that")
    main = Path((await worktree_entries(resolved))[0].path).resolve()
    if any(Path(r.path).resolve() == main for r in registered or []):
        raise InvalidRequest(f"repository {main} is already registered")
    return Repository(name=main.name, path=str(main))


async def worktree_entries(cwd: Path) -> list[WorktreeEntry]:
    """git's worktree list for the repository at cwd, main worktree first."""
    listing = await run_git(["worktree", "list", "--porcelain", "-z"], cwd)
    entries = parse_worktree_list(listing.stdout)
    if not entries or entries[0].bare:
        raise InvalidRequest(f"{cwd} is a bare repository; only repositories with a working tree")
    return entries


async def list_worktrees(repo: Repository) -> list[Worktree]:
    """The repository's worktrees that exist on disk, main one first (isMain); branch '' if detached."""
    entries = await worktree_entries(Path(repo.path))
    return [_worktree(e, repo, is_main=i == 0) for i, e in enumerate(entries) if not e.prunable]


def _worktree(entry: WorktreeEntry, repo: Repository, is_main: bool) -> Worktree:
    return Worktree(path=entry.path, branch=entry.branch or "", is_main=is_main,
                    repository_id=repo.id, head=entry.head)  # fmt: skip


async def default_branch(cwd: Path) -> str:
    """origin's HEAD branch, else main, else master, else the main worktree's branch."""
    refs = await list_refs(cwd)
    origin = await run_git(
        ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], cwd, check=False
    )
    name = origin.out.partition("/")[2] if origin.returncode == 0 else ""
    if name and (name in refs.local or f"origin/{name}" in refs.remote):
        return name
    for name in ("main", "master"):
        if name in refs.local:
            return name
    head = (await common_dir(cwd)) / "HEAD"
    with contextlib.suppress(OSError):
        text = head.read_text().strip()
        if text.startswith("ref: refs/heads/"):
            return text.removeprefix("ref: refs/heads/")
    return refs.local[0] if refs.local else "main"


async def list_branches(repo: Repository) -> Branches:
    cwd = Path(repo.path)
    refs = await list_refs(cwd)
    return Branches(local=refs.local, remote=refs.remote, default_branch=await default_branch(cwd))


# --- creating ---------------------------------------------------------------------------------


def worktree_root(repo: Repository, settings: Settings) -> Path:
    """The one folder under the worktree root that holds this repository's worktrees."""
    return settings.worktrees_dir / f"{_folder_slug(repo.name)}-{repo.id[:8]}"


def _folder_slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")[:MAX_FOLDER] or "worktree"


def _new_folder(root: Path, branch: str) -> Path:
    """A folder name under root not yet taken, from the branch name; confined to root."""
    root.mkdir(parents=True, exist_ok=True)
    root = root.resolve()
    base = _folder_slug(branch)
    target = next(
        root / name
        for name in (base if n == 1 else f"{base}-{n}" for n in range(1, 10_000))
        if not os.path.lexists(root / name)
    )
    if target.parent != root:
        raise InvalidRequest(f"worktree folder {target} would be outside {root}")
    return target


async def create_worktree(
    repo: Repository,
    request: NewWorktree,
    settings: Settings,
    headless_argv: list[str] | None = None,
    naming_timeout: float = NAMING_TIMEOUT,
) -> CreatedWorktree:
    """Creates a worktree (custom / existing / prompt), records WORKTREE_NUM, applies templates.

    headless_argv (prompt mode): the agent's headless command already built with
    branch_naming.naming_prompt(initial_prompt). Nothing is left behind when a step fails.
    """
    cwd = Path(repo.path)
    _precheck(request)
    choice = None
    if request.mode == "prompt":  # before the lock: the agent may take its time answering
        choice = await choose_branch(
            request.initial_prompt or "", headless_argv, cwd, naming_timeout
        )
    lock = _locks.setdefault(str(cwd), asyncio.Lock())
    async with lock:
        plan = await _plan(cwd, request, choice)
        source = template_source(repo, settings.templates_dir)
        templates = load_templates(source) if source else []
        target = _new_folder(worktree_root(repo, settings), plan.branch)
        number = next_worktree_num(used_worktree_nums(await common_dir(cwd)))
        await _add(cwd, target, plan)
        try:
            written = await _finish(target, number, templates, repo, plan.branch)
        except Exception:  # a template error, a full disk: leave no half-made worktree behind
            await _undo(cwd, target, plan)
            raise
    head = (await run_git(["rev-parse", "HEAD"], target)).out
    worktree = Worktree(path=str(target), branch=plan.branch, is_main=False,
                        repository_id=repo.id, head=head)  # fmt: skip
    return CreatedWorktree(worktree=worktree, branch_source=plan.source, branch_reason=plan.reason,
                           worktree_num=number, template_files=written)  # fmt: skip


@dataclass(frozen=True)
class _Plan:
    branch: str
    source: BranchSourceName
    add_args: list[str]  # `git worktree add` options placed before `-- <path>`
    start: str  # the commit or branch after the path
    new_branch: bool
    reason: str | None = None


def _precheck(request: NewWorktree) -> None:
    """Pure checks of every client-given field, so a hostile one never reaches a process."""
    if request.branch is not None:
        check_branch_name(request.branch)
    if request.base_branch is not None:
        check_revision(request.base_branch, "baseBranch")
    if request.mode == "prompt":
        prompt = (request.initial_prompt or "").strip()
        if not prompt:
            raise InvalidRequest("initialPrompt is required for mode 'prompt'")
        if len(prompt) > MAX_PROMPT:
            raise InvalidRequest(f"initialPrompt is longer than {MAX_PROMPT} characters")
    elif not request.branch:
        raise InvalidRequest(f"branch is required for mode {request.mode!r}")


async def _plan(cwd: Path, request: NewWorktree, choice: BranchChoice | None) -> _Plan:
    if request.mode == "existing":
        return await _plan_existing(cwd, request.branch or "")
    if request.mode == "custom":
        branch = await validate_branch_name(request.branch or "", cwd)
        if await ref_exists(cwd, f"refs/heads/{branch}"):
            raise Conflict(f"branch {branch!r} already exists; use mode 'existing' to check it out")
        source: BranchSourceName = "custom"
        reason = None
    else:
        assert choice is not None
        branch = await _unused_branch(cwd, choice.branch)
        source, reason = choice.source, choice.reason
    base = request.base_branch or await default_branch(cwd)
    start = await resolve_commit(base, cwd, "baseBranch")
    return _Plan(branch=branch, source=source, reason=reason, add_args=["-b", branch],
                 start=start, new_branch=True)  # fmt: skip


async def _plan_existing(cwd: Path, branch: str) -> _Plan:
    await validate_branch_name(branch, cwd)
    if await ref_exists(cwd, f"refs/heads/{branch}"):
        return _Plan(branch=branch, source="existing", add_args=[], start=branch, new_branch=False)
    remote_ref = f"refs/remotes/{branch}"
    if "/" in branch and await ref_exists(cwd, remote_ref):
        local = branch.split("/", 1)[1]  # origin/feature -> feature, tracking origin/feature
        if await ref_exists(cwd, f"refs/heads/{local}"):
            return await _plan_existing(cwd, local)
    else:
        remotes = [r for r in (await list_refs(cwd)).remote if r.split("/", 1)[1] == branch]
        if len(remotes) != 1:
            raise InvalidRequest(f"branch {branch!r} does not exist in this repository")
        local, remote_ref = branch, f"refs/remotes/{remotes[0]}"
    return _Plan(branch=local, source="existing", add_args=["--track", "-b", local],
                 start=remote_ref, new_branch=True)  # fmt: skip


async def _unused_branch(cwd: Path, branch: str) -> str:
    for n in range(1, 100):
        candidate = branch if n == 1 else f"{branch[:MAX_FOLDER]}-{n}"
        if not await ref_exists(cwd, f"refs/heads/{candidate}"):
            return await validate_branch_name(candidate, cwd)
    raise Conflict(f"every branch name from {branch!r} to {branch}-99 is taken")


async def _add(cwd: Path, target: Path, plan: _Plan) -> None:
    args = ["worktree", "add", *plan.add_args, "--", str(target)]
    result = await run_git([*args, plan.start], cwd, check=False)
    if result.returncode == 0:
        return
    with contextlib.suppress(OSError):
        target.rmdir()
    if "already checked out" in result.stderr or "already used by worktree" in result.stderr:
        raise Conflict(f"branch {plan.branch!r} is already checked out in another worktree")
    if "already exists" in result.stderr:
        raise Conflict(f"cannot create the worktree: {result.stderr}")
    raise GitFailed(f"git worktree add failed: {result.stderr}")


async def _finish(
    target: Path, number: int, templates: list[TemplateFile], repo: Repository, branch: str
) -> list[str]:
    args = ["rev-parse", "--path-format=absolute", "--git-dir"]
    record_worktree_num(Path((await run_git(args, target)).out), number)
    values = TemplateValues(number, branch, repo.name, str(target))
    return apply_templates(templates, target, values)


async def _undo(cwd: Path, target: Path, plan: _Plan) -> None:
    with contextlib.suppress(Error):
        await run_git(["worktree", "remove", "--force", "--", str(target)], cwd)
        if plan.new_branch:
            await run_git(["branch", "-D", "--", plan.branch], cwd)


# --- deleting, renaming, checking -------------------------------------------------------------


async def delete_worktree(repo: Repository, path: str, force: bool = False) -> Worktree:
    """Removes a linked worktree (the branch stays); `force` discards its uncommitted changes."""
    cwd = Path(repo.path)
    entries = await worktree_entries(cwd)
    index = next((i for i, e in enumerate(entries) if _same_path(e.path, path)), None)
    if index is None:
        raise NotFound(f"{path} is not a worktree of repository {repo.name}")
    entry = entries[index]
    if index == 0:
        raise InvalidRequest(f"{entry.path} is the main worktree; it cannot be deleted")
    if entry.prunable:  # its folder is already gone: only git's record of it is left
        await run_git(["worktree", "prune"], cwd)
    else:
        await _remove(cwd, entry.path, force)
    return _worktree(entry, repo, is_main=False)


async def _remove(cwd: Path, path: str, force: bool) -> None:
    args = ["worktree", "remove", *(["--force"] if force else []), "--", path]
    result = await run_git(args, cwd, check=False)
    if result.returncode == 0:
        return
    if "modified or untracked files" in result.stderr:
        raise Conflict(
            f"worktree {path} has uncommitted changes or untracked files; "
            "delete it with force to discard them"
        )
    if "locked" in result.stderr:
        raise Conflict(f"worktree {path} is locked; unlock it first ({result.stderr})")
    raise GitFailed(f"git refused to delete worktree {path}: {result.stderr}")


def _same_path(a: str, b: str) -> bool:
    return os.path.isabs(b) and os.path.realpath(a) == os.path.realpath(b)


async def rename_branch(worktree_path: str, old: str, new: str) -> str:
    """Renames branch old to new (validated) in the worktree's repository; returns new."""
    cwd = Path(worktree_path)
    check_branch_name(old)
    await validate_branch_name(new, cwd)
    if old == new:
        return new
    if not await ref_exists(cwd, f"refs/heads/{old}"):
        raise NotFound(f"branch {old!r} does not exist")
    if await ref_exists(cwd, f"refs/heads/{new}"):
        raise Conflict(f"branch {new!r} already exists")
    await run_git(["branch", "-m", "--", old, new], cwd)
    return new


async def check_location(location_path: str, branch: str | None = None) -> LocationProblem | None:
    """Why a session's directory (and branch, for worktree sessions) is no longer usable, or None."""
    path = Path(location_path)
    if not path.is_dir():
        return LocationProblem(reason="directory-missing", message=f"{path} no longer exists")
    inside = await run_git(["rev-parse", "--is-inside-work-tree"], path, check=False)
    if inside.returncode != 0 or inside.out != "true":
        return LocationProblem(reason="not-a-repository", message=f"{path} is not a git repository")
    try:
        exists = not branch or await ref_exists(path, f"refs/heads/{check_branch_name(branch)}")
    except InvalidRequest:
        exists = False
    if exists:
        return None
    return LocationProblem(reason="branch-missing", message=f"branch {branch!r} no longer exists")
