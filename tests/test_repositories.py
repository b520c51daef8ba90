"""repositories.py on real repositories: registration, listing, branches, every worktree mode,
templates at creation, deletion, branch rename, and the session location check."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from agent_console.config import Settings
from agent_console.errors import Conflict, InvalidRequest, NotFound
from agent_console.model import Repository
from agent_console.repositories import (
    NewWorktree,
    check_location,
    create_worktree,
    default_branch,
    delete_worktree,
    inspect_repository,
    list_branches,
    list_worktrees,
    rename_branch,
    worktree_root,
)
from tests.gitrepo import commit_all, git, git_env, git_spy, make_repo, repo

__all__ = ["git_env", "git_spy", "repo"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
async def registered(repo: Path) -> Repository:
    return await inspect_repository(str(repo))


def custom(branch: str, base: str | None = None) -> NewWorktree:
    return NewWorktree(mode="custom", branch=branch, base_branch=base)


# --- registration -----------------------------------------------------------------------------


async def test_inspect_repository(repo: Path) -> None:
    """A repository's top level becomes an (unsaved) Repository named after its folder."""
    found = await inspect_repository(str(repo))
    assert (found.name, found.path) == ("project", str(repo.resolve()))
    assert found.id and found.registered_at


@pytest.mark.parametrize(
    ("make", "message"),
    [(lambda p: "relative/path", "absolute"),
     (lambda p: str(p / "missing"), "does not exist"),
     (lambda p: str(_file(p)), "not a directory"),
     (lambda p: str(_dir(p)), "not a git repository"),
     (lambda p: str(_dir(p / "project" / "sub")), "inside the git repository")],
)  # fmt: skip
async def test_inspect_repository_refuses(
    repo: Path, tmp_path: Path, make: object, message: str
) -> None:
    """Relative, missing, file, non-repository and sub-folder paths are 400s saying why."""
    assert callable(make)
    with pytest.raises(InvalidRequest, match=message):
        await inspect_repository(make(tmp_path))


def _file(base: Path) -> Path:
    (base / "file.txt").write_text("x")
    return base / "file.txt"


def _dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


async def test_already_registered_is_refused(repo: Path) -> None:
    """Registering the same repository twice (even through a linked worktree) is a 400."""
    first = await inspect_repository(str(repo))
    linked = repo.parent / "linked"
    git(repo, "worktree", "add", "-q", "-b", "side", str(linked))
    assert (await inspect_repository(str(linked))).path == first.path
    with pytest.raises(InvalidRequest, match="already registered"):
        await inspect_repository(str(linked), [first])


# --- listing and branches ---------------------------------------------------------------------


async def test_list_worktrees_marks_main(registered: Repository, repo: Path) -> None:
    """The main worktree comes first and is marked; linked and detached ones follow."""
    git(repo, "worktree", "add", "-q", "-b", "feat", str(repo.parent / "wt-feat"))
    git(repo, "worktree", "add", "-q", "--detach", str(repo.parent / "wt-detached"))
    main, *linked = await list_worktrees(registered)
    feat, detached = sorted(linked, key=lambda w: w.path, reverse=True)
    assert (main.is_main, main.branch, main.path) == (True, "main", str(repo))
    assert (feat.is_main, feat.branch, feat.repository_id) == (False, "feat", registered.id)
    assert detached.branch == "" and detached.head == git(repo, "rev-parse", "HEAD")


async def test_default_branch_detection(tmp_path: Path, git_env: None) -> None:
    """origin's HEAD wins; else main, else master, else the main worktree's branch."""
    upstream = make_repo(tmp_path / "upstream")
    git(upstream, "branch", "-m", "main", "develop")
    git(tmp_path, "clone", "-q", str(upstream), "clone")
    assert await default_branch(tmp_path / "clone") == "develop"
    master = make_repo(tmp_path / "m")
    git(master, "branch", "-m", "main", "master")
    git(master, "branch", "other")
    assert await default_branch(master) == "master"
    trunk = make_repo(tmp_path / "t")
    git(trunk, "branch", "-m", "main", "trunk")
    git(trunk, "branch", "aaa")
    assert await default_branch(trunk) == "trunk"
    empty = _dir(tmp_path / "empty")
    git(empty, "init", "-q", "-b", "fresh")
    assert await default_branch(empty) == "fresh"


