"""Restarting an agent in the browser: the conversation continues unless the user asks for a fresh
one, and an agent that is working is not restarted without a confirmation."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.terminal import count, run, wait_for_text, wait_ready
from tests.harness import Server, create_session, fake_agent_fields

CONTINUED = r"argv=\['--continue'\]"
FRESH = r"argv=\[\]"


def open_agent(page: Page, server: Server, api: httpx.Client, tmp_path: Path) -> None:
    agent = api.post("/api/agents", json=fake_agent_fields()).json()["agent"]
    session = create_session(api, tmp_path, agentId=agent["id"])
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    wait_for_text(page, FRESH)


def test_toolbar_restart_continues_and_restart_fresh_does_not(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """The toolbar's Restart relaunches with the continue template; "Restart fresh" without it."""
    open_agent(page, server, api, tmp_path)
    page.get_by_role("button", name="Restart", exact=True).click()
    wait_for_text(page, CONTINUED)
    # A relaunch's banner can read as work on a loaded machine; "working" would (rightly) ask.
    expect(page.locator(".tab.active .mark")).not_to_have_attribute("data-state", "working")
    page.get_by_role("button", name="More ways to restart").click()
    page.get_by_role("menuitem", name="Restart fresh").click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.terminal-pane:not(.hidden) .xterm-rows > div')]
            .filter(r => r.textContent.includes('argv=[]')).length === 2"""
    )
    assert count(page, CONTINUED) == 1


def test_exit_bar_restart_continues_the_conversation(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """After the agent exits, the exit bar's Restart continues; Restart fresh is beside it."""
    open_agent(page, server, api, tmp_path)
    run(page, "exit 3")
    bar = page.get_by_test_id("exit-bar")
    expect(bar.get_by_role("button", name="Restart fresh")).to_be_visible()
    bar.get_by_role("button", name="Restart", exact=True).click()
    expect(bar).to_have_count(0)
    wait_for_text(page, CONTINUED)


def test_restarting_a_working_agent_asks_first(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """While the agent works, Restart opens a confirmation; Cancel leaves it running."""
    open_agent(page, server, api, tmp_path)
    run(page, "work 2000")
    expect(page.locator(".tab.active .mark")).to_have_attribute("data-state", "working")
    page.get_by_role("button", name="Restart", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("is working right now")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert count(page, CONTINUED) == 0
    page.get_by_role("button", name="Restart", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Restart", exact=True).click()
    wait_for_text(page, CONTINUED)
