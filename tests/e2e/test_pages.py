"""Dashboard, session-page and agents-page actions in the browser against a real server."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.terminal import run, wait_for_text, wait_ready
from tests.harness import Server, create_session


def test_exit_shows_code_and_restart_brings_the_worker_back(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A worker's exit shows its code with a Restart button; Restart runs it again in place."""
    session = create_session(api, tmp_path, title="exits")
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    run(page, "exit 3")
    bar = page.get_by_test_id("exit-bar")
    expect(bar).to_contain_text("exited with code 3")
    bar.get_by_role("button", name="Restart").click()
    expect(bar).to_have_count(0)
    run(page, "echo back-$((3+4))")
    wait_for_text(page, r"^back-7$")


def test_add_terminal_tab_switch_with_keyboard_and_remove(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A second terminal opens as a new tab; Ctrl+Shift+1 in the terminal goes back to the first,
    Alt+2 off it to the second; Remove closes a tab."""
    session = create_session(api, tmp_path)
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    page.get_by_test_id("add-worker").click()
    page.get_by_role("menuitem", name="Terminal").click()
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_count(2)
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    wait_ready(page)
    run(page, "echo second-$((1+1))")
    wait_for_text(page, r"^second-2$")
    page.keyboard.press("Control+Shift+1")
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    expect(page).to_have_url(re.compile(rf"/workers/{session['workers'][0]['id']}$"))
    page.keyboard.press("Control+Shift+L")
    expect(tabs.nth(0)).to_be_focused()
    page.keyboard.press("Alt+2")
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    page.get_by_role("button", name="Remove").click()
    page.get_by_role("button", name="Stop and remove").click()
    expect(tabs).to_have_count(1)
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")


def test_dashboard_rename_and_delete_session(page: Page, api: httpx.Client, tmp_path: Path) -> None:
    """A card's title is edited in place; Delete asks first, then the card goes away."""
    create_session(api, tmp_path, title="old name")
    card = page.locator(".session-card")
    expect(card).to_contain_text("old name")
    card.get_by_role("button", name="Rename session").click()
    title = card.get_by_label("Session title")
    title.fill("new name")
    title.press("Enter")
    expect(card.locator(".card-title")).to_have_text("new name")
    card.get_by_role("button", name="Delete session").click()
    page.get_by_role("button", name="Stop and delete").click()
    expect(page.locator(".session-card")).to_have_count(0)
    assert api.get("/api/sessions").json()["sessions"] == []


def test_agents_page_create_edit_delete_with_field_errors(page: Page) -> None:
    """Custom agents are added, edited and deleted; the server's 400 shows next to its field."""
    page.get_by_role("link", name="Agents").click()
    expect(page.locator(".agent-card", has_text="Claude Code")).to_be_visible()
    page.get_by_role("button", name="New agent").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Echo bot")
    dialog.get_by_label("Command", exact=True).fill("{{prompt}} --go")
    dialog.get_by_label("Asking patterns").fill("Proceed\\?")
    dialog.get_by_role("button", name="Add agent").click()
    command = dialog.locator(".field.invalid", has_text="Command")
    expect(command.locator(".field-error")).to_contain_text("must start with a command")
    dialog.get_by_label("Command", exact=True).fill("/bin/cat {{prompt}}")
    dialog.get_by_label("Asking patterns").fill("(unclosed")
    dialog.get_by_role("button", name="Add agent").click()
    patterns = dialog.locator(".field.invalid", has_text="Asking patterns")
    expect(patterns.locator(".field-error")).to_contain_text("not a valid regular expression")
    dialog.get_by_label("Asking patterns").fill("Proceed\\?")
    dialog.get_by_role("button", name="Add agent").click()
    card = page.locator(".agent-card", has_text="Echo bot")
    expect(card).to_contain_text("/bin/cat {{prompt}}")
    card.get_by_role("button", name="Edit Echo bot").click()
    page.get_by_role("dialog").get_by_label("Name").fill("Echo bot 2")
    page.get_by_role("dialog").get_by_role("button", name="Save").click()
    card = page.locator(".agent-card", has_text="Echo bot 2")
    expect(card).to_be_visible()
    card.get_by_role("button", name="Delete Echo bot 2").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.locator(".agent-card", has_text="Echo bot")).to_have_count(0)