async def test_list_branches(tmp_path: Path, git_env: None) -> None:
    """Local and remote-tracking branches, without origin/HEAD, and the default branch."""
    upstream = make_repo(tmp_path / "upstream")
    git(upstream, "branch", "remote-only")
    git(tmp_path, "clone", "-q", str(upstream), "clone")
    git(tmp_path / "clone", "branch", "local-only")
    branches = await list_branches(await inspect_repository(str(tmp_path / "clone")))
    assert branches.dump() == {
        "local": ["local-only", "main"],
        "remote": ["origin/main", "origin/remote-only"],
        "defaultBranch": "main",
    }


# --- creating ---------------------------------------------------------------------------------


async def test_custom_mode_branches_from_the_default_branch(
    registered: Repository, repo: Path, settings: Settings
) -> None:
    """custom: a new branch at the default branch, in its own folder under the repository's root."""
    git(repo, "checkout", "-q", "-b", "elsewhere")
    (repo / "other.txt").write_text("x")
    commit_all(repo)
    created = await create_worktree(registered, custom("feat/login"), settings)
    path = Path(created.worktree.path)
    assert path.parent == worktree_root(registered, settings).resolve()
    assert path.name == "feat-login"
    assert created.worktree.branch == "feat/login" and created.branch_source == "custom"
    assert created.worktree.head == git(repo, "rev-parse", "main")
    assert git(path, "rev-parse", "--abbrev-ref", "HEAD") == "feat/login"
    assert not (path / "other.txt").exists()


async def test_custom_mode_with_base_and_unique_folders(
    registered: Repository, repo: Path, settings: Settings
) -> None:
    """baseBranch picks the start; branches whose folder names collide get -2, -3 folders."""
    (repo / "b.txt").write_text("b")
    base = commit_all(repo)
    git(repo, "branch", "base", base)
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    one = await create_worktree(registered, custom("a/b", "base"), settings)
    two = await create_worktree(registered, custom("a-b"), settings)
    assert Path(one.worktree.path).name == "a-b" and Path(two.worktree.path).name == "a-b-2"
    assert one.worktree.head == base and (Path(one.worktree.path) / "b.txt").exists()
    assert two.worktree.head != base


async def test_custom_mode_refusals(registered: Repository, repo: Path, settings: Settings) -> None:
    """An existing branch is a 409; a missing base or branch field is a 400."""
    git(repo, "branch", "taken")
    with pytest.raises(Conflict, match="already exists"):
        await create_worktree(registered, custom("taken"), settings)
    with pytest.raises(InvalidRequest, match="baseBranch 'nope' does not name a commit"):
        await create_worktree(registered, custom("new", "nope"), settings)
    with pytest.raises(InvalidRequest, match="branch is required"):
        await create_worktree(registered, NewWorktree(mode="custom"), settings)
    assert len(await list_worktrees(registered)) == 1


async def test_existing_mode(registered: Repository, repo: Path, settings: Settings) -> None:
    """existing: checks out a local branch; one already checked out is a 409; unknown is a 400."""
    git(repo, "branch", "feature")
    created = await create_worktree(
        registered, NewWorktree(mode="existing", branch="feature"), settings
    )
    assert created.worktree.branch == "feature" and created.branch_source == "existing"
    assert git(Path(created.worktree.path), "rev-parse", "--abbrev-ref", "HEAD") == "feature"
    with pytest.raises(Conflict, match="already checked out"):
        await create_worktree(registered, NewWorktree(mode="existing", branch="feature"), settings)
    with pytest.raises(InvalidRequest, match="does not exist"):
        await create_worktree(registered, NewWorktree(mode="existing", branch="ghost"), settings)
    assert not list(worktree_root(registered, settings).glob("feature-*"))


async def test_existing_mode_from_a_remote_branch(
    tmp_path: Path, git_env: None, settings: Settings
) -> None:
    """A branch only on the remote (by name or as origin/name) gets a local tracking branch."""
    upstream = make_repo(tmp_path / "upstream")
    git(upstream, "branch", "remote-only")
    git(upstream, "branch", "second")
    git(tmp_path, "clone", "-q", str(upstream), "clone")
    clone = await inspect_repository(str(tmp_path / "clone"))
    for asked, local in (("remote-only", "remote-only"), ("origin/second", "second")):
        created = await create_worktree(clone, NewWorktree(mode="existing", branch=asked), settings)
        assert created.worktree.branch == local
        upstream_ref = git(Path(created.worktree.path), "rev-parse", "--abbrev-ref", "@{upstream}")
        assert upstream_ref == f"origin/{local}"


async def test_prompt_mode_uses_the_agent(
    registered: Repository, repo: Path, settings: Settings
) -> None:
    """prompt: the headless agent's answer names the branch; a taken name gets a -2 suffix."""
    git(repo, "branch", "feat/search")
    argv = [sys.executable, "-c", "print('feat/search')"]
    request = NewWorktree(mode="prompt", initial_prompt="Add a search box")
    created = await create_worktree(registered, request, settings, headless_argv=argv)
    assert created.worktree.branch == "feat/search-2"
    assert created.branch_source == "agent" and created.branch_reason


