"""A new session, faster (issue 12 item 7), in all four looks (desktop and phone, dark and
light): the directory field suggests registered repositories, their worktrees and recent
directories, `~` is the server's home, and a quick session in a repository's main checkout shows
under it."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import Look
from tests.e2e.terminal import wait_ready
from tests.gitrepo import make_repo
from tests.harness import Server, create_session


@pytest.fixture
def server(shared_server: Server) -> Server:
    """One server for this module's tests, cleared after each."""
    return shared_server


def test_directory_suggestions_and_a_quick_session_under_its_repository(
    seen: Page, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """The field lists the repository's main checkout, its worktree and a recent directory;
    picking the checkout starts a quick session that the dashboard shows under the repository;
    `~/proj` suggests the home's folder `~/projects`, where the next session starts."""
    repo = make_repo(tmp_path / "billing", {"README.md": "x\n"})
    rid = api.post("/api/repositories", json={"path": str(repo)}).json()["repository"]["id"]
    api.post(f"/api/repositories/{rid}/worktrees", json={"mode": "custom", "branch": "fix/tax"})
    (tmp_path / "scratch").mkdir()
    old = create_session(api, tmp_path / "scratch", title="earlier")
    api.delete(f"/api/sessions/{old['id']}")
    recent = create_session(api, tmp_path / "scratch", title="still here")
    page = seen
    expect(page.locator(".session-card", has_text="still here")).to_be_visible()

    page.get_by_test_id("new-session").click()
    field = page.get_by_role("combobox", name="Directory")
    field.click()
    options = page.get_by_role("listbox", name="Suggested directories").get_by_role("option")
    expect(options.filter(has_text="billing · main checkout")).to_have_count(1)
    expect(options.filter(has_text="billing · fix/tax")).to_have_count(1)
    expect(options.filter(has_text=str(tmp_path / "scratch"))).to_contain_text("recent")
    assert_accessible(page, "the directory suggestions")
    field.fill("billing")
    expect(options).to_have_count(2)
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value(str(repo))
    page.get_by_role("dialog").get_by_label("Title").fill("in the checkout")
    page.get_by_role("button", name="Start session").click()
    expect(page).to_have_url(re.compile(r"/sessions/[\w-]+$"))
    wait_ready(page)

    page.goto(server.base_url + "/")
    main = page.locator(f'.repo-group[data-repository-id="{rid}"] .worktree[data-branch="main"]')
    expect(main.locator(".session-card", has_text="in the checkout")).to_be_visible()
    expect(
        page.locator('[data-group="quick"] .session-card', has_text="in the checkout")
    ).to_have_count(0)
    expect(
        page.locator('[data-group="quick"] .session-card', has_text="still here")
    ).to_be_visible()
    assert recent["locationPath"] == str(tmp_path / "scratch")

    home = Path(server.env["HOME"])
    (home / "projects").mkdir(exist_ok=True)
    page.get_by_test_id("new-session").click()
    field = page.get_by_role("combobox", name="Directory")
    field.fill("~/proj")
    folder = options.filter(has_text="folder")
    expect(folder).to_contain_text("projects")
    folder.click()
    expect(field).to_have_value("~/projects")
    page.get_by_role("dialog").get_by_label("Title").fill("at home")
    page.get_by_role("button", name="Start session").click()
    expect(page).to_have_url(re.compile(r"/sessions/[\w-]+$"))
    sessions = api.get("/api/sessions").json()["sessions"]
    at_home = [s["locationPath"] for s in sessions if s["title"] == "at home"]
    assert at_home == [str(home / "projects")]
