"""The keyboard (issue 12 item 2): the palette finds anything by name, the `?` overlay lists every
shortcut, and a focused terminal keeps readline's keys — each in all four looks (desktop and
phone, dark and light)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import Look
from tests.e2e.terminal import run, wait_for_text, wait_ready
from tests.e2e.ui import open_palette
from tests.gitrepo import make_repo
from tests.harness import Server, create_session


@pytest.fixture
def server(shared_server: Server) -> Server:
    """One server for this module's tests, cleared after each."""
    return shared_server


def matches(page: Page) -> Locator:
    return page.get_by_role("listbox", name="Matches")


def test_palette_finds_sessions_workers_repositories_and_branches(
    seen: Page, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Typing part of a name finds a session, a worker, a repository or a branch; Enter opens it."""
    repo = make_repo(tmp_path / "ledger-service", {"README.md": "hi\n"})
    rid = api.post("/api/repositories", json={"path": str(repo)}).json()["repository"]["id"]
    body = {"mode": "custom", "branch": "feature/zebra-report"}
    api.post(f"/api/repositories/{rid}/worktrees", json=body)
    session = create_session(api, tmp_path, title="Quarterly numbers")
    page = seen
    expect(page.locator(".session-card", has_text="Quarterly numbers")).to_be_visible()

    open_palette(page, look, "Control+k")
    page.keyboard.type("quarterly")
    expect(matches(page).get_by_role("option").first).to_contain_text("Quarterly numbers")
    assert_accessible(page, "the palette")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/sessions/{session['id']}$"))

    open_palette(page, look)
    page.keyboard.type("terminal quarterly")
    expect(matches(page).get_by_role("option").first).to_contain_text("Worker")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/workers/{session['workers'][0]['id']}$"))

    open_palette(page, look)
    page.keyboard.type("zebra")
    option = matches(page).get_by_role("option", name=re.compile(r"feature\/zebra-report"))
    expect(option).to_contain_text("Branch")
    option.click()  # a branch with no session yet: start one there
    expect(page.get_by_role("dialog", name="New session on feature/zebra-report")).to_be_visible()
    page.keyboard.press("Escape")

    open_palette(page, look)
    page.keyboard.type("ledger")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(matches(page).get_by_role("option", selected=True)).to_contain_text("Repository")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{server.base_url}/")
    expect(page.get_by_label("Repository", exact=True)).to_have_value(rid)
    expect(page.locator(".session-card", has_text="Quarterly numbers")).to_have_count(0)
    open_palette(page, look, "/")


def test_terminal_keeps_readline_keys_and_gives_up_only_ctrl_shift(
    seen: Page, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Alt+B, Ctrl+K and / reach bash; Ctrl+Shift+K opens the palette and Esc gives the terminal
    its focus back; Ctrl+Shift+L leaves the terminal for its tab."""
    session = create_session(api, tmp_path)
    page = seen
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    run(page, "echo 'ready'")
    wait_for_text(page, r"^ready$")
    page.keyboard.type("echo one two")
    page.keyboard.press("Alt+b")  # readline: back one word
    page.keyboard.type("X")
    page.keyboard.press("Enter")
    wait_for_text(page, r"^one Xtwo$")
    page.keyboard.type("echo keep/ cut")
    for _ in range(4):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Control+k")  # readline: kill to the end of the line
    page.keyboard.press("Enter")
    wait_for_text(page, r"^keep/$")

    page.keyboard.press("Control+Shift+K")
    expect(page.get_by_role("dialog", name="Go to")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator(".xterm-helper-textarea")).to_be_focused()

    page.keyboard.press("Control+Shift+L")
    expect(page.get_by_role("tab", selected=True)).to_be_focused()
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()


def test_shortcut_overlay_lists_every_shortcut_and_traps_focus(
    seen: Page, look: Look, server: Server
) -> None:
    """`?` (or the header's ? button) opens the list; Tab stays inside it; Esc closes it and the
    focus is back on what opened it."""
    page = seen
    opener = page.get_by_test_id("open-help")
    if look.phone:
        opener.click()
    else:
        opener.focus()
        page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    for keys in [
        "Ctrl+K",
        "Ctrl+Shift+L",
        "Ctrl+Shift+K",
        "Ctrl+Shift+Enter",
        "Ctrl+Shift+1…9",
        "N",
    ]:
        expect(dialog.locator("kbd", has_text=re.compile(rf"^{re.escape(keys)}$"))).to_have_count(1)
    expect(dialog).to_contain_text("Leave the terminal")
    assert_accessible(page, "the shortcut list")
    for _ in range(6):
        page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('[role=dialog]')")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => !!document.activeElement.closest('[role=dialog]')")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(opener).to_be_focused()
