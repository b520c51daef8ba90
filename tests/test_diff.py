"""diff.py on real repositories: every kind of change, the base, the user's index left alone, and
the file-system watcher."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_console.diff import (
    MAX_FILE_PATCH,
    DiffWatcher,
    FileDiff,
    build_diff,
    compute_diff,
    is_relevant,
    resolve_base,
)
from agent_console.errors import InvalidRequest, NotFound
from agent_console.git import ChangedPath, patch_header
from tests.gitrepo import commit_all, git, git_env, git_spy, make_repo, repo

__all__ = ["git_env", "git_spy", "repo"]

WAIT = 15.0  # seconds a watcher event may take on a loaded machine


@pytest.fixture
def mixed(tmp_path: Path, git_env: None) -> Path:
    """A repository whose working tree holds every kind of change, nothing staged."""
    path = make_repo(
        tmp_path / "mixed",
        {"keep.txt": "one\ntwo\nthree\n", "gone.txt": "bye\n", "old-name.txt": "same\n" * 20},
    )
    (path / "image.bin").write_bytes(b"\0\1\2")
    commit_all(path)
    (path / "keep.txt").write_text("one\n2\nthree\nfour\n")
    (path / "gone.txt").unlink()
    (path / "old-name.txt").rename(path / "new-name.txt")
    (path / "image.bin").write_bytes(b"\0\1\2\3")
    (path / "fresh.txt").write_text("brand\nnew\n")
    return path


def by_path(files: list[FileDiff]) -> dict[str, FileDiff]:
    return {f.path: f for f in files}


async def test_every_kind_of_change(mixed: Path) -> None:
    """Added (untracked), modified, deleted, renamed and binary files, with counts and diffs."""
    diff = await compute_diff(mixed)
    files = by_path(diff.files)
    assert {p: f.status for p, f in files.items()} == {
        "fresh.txt": "added", "gone.txt": "deleted", "image.bin": "modified",
        "keep.txt": "modified", "new-name.txt": "renamed",
    }  # fmt: skip
    assert (files["keep.txt"].additions, files["keep.txt"].deletions) == (2, 1)
    assert "+four\n" in files["keep.txt"].diff and "-two\n" in files["keep.txt"].diff
    assert (files["fresh.txt"].additions, files["fresh.txt"].deletions) == (2, 0)
    assert "+brand\n" in files["fresh.txt"].diff
    assert files["gone.txt"].deletions == 1 and "-bye\n" in files["gone.txt"].diff
    assert files["new-name.txt"].old_path == "old-name.txt"
    assert "rename from old-name.txt" in files["new-name.txt"].diff
    assert files["image.bin"].binary and "Binary files" in files["image.bin"].diff
    assert diff.additions == 4 and diff.deletions == 2
    assert diff.raw_diff == "".join(f.diff for f in diff.files)
    assert diff.base_commit == git(mixed, "rev-parse", "HEAD")


async def test_users_index_is_untouched(mixed: Path) -> None:
    """Computing the diff leaves the index file byte-for-byte and `git status` as they were."""
    git(mixed, "add", "keep.txt")  # something staged, to be sure staging survives too
    index = (mixed / ".git" / "index").read_bytes()
    status = git(mixed, "status", "--porcelain")
    await compute_diff(mixed)
    assert (mixed / ".git" / "index").read_bytes() == index
    assert git(mixed, "status", "--porcelain") == status
    assert "?? fresh.txt" in status


async def test_default_base_is_merge_base_with_default_branch(repo: Path) -> None:
    """On a feature branch the diff holds its commits and edits, not what main gained since."""
    fork = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "feature.txt").write_text("f\n")
    commit_all(repo)
    git(repo, "checkout", "-q", "main")
    (repo / "main-only.txt").write_text("m\n")
    commit_all(repo)
    git(repo, "checkout", "-q", "feature")
    (repo / "wip.txt").write_text("w\n")
    diff = await compute_diff(repo)
    assert diff.base_commit == fork
    assert sorted(f.path for f in diff.files) == ["feature.txt", "wip.txt"]


async def test_default_base_from_the_remote_branch(tmp_path: Path, git_env: None) -> None:
    """In a clone without a local default branch, the merge-base is taken with origin's."""
    upstream = make_repo(tmp_path / "upstream")
    fork = git(upstream, "rev-parse", "HEAD")
    git(tmp_path, "clone", "-q", str(upstream), "clone")
    clone = tmp_path / "clone"
    git(clone, "checkout", "-q", "-b", "feature")
    git(clone, "branch", "-D", "main")
    (upstream / "later.txt").write_text("l\n")
    commit_all(upstream)
    git(clone, "fetch", "-q")
    (clone / "mine.txt").write_text("m\n")
    commit_all(clone)
    diff = await compute_diff(clone)
    assert diff.base_commit == fork and [f.path for f in diff.files] == ["mine.txt"]


