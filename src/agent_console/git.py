"""The git runner (argv only, hardened environment, timeouts) and pure parsers of git's output.

Safety rules every caller relies on:
- git is run with an argv list through `create_subprocess_exec`; there is never a shell.
- The environment drops inherited `GIT_*` variables that would redirect git (GIT_DIR,
  GIT_INDEX_FILE, GIT_CONFIG_PARAMETERS, ...) and turns off prompts, pagers and colour.
- Client-supplied refs and branch names go through `check_branch_name` / `check_revision` (pure)
  before any process runs, and are then passed after `--` or `--end-of-options`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agent_console.errors import GitFailed, InvalidRequest

MAX_REF_LENGTH = 200
# Identity and config-location variables are the user's own choice; every other GIT_* variable
# (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_CONFIG_PARAMETERS, ...) could point git elsewhere.
_KEPT_GIT_VARS = frozenset(
    {
        "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE",
        "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE",
        "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "GIT_EXEC_PATH",
        "GIT_SSH", "GIT_SSH_COMMAND",
    }
)  # fmt: skip
_FORCED_ENV = {
    "GIT_TERMINAL_PROMPT": "0",  # never wait on a credential prompt nobody can see
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_EDITOR": "true",  # nothing we run should open an editor; if one does, it returns at once
    "LC_ALL": "C",  # messages we match on are git's English ones
    "GIT_OPTIONAL_LOCKS": "0",  # do not compete with the user's own git for index.lock
    "GIT_PROTOCOL_FROM_USER": "0",  # refuse ext:: and other user-only transports
}
# Per-invocation config: a repository's fsmonitor hook would otherwise spawn a daemon per call.
_CONFIG_ARGS = ("-c", "core.fsmonitor=false", "-c", "core.quotePath=false", "-c", "color.ui=false")


@dataclass(frozen=True)
class GitResult:
    args: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: str

    @property
    def out(self) -> str:
        """stdout as text (invalid UTF-8 replaced), without the trailing newline."""
        return self.stdout.decode("utf-8", "replace").rstrip("\n")


def git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every git child gets: the server's, minus redirecting GIT_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in _KEPT_GIT_VARS}
    env.update(_FORCED_ENV)
    env.update(extra or {})
    return env


async def run_captured(
    argv: Sequence[str],
    cwd: Path,
    timeout: float,  # noqa: ASYNC109 - the kill on expiry is part of what this function does
    env: Mapping[str, str],
) -> tuple[int, bytes, bytes]:
    """Runs argv (no shell) in its own process group; kills the group on timeout or cancel.

    Raises TimeoutError after `timeout` seconds and OSError when the program cannot be started.
    """
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=dict(env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,  # so a hook or helper it starts dies with it
    )
    try:
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that
        # arrives as git finishes, and the caller (e.g. a diff watcher whose last client left)
        # would go on as if nobody had cancelled it.
        async with asyncio.timeout(timeout):
            out, err = await proc.communicate()
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
        raise
    assert proc.returncode is not None
    return proc.returncode, out, err


async def run_git(
    args: Sequence[str],
    cwd: Path,
    timeout: float = 30,  # noqa: ASYNC109 - see run_captured
    check: bool = True,
    env: Mapping[str, str] | None = None,
) -> GitResult:
    """Runs `git <args>` in cwd; GitFailed (with git's stderr) on failure, timeout or no git."""
    if not cwd.is_dir():
        raise GitFailed(f"directory {cwd} does not exist")
    argv = ("git", *_CONFIG_ARGS, *args)
    try:
        code, out, err = await run_captured(argv, cwd, timeout, git_env(env))
    except TimeoutError:
        raise GitFailed(f"git {args[0]} took longer than {timeout:g} s and was stopped") from None
    except OSError as exc:
        raise GitFailed(f"cannot run git: {exc.strerror or exc}") from None
    result = GitResult(tuple(args), code, out, err.decode("utf-8", "replace").strip())
    if check and code != 0:
        raise GitFailed(f"git {args[0]} failed: {result.stderr or f'exit status {code}'}")
    return result


# --- names ------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FORBIDDEN_IN_REF = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def check_branch_name(name: str) -> str:
    """The name, if git's ref rules allow `refs/heads/<name>` and ours allow it; else InvalidRequest.

    Pure: the same rules as `git check-ref-format --branch`, plus: at most 200 characters and no
    leading '-' (so a name can never be read as an option).
    """
    problem = _branch_problem(name)
    if problem:
        raise InvalidRequest(f"invalid branch name {name!r}: {problem}")
    return name


def _branch_problem(name: str) -> str | None:
    if not name:
        return "it is empty"
    if len(name) > MAX_REF_LENGTH:
        return f"it is longer than {MAX_REF_LENGTH} characters"
    if name.startswith("-"):
        return "it starts with '-'"
    if _FORBIDDEN_IN_REF.search(name):
        return "it contains a space, a control character or one of ~ ^ : ? * [ \\"
    if name in {"HEAD", "@"} or "@{" in name:
        return "'HEAD', '@' and '@{' are reserved"
    if ".." in name or "//" in name or name.endswith(".") or name[0] == "/" or name[-1] == "/":
        return "it has '..', '//', a leading or trailing '/', or a trailing '.'"
    for part in name.split("/"):
        if part.startswith(".") or part.endswith(".lock"):
            return "a part starts with '.' or ends with '.lock'"
    return None


async def validate_branch_name(name: str, cwd: Path | None = None) -> str:
    """check_branch_name, then git's own `check-ref-format --branch` (run in cwd, default /)."""
    check_branch_name(name)
    result = await run_git(["check-ref-format", "--branch", name], cwd or Path("/"), check=False)
    if result.returncode != 0:
        raise InvalidRequest(f"invalid branch name {name!r}: {result.stderr or 'git refuses it'}")
    return name


def check_revision(rev: str, field: str = "baseCommit") -> str:
    """A commit-ish a client may name (branch, tag, sha, `main~2`); never an option or a range."""
    if not rev or len(rev) > MAX_REF_LENGTH:
        raise InvalidRequest(f"{field} must be 1 to {MAX_REF_LENGTH} characters")
    if rev.startswith("-"):
        raise InvalidRequest(f"{field} {rev!r} must not start with '-'")
    if _CONTROL.search(rev) or " " in rev:
        raise InvalidRequest(f"{field} {rev!r} must not contain spaces or control characters")
    if ".." in rev or ":" in rev:
        raise InvalidRequest(f"{field} {rev!r} must name one commit, not a range or a path")
    return rev


async def resolve_commit(rev: str, cwd: Path, field: str = "baseCommit") -> str:
    """The full commit id `rev` names in the repository at cwd; InvalidRequest when none."""
    check_revision(rev, field)
    result = await run_git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        cwd,
        check=False,
    )
    if result.returncode != 0:
        raise InvalidRequest(f"{field} {rev!r} does not name a commit in this repository")
    return result.out