async def test_prompt_mode_falls_back_to_a_slug(registered: Repository, settings: Settings) -> None:
    """prompt: an agent that does not answer in time gives way to the prompt's slug, saying why."""
    argv = [sys.executable, "-c", "import time; time.sleep(60)"]  # an agent that hangs: not a wait
    request = NewWorktree(mode="prompt", initial_prompt="Fix the flaky login test")
    created = await create_worktree(
        registered, request, settings, headless_argv=argv, naming_timeout=0.5
    )
    assert created.worktree.branch == "fix-the-flaky-login-test"
    assert created.branch_source == "prompt-slug"
    assert created.branch_reason and "did not answer" in created.branch_reason
    with pytest.raises(InvalidRequest, match="initialPrompt is required"):
        await create_worktree(registered, NewWorktree(mode="prompt"), settings)


async def test_templates_applied_with_worktree_numbers(
    registered: Repository, repo: Path, settings: Settings
) -> None:
    """Templates land in each new worktree; WORKTREE_NUM is the lowest free number, reused."""
    (repo / ".gitignore").write_text(".env\n")  # as real projects do, so the worktree stays clean
    commit_all(repo)
    (repo / ".agent-console").mkdir()
    (repo / ".agent-console" / ".env").write_text(
        "PORT={{WORKTREE_NUM + 3000}}\nB={{BRANCH}}\nR={{REPO}}\nP={{WORKTREE_PATH}}\n"
    )
    one = await create_worktree(registered, custom("one"), settings)
    two = await create_worktree(registered, custom("two"), settings)
    assert (one.worktree_num, two.worktree_num) == (1, 2) and one.template_files == [".env"]
    env = (Path(two.worktree.path) / ".env").read_text()
    assert env == f"PORT=3002\nB=two\nR=project\nP={two.worktree.path}\n"
    await delete_worktree(registered, one.worktree.path)
    three = await create_worktree(registered, custom("three"), settings)
    assert three.worktree_num == 1
    assert (Path(three.worktree.path) / ".env").read_text().startswith("PORT=3001\n")


async def test_data_dir_templates_when_repository_has_none(
    registered: Repository, settings: Settings
) -> None:
    """Without .agent-console/, the data directory's per-repository templates folder is used."""
    folder = settings.templates_dir / registered.id
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("{{BRANCH}}")
    created = await create_worktree(registered, custom("x"), settings)
    assert (Path(created.worktree.path) / "notes.txt").read_text() == "x"


async def test_bad_template_leaves_nothing_behind(
    registered: Repository, repo: Path, settings: Settings
) -> None:
    """A template that cannot be applied undoes the worktree and its new branch."""
    (repo / ".agent-console").mkdir()
    (repo / ".agent-console" / "bad.txt").write_text("{{WORKTREE_NUM / 0}}")
    with pytest.raises(InvalidRequest, match="division by zero"):
        await create_worktree(registered, custom("doomed"), settings)
    assert len(await list_worktrees(registered)) == 1
    assert "doomed" not in git(repo, "branch", "--list")
    assert not list(worktree_root(registered, settings).iterdir())


@pytest.mark.parametrize(
    "request_fields",
    [{"mode": "custom", "branch": "--upload-pack=touch sentinel"},
     {"mode": "custom", "branch": "-c core.sshCommand=touch sentinel"},
     {"mode": "custom", "branch": "$(touch sentinel)"},
     {"mode": "custom", "branch": "a..b"},
     {"mode": "custom", "branch": "two words"},
     {"mode": "custom", "branch": "new\nline"},
     {"mode": "custom", "branch": "ok", "base_branch": "--upload-pack=touch sentinel"},
     {"mode": "custom", "branch": "ok", "base_branch": "main..HEAD"},
     {"mode": "existing", "branch": "-b"},
     {"mode": "prompt", "initial_prompt": "x", "base_branch": "-c core.x=y"}],
)  # fmt: skip
async def test_hostile_names_refused_without_running_git(
    registered: Repository,
    repo: Path,
    settings: Settings,
    git_spy: Path,
    request_fields: dict[str, str],
) -> None:
    """Hostile branch and base names are 400s before any git process runs; nothing is created."""
    with pytest.raises(InvalidRequest):
        await create_worktree(registered, NewWorktree.model_validate(request_fields), settings)
    assert git_spy.read_text() == ""
    assert not (repo / "sentinel").exists() and not Path("sentinel").exists()