async def test_base_can_be_changed(repo: Path) -> None:
    """An explicit base (branch, HEAD, sha) is resolved and used instead of the default."""
    first = git(repo, "rev-parse", "HEAD")
    (repo / "a.txt").write_text("a\n")
    commit_all(repo)
    (repo / "b.txt").write_text("b\n")
    assert sorted(f.path for f in (await compute_diff(repo, first[:8])).files) == ["a.txt", "b.txt"]
    head_diff = await compute_diff(repo, "HEAD")
    assert [f.path for f in head_diff.files] == ["b.txt"]
    assert head_diff.base_commit == git(repo, "rev-parse", "HEAD")


@pytest.mark.parametrize(
    "base", ["--upload-pack=touch sentinel", "-c core.x=y", "$(touch sentinel)", "a..b",
             "HEAD:README.md", "two words", "new\nline"],
)  # fmt: skip
async def test_hostile_base_refused_without_running_git(
    repo: Path, git_spy: Path, base: str
) -> None:
    """Option-like, range, path and shell-like bases are 400s before any git process runs."""
    with pytest.raises(InvalidRequest, match="baseCommit"):
        await compute_diff(repo, base)
    assert git_spy.read_text() == ""
    assert not (repo / "sentinel").exists()


async def test_not_a_repository_is_refused(tmp_path: Path) -> None:
    """A folder outside any git working tree has no diff: a 400 that says so."""
    with pytest.raises(InvalidRequest, match="not inside a git working tree"):
        await compute_diff(tmp_path)
    with pytest.raises(InvalidRequest, match="not inside a git working tree"):
        await resolve_base(tmp_path, "HEAD")


async def test_unknown_base_is_refused(repo: Path) -> None:
    """A base that names no commit is a 400 that says so."""
    with pytest.raises(InvalidRequest, match="does not name a commit"):
        await resolve_base(repo, "no-such-branch")


async def test_odd_file_names_get_their_diffs(repo: Path) -> None:
    """Names with spaces, tabs, newlines, quotes, backslashes and non-ASCII keep their own diff."""
    names = ["with space.txt", "tab\there.txt", "new\nline.txt", 'q"uote.txt', "back\\slash.txt",
             "ünïcödé.txt", "-dash.txt"]  # fmt: skip
    for name in names:
        (repo / name).write_text(f"content of {name!r}\n")
    files = by_path((await compute_diff(repo)).files)
    assert sorted(files) == sorted(names)
    for name in names:
        assert files[name].status == "added"
        assert f"+content of {name!r}\n" in files[name].diff


async def test_repository_without_commits(tmp_path: Path, git_env: None) -> None:
    """Before the first commit the base is the empty tree and every file is added."""
    git(tmp_path, "init", "-q", "-b", "main", "fresh")
    (tmp_path / "fresh" / "a.txt").write_text("a\n")
    diff = await compute_diff(tmp_path / "fresh")
    assert [(f.path, f.status) for f in diff.files] == [("a.txt", "added")]


async def test_clean_and_empty_worktrees(repo: Path, tmp_path: Path, git_env: None) -> None:
    """No changes is an empty list; so is a repository with no files at all."""
    assert (await compute_diff(repo)).files == []
    git(tmp_path, "init", "-q", "-b", "main", "empty")
    assert (await compute_diff(tmp_path / "empty")).files == []


async def test_type_change_keeps_both_sections(repo: Path) -> None:
    """A file replaced by a symlink is one modified entry carrying both of git's sections."""
    (repo / "README.md").unlink()
    (repo / "README.md").symlink_to("elsewhere")
    [change] = (await compute_diff(repo)).files
    assert change.status == "modified"
    assert change.diff.count("diff --git") == 2 and "+elsewhere" in change.diff


async def test_linked_worktree_diff(repo: Path, tmp_path: Path) -> None:
    """A linked worktree's diff uses its own index and HEAD."""
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "side", str(wt))
    (wt / "side.txt").write_text("s\n")
    (repo / "main-wip.txt").write_text("m\n")
    assert [f.path for f in (await compute_diff(wt)).files] == ["side.txt"]


