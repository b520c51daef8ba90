"""Accessibility (issue 12 item 6), in all four looks (desktop and phone, dark and light): dialogs
keep the focus and give it back, xterm's screen-reader mode can be switched on, and axe-core finds
no WCAG A/AA problem — colour contrast of all text included — on any page."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import Look
from tests.e2e.terminal import run, send_input, wait_for_text, wait_ready
from tests.e2e.ui import open_palette
from tests.gitrepo import make_repo
from tests.harness import Server, create_session, fake_agent_fields, found


@pytest.fixture
def server(shared_server: Server) -> Server:
    """One server for this module's tests, cleared after each."""
    return shared_server


def focus_in_dialog(page: Page) -> bool:
    return bool(page.evaluate("() => !!document.activeElement?.closest('[role=dialog]')"))


def test_dialogs_keep_the_focus_and_give_it_back(
    seen: Page, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Tab and Shift+Tab cycle inside a dialog; closing it (Esc, Cancel) puts the focus back on the
    button that opened it."""
    create_session(api, tmp_path, title="kept")
    page = seen
    opener = page.get_by_test_id("new-session")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="New session")
    expect(dialog.get_by_label("Directory")).to_be_focused()
    for key in ["Tab"] * 9 + ["Shift+Tab"] * 9:
        page.keyboard.press(key)
        assert focus_in_dialog(page), key
    expect(dialog.get_by_label("Directory")).to_be_focused()
    expect(dialog.get_by_role("listbox", name="Suggested directories")).to_be_visible()
    page.keyboard.press("Escape")  # first the suggestions close, then the dialog
    expect(dialog.get_by_role("listbox")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(opener).to_be_focused()

    delete = page.locator(".session-card", has_text="kept").get_by_role(
        "button", name="Delete session"
    )
    delete.focus()
    page.keyboard.press("Enter")
    confirm = page.get_by_role("dialog", name="Delete session?")
    expect(confirm.get_by_role("button", name="Stop and delete")).to_be_focused()
    confirm.get_by_role("button", name="Cancel").click()
    expect(delete).to_be_focused()


def test_screen_reader_mode_is_a_lasting_switch(
    seen: Page, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Switched on in the shortcut list, terminals expose their screen as text for screen readers;
    it stays on after a reload."""
    session = create_session(api, tmp_path)
    page = seen
    page.get_by_test_id("open-help").click()
    page.get_by_role("checkbox", name=re.compile("Screen reader mode")).check()
    page.keyboard.press("Escape")
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    run(page, "echo spoken-$((6*7))")
    tree = page.locator(".terminal-pane:not(.hidden) .xterm-accessibility-tree")
    expect(tree).to_contain_text("spoken-42")
    page.reload()
    wait_ready(page)
    expect(tree).to_have_count(1)
    open_palette(page, look)
    page.keyboard.type("screen reader mode off")
    page.keyboard.press("Enter")
    expect(tree).to_have_count(0)


def test_every_page_passes_axe_in_this_look(
    seen: Page, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """In all four looks — dashboard (cards, list, wall), session page, diff review, agents page,
    search results, every dialog, the palette and the shortcut list: no WCAG 2.1 A/AA
    violation, contrast too."""
    agent = api.post("/api/agents", json=fake_agent_fields("Checker")).json()["agent"]
    repo = make_repo(tmp_path / "shop", {"app.py": "print('hi')\n"})
    rid = api.post("/api/repositories", json={"path": str(repo)}).json()["repository"]["id"]
    body = {
        "mode": "custom",
        "branch": "feat/cart",
        "autoStartSession": True,
        "agentId": agent["id"],
        "title": "cart",
    }
    created = api.post(f"/api/repositories/{rid}/worktrees", json=body).json()
    (Path(created["worktree"]["path"]) / "app.py").write_text("print('hello')\n")
    session = created["session"]
    diff = api.post(f"/api/sessions/{session['id']}/workers", json={"type": "git-diff"}).json()[
        "worker"
    ]
    send_input(server, session["id"], session["workers"][0]["id"], "ask\r")
    failed = create_session(api, tmp_path, title="failing shell")
    page = seen
    page.goto(f"{server.base_url}/sessions/{failed['id']}")
    wait_ready(page)
    run(page, "exit 4")
    expect(page.get_by_test_id("exit-bar")).to_be_visible()
    assert_accessible(page, "a session page with an exited terminal")

    page.goto(server.base_url + "/")
    expect(page.locator(".badge[data-state=asking]").first).to_be_visible()
    assert_accessible(page, "the dashboard's cards")
    for view in ("List", "Wall"):
        page.get_by_role("group", name="View").get_by_role("button", name=view).click()
        assert_accessible(page, f"the dashboard's {view.lower()}")
    page.get_by_role("group", name="View").get_by_role("button", name="Cards").click()
    for opener, name in [
        (page.get_by_test_id("new-session"), "New session"),
        (page.get_by_test_id("add-repository"), "Add repository"),
        (
            page.locator(".repo-group")
            .get_by_role("button", name=re.compile("worktree", re.I))
            .first,
            "New worktree",
        ),
        (page.get_by_test_id("open-help"), "Keyboard shortcuts"),
        (page.get_by_test_id("open-palette").locator("visible=true"), "Go to"),
    ]:
        opener.click()
        expect(page.get_by_role("dialog", name=re.compile(name))).to_be_visible()
        assert_accessible(page, f"the {name} dialog")
        page.keyboard.press("Escape")
        if page.get_by_role("dialog").count() > 0:
            page.keyboard.press("Escape")  # the first one closed the directory's suggestions
        expect(page.get_by_role("dialog")).to_have_count(0)

    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    wait_for_text(page, r"Do you want to proceed")
    expect(page.get_by_test_id("answer-bar")).to_be_visible()  # its buttons are checked too
    assert_accessible(page, "the session page with an asking agent")
    page.goto(f"{server.base_url}/sessions/{session['id']}/workers/{diff['id']}")
    expect(page.locator(".diff-file").first).to_be_visible()
    assert_accessible(page, "the diff review")
    page.goto(f"{server.base_url}/agents")
    expect(page.locator(".agent-card").first).to_be_visible()
    assert_accessible(page, "the agents page")
    found(api, "exit 4")
    page.goto(f"{server.base_url}/search?q=exit+4")
    expect(page.locator(".search-hit mark").first).to_be_visible()
    assert_accessible(page, "the search page with results")
