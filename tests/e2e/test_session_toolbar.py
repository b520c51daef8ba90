"""The session page's Add menu and its errors: Diff review only where it can work, and an
error shown whole, never cut off in the toolbar."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory, login
from tests.e2e.terminal import wait_ready
from tests.gitrepo import make_repo
from tests.harness import Server, create_session


def test_diff_review_is_offered_only_in_a_git_working_tree(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """In a plain directory the Add menu has no "Diff review"; in a git repository it has."""
    plain = tmp_path / "plain"
    plain.mkdir()
    page = login(new_context(), server)
    for directory, offered in ((plain, 0), (make_repo(tmp_path / "repo"), 1)):
        session = create_session(api, directory)
        page.goto(f"{server.base_url}/sessions/{session['id']}")
        wait_ready(page)
        page.get_by_test_id("add-worker").click()
        expect(page.get_by_role("menuitem", name="Terminal")).to_be_visible()
        expect(page.get_by_role("menuitem", name="Diff review")).to_have_count(offered)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_an_error_from_the_toolbar_is_shown_whole(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path, viewport: str
) -> None:
    """A failed "Add → Terminal" (its directory is gone) shows the whole message, wrapped."""
    gone = tmp_path / "a-directory-with-a-rather-long-name-that-will-be-removed"
    gone.mkdir()
    session = create_session(api, gone)
    page = login(new_context(viewport=DESKTOP if viewport == "desktop" else PHONE), server)
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    shutil.rmtree(gone)
    page.get_by_test_id("add-worker").click()
    page.get_by_role("menuitem", name="Terminal").click()
    error = page.get_by_test_id("session-error")
    expect(error).to_contain_text(gone.name)
    assert error.evaluate(
        "e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right <= innerWidth"
    )
    error.get_by_role("button", name="Dismiss").click()
    expect(error).to_have_count(0)