async def test_shell_syntax_in_a_valid_name_is_inert(
    registered: Repository, repo: Path, settings: Settings
) -> None:
    """A git-valid name full of shell syntax is just a name: the branch exists, nothing ran."""
    name = "$(touch${IFS}sentinel)"
    created = await create_worktree(registered, custom(name), settings)
    assert created.worktree.branch == name
    assert git(repo, "rev-parse", "--verify", f"refs/heads/{name}")
    assert (
        not (repo / "sentinel").exists() and not (Path(created.worktree.path) / "sentinel").exists()
    )


# --- deleting, renaming, checking -------------------------------------------------------------


async def test_delete_clean_and_dirty_worktrees(registered: Repository, settings: Settings) -> None:
    """A clean worktree is removed; a dirty one is a 409 until force; the branch stays."""
    clean = await create_worktree(registered, custom("clean"), settings)
    dirty = await create_worktree(registered, custom("dirty"), settings)
    (Path(dirty.worktree.path) / "scratch.txt").write_text("unsaved")
    removed = await delete_worktree(registered, clean.worktree.path)
    assert removed.branch == "clean" and not Path(clean.worktree.path).exists()
    with pytest.raises(Conflict, match="force"):
        await delete_worktree(registered, dirty.worktree.path)
    assert (Path(dirty.worktree.path) / "scratch.txt").exists()
    await delete_worktree(registered, dirty.worktree.path, force=True)
    assert not Path(dirty.worktree.path).exists()
    assert [w.branch for w in await list_worktrees(registered)] == ["main"]
    assert "clean" in git(Path(registered.path), "branch", "--list")


async def test_delete_refusals(registered: Repository, repo: Path, tmp_path: Path) -> None:
    """The main worktree is a 400; a path that is not one of its worktrees is a 404."""
    with pytest.raises(InvalidRequest, match="main worktree"):
        await delete_worktree(registered, str(repo))
    for path in (str(tmp_path), "relative", "--force"):
        with pytest.raises(NotFound):
            await delete_worktree(registered, path)


async def test_delete_worktree_whose_folder_vanished(
    registered: Repository, settings: Settings
) -> None:
    """A worktree whose folder was removed by hand can still be deleted (git's record pruned)."""
    created = await create_worktree(registered, custom("gone"), settings)
    shutil.rmtree(created.worktree.path)
    await delete_worktree(registered, created.worktree.path)
    assert "gone" not in git(Path(registered.path), "worktree", "list")


async def test_rename_branch(registered: Repository, repo: Path, settings: Settings) -> None:
    """A worktree's branch is renamed in git; taken, missing and invalid names are refused."""
    created = await create_worktree(registered, custom("old-name"), settings)
    path = created.worktree.path
    assert await rename_branch(path, "old-name", "new-name") == "new-name"
    assert git(Path(path), "rev-parse", "--abbrev-ref", "HEAD") == "new-name"
    with pytest.raises(Conflict, match="already exists"):
        await rename_branch(path, "new-name", "main")
    with pytest.raises(NotFound, match="does not exist"):
        await rename_branch(path, "old-name", "whatever")
    with pytest.raises(InvalidRequest, match="invalid branch name"):
        await rename_branch(path, "new-name", "--upload-pack=x")


@pytest.mark.parametrize("new", ["--upload-pack=touch sentinel", "-c x=y", "$(touch sentinel)",
                                 "a..b", "with space", "new\nline"])  # fmt: skip
async def test_hostile_rename_refused_without_running_git(
    repo: Path, git_spy: Path, new: str
) -> None:
    """A hostile new branch name is a 400 before any git process runs."""
    with pytest.raises(InvalidRequest, match="invalid branch name"):
        await rename_branch(str(repo), "main", new)
    assert git_spy.read_text() == "" and not (repo / "sentinel").exists()


async def test_check_location(registered: Repository, repo: Path, settings: Settings) -> None:
    """A session location is fine, then reported when its branch, repository or folder goes."""
    created = await create_worktree(registered, custom("checked"), settings)
    path = created.worktree.path
    assert await check_location(path, "checked") is None
    assert await check_location(path) is None
    git(Path(path), "checkout", "-q", "--detach")
    git(repo, "branch", "-D", "checked")
    problem = await check_location(path, "checked")
    assert problem and problem.reason == "branch-missing" and "checked" in problem.message
    shutil.rmtree(repo / ".git")
    problem = await check_location(str(repo), "main")
    assert problem and problem.reason == "not-a-repository"
    shutil.rmtree(path)
    problem = await check_location(path, "checked")
    assert problem and problem.reason == "directory-missing"
