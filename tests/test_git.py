"""git.py: the hardened runner on real repositories, name and revision checks, pure parsers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psutil
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agent_console.errors import GitFailed, InvalidRequest
from agent_console.git import (
    ChangedPath,
    WorktreeEntry,
    check_branch_name,
    parse_raw_numstat,
    parse_refs,
    parse_worktree_list,
    patch_header,
    quote_path,
    resolve_commit,
    run_git,
    split_patch,
    validate_branch_name,
)
from tests.gitrepo import git, git_env, git_spy, repo

__all__ = ["git_env", "git_spy", "repo"]

HOSTILE_NAMES = [
    "--upload-pack=touch sentinel",
    "-c core.sshCommand=touch sentinel",
    "-b",
    "$(touch sentinel)",
    "`touch sentinel`",
    "a..b",
    "name with spaces",
    "line\nbreak",
    "tab\tname",
    "nul\0name",
    "",
    "x" * 201,
    "HEAD",
    "@{-1}",
    "ends.lock",
    "/abs",
    "trail/",
    "dot.",
    ".hidden",
    "colon:name",
    "star*",
    "back\\slash",
]


async def test_run_git_returns_output(repo: Path) -> None:
    """run_git returns git's stdout and exit status."""
    result = await run_git(["rev-parse", "--abbrev-ref", "HEAD"], repo)
    assert result.returncode == 0 and result.out == "main"


async def test_run_git_raises_with_stderr(repo: Path) -> None:
    """A failing git command raises GitFailed carrying git's own message."""
    with pytest.raises(GitFailed, match=r"unknown revision|bad revision|ambiguous argument"):
        await run_git(["log", "no-such-branch"], repo)
    result = await run_git(["log", "no-such-branch"], repo, check=False)
    assert result.returncode != 0 and result.stderr


async def test_run_git_missing_directory(tmp_path: Path) -> None:
    """A working directory that does not exist is a GitFailed that names it."""
    with pytest.raises(GitFailed, match="does not exist"):
        await run_git(["status"], tmp_path / "gone")


async def test_run_git_ignores_inherited_redirects(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIT_DIR / GIT_INDEX_FILE in the server's environment cannot redirect git elsewhere."""
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / "other-index"))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'core.pager'='touch sentinel'")
    result = await run_git(["ls-files"], repo)
    assert result.out == "README.md"
    assert not (tmp_path / "other-index").exists()


async def test_run_git_timeout_kills_the_process_group(repo: Path, tmp_path: Path) -> None:
    """On timeout the whole process group (git and what it started) is killed and GitFailed raised."""
    pid_file = tmp_path / "child.pid"
    alias = f"alias.slow=!echo $$ > {pid_file}; exec sleep 60"
    with pytest.raises(GitFailed, match="longer than"):
        await run_git(["-c", alias, "slow"], repo, timeout=1)
    pid = int(pid_file.read_text())
    try:
        child = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    _, alive = psutil.wait_procs([child], timeout=10)
    assert not alive or alive[0].status() == psutil.STATUS_ZOMBIE


# --- branch names -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["main", "feat/login", "fix-1.2", "user/ünï", "$(touch${IFS}x)"])
def test_check_branch_name_accepts_git_valid_names(name: str) -> None:
    """Names git accepts as branches pass the pure check unchanged."""
    assert check_branch_name(name) == name


@pytest.mark.parametrize("name", HOSTILE_NAMES)
async def test_hostile_branch_names_refused_without_running_git(
    name: str, repo: Path, git_spy: Path
) -> None:
    """Option-like, shell-like, range and malformed names are refused before any git runs."""
    with pytest.raises(InvalidRequest, match="invalid branch name"):
        await validate_branch_name(name, repo)
    assert git_spy.read_text() == ""
    assert not (repo / "sentinel").exists()


async def test_validate_branch_name_asks_git(repo: Path, git_spy: Path) -> None:
    """A name that passes the pure check is confirmed with git check-ref-format --branch."""
    assert await validate_branch_name("feat/x", repo) == "feat/x"
    assert "check-ref-format --branch feat/x" in git_spy.read_text()


