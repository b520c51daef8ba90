"""A worktree's diff against a base commit (working tree and untracked files included), and the
watcher that says when that diff may have changed.

The user's index is never touched: the diff runs against a copy of it (GIT_INDEX_FILE) in which
untracked files are marked intent-to-add, so `git diff <base>` sees them as added files. One git
call yields the raw listing, the counts and the patch of the same moment.

The default base is the merge-base of HEAD with the repository's default branch; else HEAD; in a
repository without commits, the empty tree.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import TracebackType
from typing import Literal

from watchfiles._rust_notify import RustNotify  # the documented low-level watcher; see DiffWatcher

from agent_console.errors import InvalidRequest, NotFound
from agent_console.git import (
    ChangedPath,
    check_revision,
    parse_raw_numstat,
    patch_header,
    resolve_commit,
    run_git,
    split_patch,
)
from agent_console.model import Wire
from agent_console.repositories import default_branch

MAX_FILE_PATCH = 256 * 1024
MAX_TOTAL_PATCH = 4 * 1024 * 1024
DIFF_TIMEOUT = 60.0
FileStatus = Literal["added", "modified", "deleted", "renamed"]
_STATUS: dict[str, FileStatus] = {"A": "added", "C": "added", "D": "deleted", "R": "renamed"}


class FileDiff(Wire):
    path: str
    old_path: str | None = None
    status: FileStatus
    additions: int
    deletions: int
    binary: bool
    diff: str  # this file's unified diff ("" when cut, see truncated)
    truncated: bool = False


class WorktreeDiff(Wire):
    base_commit: str
    files: list[FileDiff]
    additions: int
    deletions: int
    raw_diff: str


# --- computing --------------------------------------------------------------------------------


async def resolve_base(worktree: Path, base: str | None = None) -> str:
    """The commit id to diff against: base (validated, resolved) or the default described above.

    InvalidRequest when worktree is not inside a git working tree or base names no commit.
    """
    if base:
        check_revision(base)
    inside = await run_git(["rev-parse", "--is-inside-work-tree"], worktree, check=False)
    if inside.out != "true":
        raise InvalidRequest(f"{worktree} is not inside a git working tree")
    if base:
        return await resolve_commit(base, worktree)
    head = await run_git(
        ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], worktree, check=False
    )
    if head.returncode != 0:
        empty = await run_git(["hash-object", "-t", "tree", "/dev/null"], worktree)
        return empty.out
    name = await default_branch(worktree)
    for ref in (f"refs/heads/{name}", f"refs/remotes/origin/{name}"):
        merge_base = await run_git(["merge-base", "HEAD", ref], worktree, check=False)
        if merge_base.returncode == 0:
            return merge_base.out
    return head.out


async def compute_diff(worktree: Path, base: str | None = None) -> WorktreeDiff:
    """The worktree's changes against base (see resolve_base); the user's index is left as it was."""
    base_commit = await resolve_base(worktree, base)
    output = await _diff_output(worktree, base_commit)
    changes, patch = parse_raw_numstat(output)
    return build_diff(base_commit, changes, patch.decode("utf-8", "replace"))


async def _diff_output(worktree: Path, base_commit: str) -> bytes:
    index_path = ["rev-parse", "--path-format=absolute", "--git-path", "index"]
    index = Path((await run_git(index_path, worktree)).out)
    with tempfile.TemporaryDirectory(prefix="agent-console-diff-") as scratch:
        temp_index = Path(scratch) / "index"
        if index.is_file():
            shutil.copyfile(index, temp_index)  # its stat cache keeps unchanged files cheap
        env = {"GIT_INDEX_FILE": str(temp_index)}
        added = await run_git(["add", "--intent-to-add", "--", "."], worktree, env=env, check=False)
        if added.returncode != 0 and "did not match any files" not in added.stderr:
            await run_git(
                ["add", "--intent-to-add", "--ignore-errors", "--", "."], worktree, env=env
            )
        args = ["diff", "--no-color", "--no-ext-diff", "--no-relative", "-M", "--raw", "--numstat",
                "-p", "-z", "--src-prefix=a/", "--dst-prefix=b/", base_commit, "--"]  # fmt: skip
        return (await run_git(args, worktree, timeout=DIFF_TIMEOUT, env=env)).stdout


def build_diff(base_commit: str, changes: list[ChangedPath], patch: str) -> WorktreeDiff:
    """Pure: joins each changed path with its patch section; caps what one file and all may hold."""
    sections: dict[str, str] = {}
    for header, text in split_patch(patch):
        sections[header] = sections.get(header, "") + text  # a type change has two sections
    files, budget = [], MAX_TOTAL_PATCH
    for change in changes:
        text = sections.get(patch_header(change.old_path or change.path, change.path), "")
        limit = min(MAX_FILE_PATCH, budget)
        truncated = len(text) > limit
        if truncated:
            text = text[: text.rfind("\n", 0, limit) + 1]
        budget -= len(text)
        files.append(_file(change, text, truncated))
    return WorktreeDiff(
        base_commit=base_commit,
        files=files,
        additions=sum(f.additions for f in files),
        deletions=sum(f.deletions for f in files),
        raw_diff="".join(f.diff for f in files),
    )


def _file(change: ChangedPath, text: str, truncated: bool) -> FileDiff:
    status = _STATUS.get(change.status, "modified")
    return FileDiff(path=change.path, old_path=change.old_path if status != "modified" else None,
                    status=status, additions=change.additions, deletions=change.deletions,
                    binary=change.binary, diff=text, truncated=truncated)  # fmt: skip


# --- watching ---------------------------------------------------------------------------------

# Tool caches and editor droppings: changes there never matter to a review.
_IGNORED_PARTS = frozenset({".git", "node_modules", "__pycache__", ".venv", ".mypy_cache",
                            ".pytest_cache", ".ruff_cache", ".hypothesis", ".tox"})  # fmt: skip
_GIT_FILES = frozenset({"HEAD", "index", "logs/HEAD"})  # a commit, checkout, reset or stage


def is_relevant(path: str, worktree: Path, git_dir: Path) -> bool:
    """Pure: whether a change at path may change the worktree's diff."""
    changed = Path(path)
    if changed.is_relative_to(git_dir):
        return changed.relative_to(git_dir).as_posix() in _GIT_FILES
    if not changed.is_relative_to(worktree):
        return False
    parts = changed.relative_to(worktree).parts
    if not parts or any(part in _IGNORED_PARTS for part in parts):
        return False
    return not parts[-1].endswith(("~", ".swp", ".swx")) and parts[-1] != ".DS_Store"