def test_build_diff_caps_large_patches() -> None:
    """A file's patch over the cap is cut at a line end and flagged; counts stay git's."""
    body = "".join(f"+line {n}\n" for n in range(MAX_FILE_PATCH // 5))
    patch = patch_header("big.txt", "big.txt") + "\n" + body
    diff = build_diff("base", [ChangedPath("A", "big.txt", additions=99999)], patch)
    [big] = diff.files
    assert big.truncated and len(big.diff) <= MAX_FILE_PATCH and big.diff.endswith("\n")
    assert big.additions == 99999


@given(st.lists(st.text(min_size=1, max_size=8), max_size=5, unique=True))
def test_build_diff_attaches_sections_by_name(names: list[str]) -> None:
    """Each file gets exactly the section whose header names it, whatever the order."""
    sections = {n: patch_header(n, n) + "\n+" + n.replace("\n", " ") + "\n" for n in names}
    patch = "".join(sections[n] for n in reversed(names))
    diff = build_diff("base", [ChangedPath("M", n) for n in names], patch)
    assert [f.diff for f in diff.files] == [sections[n] for n in names]


# --- watching ---------------------------------------------------------------------------------


def test_is_relevant() -> None:
    """Work-tree files count; git internals only for HEAD, index and the HEAD reflog; caches not."""
    wt, gd = Path("/w"), Path("/w/.git")
    assert is_relevant("/w/src/app.py", wt, gd)
    assert is_relevant("/w/.git/index", wt, gd) and is_relevant("/w/.git/HEAD", wt, gd)
    assert is_relevant("/w/.git/logs/HEAD", wt, gd)
    for path in ("/w/.git/objects/ab/cdef", "/w/.git/index.lock", "/w/node_modules/x/y.js",
                 "/w/pkg/__pycache__/m.pyc", "/w/notes.txt~", "/w/.a.swp", "/other/file", "/w",
                 "/w/vendor/lib/.git/HEAD"):  # fmt: skip
        assert not is_relevant(path, wt, gd), path
    linked = Path("/data/repo/.git/worktrees/wt")
    assert is_relevant("/data/repo/.git/worktrees/wt/HEAD", Path("/wt"), linked)
    assert not is_relevant("/wt/.git", Path("/wt"), linked)


async def next_batch(watcher: DiffWatcher) -> set[str]:
    return await asyncio.wait_for(anext(aiter(watcher)), WAIT)


async def test_watcher_reports_file_changes(repo: Path) -> None:
    """Writing a file in the worktree yields a batch naming it; closing ends the iteration."""
    async with DiffWatcher(repo, debounce_ms=200, step_ms=50) as watcher:
        (repo / "new.txt").write_text("x")
        assert str(repo.resolve() / "new.txt") in await next_batch(watcher)
        (repo / "sub").mkdir()
        (repo / "sub" / "deep.txt").write_text("y")
        # A file written at once into a new folder may be reported as the folder only (its watch
        # starts a moment later); either wakes the diff, computed after the debounce.
        batch = await next_batch(watcher)
        assert batch & {str(repo.resolve() / "sub"), str(repo.resolve() / "sub" / "deep.txt")}
    assert [b async for b in watcher] == []


async def test_watcher_sees_commits_in_a_linked_worktree(repo: Path, tmp_path: Path) -> None:
    """A commit in a linked worktree (its HEAD lives outside the folder) is reported."""
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "side", str(wt))
    admin = Path(git(wt, "rev-parse", "--path-format=absolute", "--git-dir")).resolve()
    async with DiffWatcher(wt, debounce_ms=200, step_ms=50) as watcher:
        git(wt, "commit", "-q", "--allow-empty", "-m", "empty")
        batch = await next_batch(watcher)
        assert batch & {str(admin / "logs" / "HEAD"), str(admin / "index"), str(admin / "HEAD")}


async def test_watcher_merges_changes_while_busy(repo: Path) -> None:
    """Changes that arrive while nobody is reading are merged into one pending batch."""
    async with DiffWatcher(repo, debounce_ms=100, step_ms=20) as watcher:
        (repo / "a.txt").write_text("a")
        first = await next_batch(watcher)
        (repo / "b.txt").write_text("b")
        (repo / "c.txt").write_text("c")
        seen = set(first)
        while not {str(repo.resolve() / n) for n in ("b.txt", "c.txt")} <= seen:
            seen |= await next_batch(watcher)


async def test_watcher_on_missing_folder(tmp_path: Path) -> None:
    """Watching a folder that does not exist is a NotFound."""
    with pytest.raises(NotFound):
        async with DiffWatcher(tmp_path / "missing"):
            pass


async def test_watcher_thread_ends_on_close(repo: Path) -> None:
    """Closing the watcher ends its thread (no thread left behind)."""
    async with DiffWatcher(repo):
        [thread] = [t for t in threading.enumerate() if t.name == "diff-watcher"]
    thread.join(timeout=WAIT)
    assert not thread.is_alive()