_REF_CHARS = st.sampled_from([*"ab/.-@{}~^:?*[\\ \t\n\x7fé", "lock", "HEAD"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_REF_CHARS, max_size=8).map("".join))
@example("a/.b")
@example("a.lock/b")
@example("@")
@example("a@{b")
def test_pure_branch_check_agrees_with_git(name: str) -> None:
    """check_branch_name accepts exactly what `git check-ref-format --branch` accepts.

    Except where we are stricter on purpose: a leading '-', and '@' (which --branch expands).
    """
    if name.startswith("-") or name == "@":
        return
    done = subprocess.run(
        ["git", "check-ref-format", "--branch", name], capture_output=True, cwd="/", check=False
    )
    try:
        check_branch_name(name)
        ours = True
    except InvalidRequest:
        ours = False
    assert ours == (done.returncode == 0), name


# --- revisions --------------------------------------------------------------------------------


async def test_resolve_commit_names(repo: Path) -> None:
    """Branches, HEAD~N and abbreviated ids resolve to the full commit id."""
    head = git(repo, "rev-parse", "HEAD")
    assert await resolve_commit("main", repo) == head
    assert await resolve_commit("HEAD~0", repo) == head
    assert await resolve_commit(head[:10], repo) == head


@pytest.mark.parametrize(
    "rev", ["--upload-pack=touch sentinel", "-c", "a..b", "main...HEAD", "main:README.md",
            "$(touch sentinel)", "two words", "new\nline", ""],
)  # fmt: skip
async def test_hostile_revisions_refused_without_running_git(
    rev: str, repo: Path, git_spy: Path
) -> None:
    """Option-like, range, path and shell-like revisions are refused before any git runs."""
    with pytest.raises(InvalidRequest, match="baseCommit"):
        await resolve_commit(rev, repo)
    assert git_spy.read_text() == ""
    assert not (repo / "sentinel").exists()


async def test_unknown_revision_is_invalid_request(repo: Path) -> None:
    """A well-formed revision that names nothing is a 400 that says so."""
    with pytest.raises(InvalidRequest, match="does not name a commit"):
        await resolve_commit("no-such-branch", repo)
    with pytest.raises(InvalidRequest, match="does not name a commit"):
        await resolve_commit("HEAD^{tree}", repo)


# --- parsers ----------------------------------------------------------------------------------

_paths = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\0"), min_size=1, max_size=12
)
_shas = st.text("0123456789abcdef", min_size=40, max_size=40)
_branches = st.text("abcxyz/-_.0123456789", min_size=1, max_size=12)


@st.composite
def _worktree_entries(draw: st.DrawFn) -> WorktreeEntry:
    bare = draw(st.booleans())
    detached = not bare and draw(st.booleans())
    return WorktreeEntry(
        path=draw(_paths),
        head=None if bare else draw(_shas),
        branch=None if bare or detached else draw(_branches),
        bare=bare,
        detached=detached,
        locked=draw(st.booleans()),
        prunable=draw(st.booleans()),
    )


def _render_worktrees(entries: list[WorktreeEntry]) -> bytes:
    out = b""
    for e in entries:
        fields = [f"worktree {e.path}"]
        fields += ["bare"] if e.bare else [f"HEAD {e.head}"]
        fields += [f"branch refs/heads/{e.branch}"] if e.branch else []
        fields += ["detached"] if e.detached else []
        fields += ["locked reason here"] if e.locked else []
        fields += ["prunable gitdir file points to non-existent location"] if e.prunable else []
        out += b"".join(f.encode() + b"\0" for f in fields) + b"\0"
    return out


@given(st.lists(_worktree_entries(), max_size=5))
def test_parse_worktree_list_round_trip(entries: list[WorktreeEntry]) -> None:
    """Every record of `worktree list --porcelain -z` comes back as it was written."""
    assert parse_worktree_list(_render_worktrees(entries)) == entries