# --- small queries ----------------------------------------------------------------------------


async def ref_exists(cwd: Path, ref: str) -> bool:
    """Whether the full ref name (`refs/heads/x`, `refs/remotes/origin/x`) exists."""
    result = await run_git(["show-ref", "--verify", "--quiet", ref], cwd, check=False)
    return result.returncode == 0


async def common_dir(cwd: Path) -> Path:
    """The repository's shared git directory (the main worktree's .git), absolute."""
    args = ["rev-parse", "--path-format=absolute", "--git-common-dir"]
    return Path((await run_git(args, cwd)).out)


async def list_refs(cwd: Path) -> BranchList:
    """Local and remote-tracking branches of the repository at cwd."""
    args = ["for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes"]
    return parse_refs((await run_git(args, cwd)).out)


# --- parsers (pure) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WorktreeEntry:
    """One record of `git worktree list --porcelain -z`."""

    path: str
    head: str | None = None
    branch: str | None = None  # short name; None when detached or bare
    bare: bool = False
    detached: bool = False
    locked: bool = False
    prunable: bool = False


def parse_worktree_list(output: bytes) -> list[WorktreeEntry]:
    """Parses `git worktree list --porcelain -z`: NUL-ended fields, records ended by an empty one."""
    entries: list[WorktreeEntry] = []
    fields: dict[str, str] = {}
    for raw in output.split(b"\0"):
        if raw:
            key, _, value = raw.decode("utf-8", "replace").partition(" ")
            fields[key] = value
        elif fields:
            entries.append(_worktree_entry(fields))
            fields = {}
    if fields:
        entries.append(_worktree_entry(fields))
    return entries


