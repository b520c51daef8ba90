"""Attention from any page: desktop notifications, one per real change, that open the worker."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ContextFactory, login
from tests.e2e.terminal import send_input
from tests.harness import Server, create_session, fake_agent_fields

# Records notifications instead of showing them (the page's own code runs unchanged).
FAKE_NOTIFICATION = """
window.__notes = [];
window.Notification = class {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) {
    this.title = title;
    this.tag = options && options.tag;
    this.onclick = null;
    window.__notes.push(this);
  }
  close() {}
};
"""


def notes(page: Page) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate(
        "() => window.__notes.map(n => ({title: n.title, tag: n.tag}))"
    )
    return result


def type_into_worker(page: Page, text: str) -> None:
    page.locator(".terminal-pane:not(.hidden) .terminal-host").click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_one_notification_per_change_and_click_opens_worker(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Asking, then finishing, notify once each on another page (the one that asked it is closed
    before it finishes, or it would have seen it); clicking opens that worker."""
    agent = api.post("/api/agents", json=fake_agent_fields("Helper")).json()["agent"]
    session = create_session(api, tmp_path, agentId=agent["id"], title="watched")
    worker_id = session["workers"][0]["id"]
    watcher_context = new_context()
    watcher_context.add_init_script(FAKE_NOTIFICATION)
    watcher = login(watcher_context, server)
    expect(watcher.locator(".session-card", has_text="watched")).to_be_visible()
    driver = login(new_context(), server)
    driver.goto(f"{server.base_url}/sessions/{session['id']}")
    driver.locator(".terminal-host[data-offset]").wait_for()

    type_into_worker(driver, "ask")
    watcher.wait_for_function("() => window.__notes.length >= 1")
    # Answered from elsewhere: a page showing the worker as it finishes would have seen it.
    driver.close()
    answer = api.post(f"/api/sessions/{session['id']}/workers/{worker_id}/answer",
                      json={"decision": "allow"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    watcher.wait_for_function("() => window.__notes.length >= 2")
    expect(watcher).to_have_title("(1) done — Agent Console")
    assert notes(watcher) == [
        {
            "title": "Helper is asking for input",
            "tag": f"agent-console:asking:{session['id']}/{worker_id}",
        },
        {
            "title": "Helper has finished",
            "tag": f"agent-console:finished:{session['id']}/{worker_id}",
        },
    ]

    watcher.evaluate("() => window.__notes[1].onclick()")
    expect(watcher).to_have_url(re.compile(rf"/sessions/{session['id']}/workers/{worker_id}$"))
    expect(watcher).to_have_title("watched · Agent Console")
    assert len(notes(watcher)) == 2


def test_the_header_counts_show_whole_at_every_window_width(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """From a wide screen down to a phone's, the header's count of failed agents shows whole
    (with its word, or as glyph and number where the words do not fit, still named "1 failed"
    for a screen reader) and nothing in the header goes past the window's edge."""
    session = create_session(api, tmp_path)
    send_input(server, session["id"], session["workers"][0]["id"], "exit 4\r")  # unseen
    page = login(new_context(), server)
    badge = page.locator(".attention-links .badge")
    expect(badge).to_have_count(1)
    for width in (1440, 1280, 1100, 1000, 900, 800, 701):
        page.set_viewport_size({"width": width, "height": 700})
        expect(badge).to_contain_text("1")
        expect(page.locator(".attention-link")).to_have_accessible_name(re.compile(r"1\s+failed"))
        box, room = badge.bounding_box(), page.locator(".attention-links").bounding_box()
        assert box is not None and room is not None
        assert room["x"] <= box["x"] and box["x"] + box["width"] <= room["x"] + room["width"], (
            f"at {width}px the count is cut off: {box} in {room}"
        )
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"at {width}px the page is {wide}px wide"