async def test_parse_worktree_list_of_real_repo(repo: Path, tmp_path: Path) -> None:
    """The parser reads git's own output: main first, then a linked worktree with its branch."""
    git(repo, "worktree", "add", "-q", "-b", "feat", str(tmp_path / "wt"))
    out = (await run_git(["worktree", "list", "--porcelain", "-z"], repo)).stdout
    main, linked = parse_worktree_list(out)
    assert (main.path, main.branch) == (str(repo), "main")
    assert (linked.path, linked.branch, linked.detached) == (str(tmp_path / "wt"), "feat", False)


@given(st.lists(_branches, max_size=5), st.lists(_branches, max_size=5))
def test_parse_refs_splits_local_and_remote(local: list[str], remote: list[str]) -> None:
    """Local and remote branch refs are told apart; remote HEAD symrefs are left out."""
    lines = [f"refs/heads/{b}" for b in local] + [f"refs/remotes/origin/{b}" for b in remote]
    lines += ["refs/remotes/origin/HEAD", "refs/tags/v1"]
    parsed = parse_refs("\n".join(lines) + "\n")
    assert parsed.local == sorted(local)
    assert parsed.remote == sorted(f"origin/{b}" for b in remote if b != "HEAD")


@st.composite
def _changes(draw: st.DrawFn) -> ChangedPath:
    status = draw(st.sampled_from("AMDRT"))
    binary = draw(st.booleans())
    counts = st.integers(0, 10_000)
    return ChangedPath(
        status=status,
        path=draw(_paths),
        old_path=draw(_paths) if status == "R" else None,
        additions=0 if binary else draw(counts),
        deletions=0 if binary else draw(counts),
        binary=binary,
    )


def _render_raw_numstat(changes: list[ChangedPath], patch: bytes) -> bytes:
    out = b""
    for c in changes:
        score = "100" if c.status == "R" else ""
        out += f":100644 100644 {'1' * 7} {'0' * 7} {c.status}{score}\0".encode()
        out += (f"{c.old_path}\0{c.path}\0" if c.old_path else f"{c.path}\0").encode()
    for c in changes:
        counts = "-\t-" if c.binary else f"{c.additions}\t{c.deletions}"
        name = f"\0{c.old_path}\0{c.path}\0" if c.old_path else f"{c.path}\0"
        out += f"{counts}\t{name}".encode()
    return out + (b"\0" + patch if patch and changes else b"")


@given(
    st.lists(_changes(), max_size=6, unique_by=lambda c: c.path),
    st.binary(max_size=40).map(lambda b: b"diff --git " + b),
)
def test_parse_raw_numstat_round_trip(changes: list[ChangedPath], patch: bytes) -> None:
    """Raw and numstat records (renames, binaries, odd names) parse back; the patch is what follows."""
    parsed, rest = parse_raw_numstat(_render_raw_numstat(changes, patch))
    assert parsed == changes
    assert rest == (patch if changes else b"")


def test_parse_raw_numstat_empty() -> None:
    """No changes: nothing parsed, no patch."""
    assert parse_raw_numstat(b"") == ([], b"")


@given(_paths)
def test_quote_path_only_quotes_special_characters(path: str) -> None:
    """Plain and non-ASCII names stay bare; quotes, backslashes and control characters are escaped."""
    quoted = quote_path(path)
    special = any(c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7F for c in path)
    assert quoted.startswith('"') == special
    if special:
        assert "\n" not in quoted and "\t" not in quoted


@given(st.lists(st.tuples(_paths, st.text(max_size=30)), max_size=5))
def test_split_patch_sections(files: list[tuple[str, str]]) -> None:
    """A patch splits into one section per file, each starting with its own header."""
    body_lines = [[" " + line for line in body.split("\n")] for _, body in files]
    sections = [
        patch_header(p, p) + "\n" + "\n".join(lines) + "\n"
        for (p, _), lines in zip(files, body_lines, strict=True)
    ]
    parsed = split_patch("".join(sections))
    assert [text for _, text in parsed] == sections
    assert [header for header, _ in parsed] == [patch_header(p, p) for p, _ in files]