def _worktree_entry(fields: dict[str, str]) -> WorktreeEntry:
    branch = fields.get("branch")
    return WorktreeEntry(
        path=fields.get("worktree", ""),
        head=fields.get("HEAD"),
        branch=branch.removeprefix("refs/heads/") if branch else None,
        bare="bare" in fields,
        detached="detached" in fields,
        locked="locked" in fields,
        prunable="prunable" in fields,
    )


@dataclass(frozen=True)
class BranchList:
    local: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)


def parse_refs(output: str) -> BranchList:
    """Parses `git for-each-ref --format=%(refname) refs/heads refs/remotes` (refs hold no '\\n')."""
    local, remote = [], []
    for line in output.splitlines():
        if line.startswith("refs/heads/"):
            local.append(line.removeprefix("refs/heads/"))
        elif line.startswith("refs/remotes/") and not line.endswith("/HEAD"):
            remote.append(line.removeprefix("refs/remotes/"))
    return BranchList(sorted(local), sorted(remote))


@dataclass(frozen=True)
class ChangedPath:
    """One file of a `git diff --raw --numstat -z` listing."""

    status: str  # git's letter: A, M, D, R, C, T, U
    path: str
    old_path: str | None = None
    additions: int = 0
    deletions: int = 0
    binary: bool = False


def parse_raw_numstat(output: bytes) -> tuple[list[ChangedPath], bytes]:
    """Parses `git diff --raw --numstat -z [-p]`: the changed paths, and what follows (the patch).

    Raw records are `:modes shas STATUS\\0path\\0[path\\0]`; numstat records, in the same order,
    are `add\\tdel\\tpath\\0` or, for renames, `add\\tdel\\t\\0old\\0new\\0`. An empty field then
    separates the patch text, when one was asked for.
    """
    fields = output.split(b"\0")
    raw, i = [], 0
    while i < len(fields) and fields[i].startswith(b":"):
        status = fields[i].split(b" ")[-1][:1].decode("ascii", "replace")
        paths = [_path(f) for f in fields[i + 1 : i + (3 if status in ("R", "C") else 2)]]
        raw.append((status, paths))
        i += 1 + len(paths)
    stats: dict[str, list[bytes]] = {}
    while i < len(fields) and fields[i]:
        counts = fields[i].split(b"\t", 2)
        named = len(counts) == 3 and counts[2]
        key = _path(counts[2]) if named else _path(b"".join(fields[i + 2 : i + 3]))
        stats[key] = counts
        i += 1 if named else 3
    changes = [_changed(status, paths, stats.get(paths[-1])) for status, paths in raw if paths]
    return changes, b"\0".join(fields[i + 1 :])


def _changed(status: str, paths: list[str], counts: list[bytes] | None) -> ChangedPath:
    old = paths[0] if len(paths) == 2 else None
    if counts is None or len(counts) < 2 or counts[0] == b"-":
        return ChangedPath(status, paths[-1], old, binary=counts is not None)
    return ChangedPath(status, paths[-1], old, int(counts[0]), int(counts[1]))


def _path(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


_C_ESCAPES = {'"': '\\"', "\\": "\\\\", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n",
              "\v": "\\v", "\f": "\\f", "\r": "\\r"}  # fmt: skip


def quote_path(path: str) -> str:
    """A path as git writes it in a patch header with core.quotePath=false (C-style when needed)."""
    if not any(c in _C_ESCAPES or ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return path
    body = "".join(
        _C_ESCAPES.get(c) or (f"\\{ord(c):03o}" if ord(c) < 0x20 or ord(c) == 0x7F else c)
        for c in path
    )
    return f'"{body}"'


def patch_header(old_path: str, new_path: str) -> str:
    """The `diff --git` line git writes for a file (with the default a/ and b/ prefixes)."""
    return f"diff --git {quote_path('a/' + old_path)} {quote_path('b/' + new_path)}"


def split_patch(patch: str) -> list[tuple[str, str]]:
    """A unified diff cut into (header line, whole section) per `diff --git` section, in order.

    Content lines start with ' ', '+', '-' or '\\', so a line starting `diff --git ` is always a
    header.
    """
    sections: list[tuple[str, str]] = []
    for chunk in re.split(r"(?m)^(?=diff --git )", patch):
        if chunk.startswith("diff --git "):
            sections.append((chunk.split("\n", 1)[0], chunk))
    return sections
