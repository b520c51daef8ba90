"""Queueing a message for a busy agent in the browser: shown under its terminal, editable and
cancellable, typed into the agent when it goes idle."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.terminal import run, wait_for_text, wait_ready
from tests.harness import Server, create_session, fake_agent_fields


def queue_message(page: Page, text: str) -> None:
    queue = page.get_by_test_id("queue")
    if queue.get_by_role("textbox", name="Message to queue").count() == 0:
        queue.get_by_role("button", name="Queue a message for when it is idle…").click()
    queue.get_by_role("textbox", name="Message to queue").fill(text)
    queue.get_by_role("button", name="Queue", exact=True).click()


def test_a_queued_message_is_delivered_when_the_agent_goes_idle(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Messages queued while the agent works are listed under its terminal; one is edited, one
    cancelled; the agent gets what is left once it is idle, and the list empties."""
    agent = api.post("/api/agents", json=fake_agent_fields()).json()["agent"]
    session = create_session(api, tmp_path, agentId=agent["id"])
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    run(page, "work 160")
    wait_for_text(page, r"working 3")
    queue_message(page, "drop me")
    queue_message(page, "hello from the queue")
    items = page.get_by_test_id("queued-message")
    expect(items).to_have_count(2)
    items.nth(0).get_by_role("button", name="Cancel queued message").click()
    expect(items).to_have_count(1)
    items.nth(0).get_by_role("button", name="Edit queued message").click()
    edit = page.get_by_role("textbox", name="Edit queued message")
    edit.fill("hello, edited")
    edit.press("Enter")
    expect(items.locator(".queue-text")).to_have_text(["hello, edited"])
    wait_for_text(page, r"you said: hello, edited", timeout=30_000)
    expect(items).to_have_count(0)
    expect(
        page.locator(".terminal-note", has_text="queued message delivered: hello, edited")
    ).to_be_visible()
    assert "drop me" not in page.locator(".terminal-pane:not(.hidden)").inner_text()