class DiffWatcher:
    """Async iterator of the (absolute) paths changed in a worktree, debounced, from inotify-style
    events — no polling of git and no CPU spent while nothing changes.

        async with DiffWatcher(worktree) as watcher:   # watching starts before this returns
            diff = await compute_diff(worktree)         # so no change after this line is missed
            async for paths in watcher:                 # one set per burst of changes
                diff = await compute_diff(worktree)

    Changes that arrive while the consumer is busy are merged into the next set. The watcher runs in
    its own thread (watchfiles' Rust notify backend), not the shared thread pool, so many watchers
    cannot starve the server's other blocking work. The thread wakes every `step_ms` only to check
    its stop flag.
    """

    def __init__(self, worktree: Path, debounce_ms: int = 1000, step_ms: int = 200) -> None:
        self.worktree = worktree
        self.debounce_ms, self.step_ms = debounce_ms, step_ms
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._pending: set[str] = set()
        self._wake = asyncio.Event()
        self._finished = False
        self._done: asyncio.Future[None] | None = None

    async def __aenter__(self) -> DiffWatcher:
        if not self.worktree.is_dir():
            raise NotFound(f"worktree {self.worktree} does not exist")
        root = self.worktree.resolve()
        args = ["rev-parse", "--path-format=absolute", "--git-dir"]
        git_dir = Path((await run_git(args, root)).out).resolve()
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        self._done = loop.create_future()
        thread = threading.Thread(
            target=self._run, args=(loop, root, git_dir, ready), name="diff-watcher", daemon=True
        )
        thread.start()
        try:
            await ready
        except OSError as exc:
            raise NotFound(f"cannot watch {self.worktree}: {exc.strerror or exc}") from None
        except BaseException:
            # Cancelled while the thread sets up its watches (the last client left): without
            # __aexit__ nobody else would stop it, and it would hold its inotify instance forever.
            await self.aclose()
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stops watching; returns once the watcher thread has ended."""
        self._stop.set()
        if self._done is not None:
            await asyncio.shield(self._done)

    def __aiter__(self) -> AsyncIterator[set[str]]:
        return self._batches()

    async def _batches(self) -> AsyncIterator[set[str]]:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._pending:
                batch, self._pending = self._pending, set()
                yield batch
            elif self._finished:
                return

    def _deliver(self, paths: set[str] | None) -> None:
        if paths is None:
            self._finished = True
        else:
            self._pending |= paths
        self._wake.set()

    def _run(
        self,
        loop: asyncio.AbstractEventLoop,
        root: Path,
        git_dir: Path,
        ready: asyncio.Future[None],
    ) -> None:
        paths = [str(root)] if git_dir.is_relative_to(root) else [str(root), str(git_dir)]
        try:
            with RustNotify(paths, False, False, 300, True, True) as notify:
                _post(loop, _settle, ready, None)
                while not self._stop.is_set():
                    raw = notify.watch(self.debounce_ms, self.step_ms, 0, self._stop)
                    if isinstance(raw, set):
                        changed = {p for _, p in raw if is_relevant(p, root, git_dir)}
                        if changed:
                            _post(loop, self._deliver, changed)
        except Exception as exc:  # the folder vanished, inotify limits, ...: end the iteration
            self.error = exc
            _post(loop, _settle, ready, exc)
        finally:
            _post(loop, self._deliver, None)
            assert self._done is not None
            _post(loop, _settle, self._done, None)


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if not future.done():
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


def _post(loop: asyncio.AbstractEventLoop, callback: Callable[..., None], *args: object) -> None:
    with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is listening any more
        loop.call_soon_threadsafe(callback, *args)
