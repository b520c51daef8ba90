"""Repositories, worktrees and the diff review in the browser against a real server (issue 5)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.gitrepo import git, make_repo
from tests.harness import Server, fake_agent_fields


def repo_section(page: Page, name: str) -> Locator:
    return page.locator(".repo-group", has=page.get_by_role("heading", name=name, exact=True))


def add_repository_in_ui(page: Page, path: Path) -> Locator:
    page.get_by_test_id("add-repository").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Repository path").fill(str(path))
    dialog.get_by_role("button", name="Add repository").click()
    expect(dialog).to_have_count(0)
    return repo_section(page, path.name)


def worktree_session(api: httpx.Client, branch: str) -> dict[str, Any]:
    sessions = api.get("/api/sessions").json()["sessions"]
    return next(s for s in sessions if s.get("worktreeId") == branch)


def test_add_repository_create_worktree_with_agent_and_follow_its_diff(
    page: Page, api: httpx.Client, tmp_path: Path
) -> None:
    """Add a repository and a worktree with an agent from the UI; the session shows under the
    worktree, and a file changed in the worktree shows up in the Diff tab without a reload."""
    api.post("/api/agents", json=fake_agent_fields("Fake Agent")).raise_for_status()
    repo = make_repo(tmp_path / "shop", {"app.py": 'def total():\n    return "1"\n'})
    page.reload()  # the agent list is read once per page load

    page.get_by_test_id("add-repository").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Repository path").fill(str(tmp_path / "nowhere"))
    dialog.get_by_role("button", name="Add repository").click()
    expect(dialog.locator(".field-error")).to_contain_text("does not exist")
    dialog.get_by_label("Repository path").fill(str(repo))
    dialog.get_by_role("button", name="Add repository").click()
    section = repo_section(page, "shop")
    expect(section.locator('.worktree[data-branch="main"]')).to_contain_text("main worktree")

    section.get_by_role("button", name="New worktree").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Branch name").fill("feature/totals")
    expect(dialog.get_by_label("Base branch")).to_have_value("main")
    dialog.get_by_label("Start a session").select_option(label="Fake Agent")
    dialog.get_by_label("Session title").fill("totals work")
    dialog.get_by_role("button", name="Create worktree").click()
    expect(page.get_by_test_id("worktree-created")).to_contain_text("feature/totals")
    dialog.get_by_role("button", name="Done").click()

    worktree = section.locator('.worktree[data-branch="feature/totals"]')
    card = worktree.locator(".session-card", has_text="totals work")
    expect(card.locator(".worker-row")).to_contain_text("Fake Agent")
    location = Path(worktree_session(api, "feature/totals")["locationPath"])
    expect(worktree).to_have_attribute("data-worktree-path", str(location))

    card.locator(".card-title").click()
    expect(page.get_by_test_id("session-branch")).to_contain_text("feature/totals")
    page.get_by_test_id("open-diff").click()
    expect(page.get_by_test_id("no-changes")).to_be_visible()

    (location / "app.py").write_text('def total():\n    return "2"  # fixed\n')
    changed = page.locator('.diff-file[data-path="app.py"]')
    expect(changed.locator(".code.add")).to_contain_text('return "2"  # fixed')
    expect(changed.locator(".code.add .tok-comment")).to_have_text("# fixed")
    expect(changed.locator(".code.del")).to_contain_text('return "1"')

    (location / "notes.txt").write_text("remember\n")
    added = page.locator('.diff-file[data-path="notes.txt"]')
    expect(added.locator(".status-mark")).to_have_text("A")
    expect(page.locator(".diff-summary")).to_contain_text("2 files")

    page.get_by_role("button", name="Side by side").click()
    row = changed.locator("table.split tr.pair", has=page.locator(".code.del"))
    expect(row.locator(".code.add")).to_contain_text('return "2"')


def test_branch_rename_base_commit_and_worktree_deletion(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """The branch is renamed from the session page and a bad name shows git's refusal; a bad base
    commit is refused; a dirty worktree is deleted only through "delete anyway"."""
    repo = make_repo(tmp_path / "lib")
    rid = api.post("/api/repositories", json={"path": str(repo)}).json()["repository"]["id"]
    body = {"mode": "custom", "branch": "topic", "autoStartSession": True, "title": "topic work"}
    made = api.post(f"/api/repositories/{rid}/worktrees", json=body).json()
    session, location = made["session"], Path(made["worktree"]["path"])

    page.goto(f"{server.base_url}/sessions/{session['id']}")
    page.get_by_role("button", name="Rename branch").click()
    page.get_by_label("Branch name").fill("main")
    page.get_by_role("button", name="Rename", exact=True).click()
    expect(page.locator(".branch-edit .field-error")).to_contain_text("already exists")
    page.get_by_label("Branch name").fill("topic-renamed")
    page.get_by_label("Branch name").press("Enter")
    expect(page.get_by_test_id("session-branch")).to_contain_text("topic-renamed")
    assert git(location, "branch", "--show-current") == "topic-renamed"

    page.get_by_test_id("open-diff").click()
    expect(page.get_by_test_id("no-changes")).to_be_visible()
    page.get_by_role("button", name="Change base commit").click()
    page.get_by_label("Base commit").fill("no-such-commit")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".base-edit .field-error")).to_contain_text("does not name a commit")

    (location / "dirty.txt").write_text("uncommitted\n")
    page.get_by_role("link", name="Sessions", exact=True).click()
    section = repo_section(page, "lib")
    section.get_by_role("button", name="Delete worktree topic-renamed").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Delete worktree").click()
    expect(dialog.get_by_role("alert")).to_contain_text(re.compile("force"))
    dialog.get_by_role("button", name=re.compile("Delete anyway")).click()
    expect(section.locator(".worktree")).to_have_count(1)
    expect(page.locator(".session-card", has_text="topic work")).to_have_count(0)
    assert not location.exists()


def test_invalid_session_is_listed_with_its_reason_and_removed(
    page: Page, api: httpx.Client, tmp_path: Path
) -> None:
    """A worktree session whose branch was deleted behind the console's back is listed as broken,
    with the reason, and its Remove button deletes it."""
    repo = make_repo(tmp_path / "tool")
    rid = api.post("/api/repositories", json={"path": str(repo)}).json()["repository"]["id"]
    body = {"mode": "custom", "branch": "doomed", "autoStartSession": True, "title": "doomed work"}
    made = api.post(f"/api/repositories/{rid}/worktrees", json=body).json()
    location = Path(made["worktree"]["path"])
    git(location, "checkout", "-q", "--detach")
    git(location, "branch", "-D", "doomed")

    page.reload()
    problems = page.get_by_test_id("invalid-sessions")
    problem = problems.locator(".problem", has_text="doomed work")
    expect(problem.locator("[data-reason]")).to_have_text("branch missing")
    problem.get_by_role("button", name="Remove session").click()
    expect(problems).to_have_count(0)
    assert api.get(f"/api/sessions/{made['session']['id']}").status_code == 404


def test_prompt_mode_names_the_branch_and_a_session_starts_in_it(
    page: Page, tmp_path: Path
) -> None:
    """A worktree created from a prompt gets a branch named after it, the dialog says how and why,
    and a session started later on that worktree is a worktree session on its branch."""
    add_repository_in_ui(page, make_repo(tmp_path / "site"))
    section = repo_section(page, "site")
    section.get_by_role("button", name="New worktree").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("From a prompt").click()
    dialog.get_by_role("button", name="Create worktree").click()
    expect(dialog.locator(".field-error")).to_contain_text("Describe the task")
    dialog.get_by_label("What should be done?").fill("Add a dark mode toggle")
    dialog.get_by_label("Start a session").select_option(label="No session")
    dialog.get_by_role("button", name="Create worktree").click()
    summary = page.get_by_test_id("worktree-created")
    expect(summary).to_contain_text("add-a-dark-mode-toggle")
    expect(summary.locator("[data-branch-source]")).to_have_attribute(
        "data-branch-source", "prompt-slug"
    )
    expect(page.get_by_test_id("branch-reason")).not_to_be_empty()
    dialog.get_by_role("button", name="Done").click()
    expect(section.locator(".worktree")).to_have_count(2)

    section.get_by_role("button", name="New session on add-a-dark-mode-toggle").click()
    page.get_by_role("dialog").get_by_role("button", name="Start session").click()
    expect(page).to_have_url(re.compile(r"/sessions/[\w-]+$"))
    expect(page.get_by_test_id("session-branch")).to_contain_text("add-a-dark-mode-toggle")
