"""Answering an asking agent from the dashboard on a phone: its card shows the question and
its choices as buttons; Allow answers it and the agent goes on."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, ContextFactory, login
from tests.e2e.terminal import wait_for_text, wait_ready
from tests.harness import Server, create_session, fake_agent_fields


def test_allow_on_the_phone_dashboard_answers_the_question(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """The fake agent asks (a message queued for it says `ask`); the phone's dashboard card
    shows the question with Allow and Deny; Allow types the answer and the agent continues."""
    agent = api.post("/api/agents", json=fake_agent_fields("Asker")).json()["agent"]
    session = create_session(api, tmp_path, agentId=agent["id"], title="from the phone")
    page = login(new_context(viewport=PHONE, has_touch=True, is_mobile=True), server)
    card = page.locator(".session-card", has_text="from the phone")
    worker = session["workers"][0]["id"]
    queued = api.post(f"/api/sessions/{session['id']}/workers/{worker}/queue", json={"text": "ask"})
    assert queued.status_code == 201, queued.text
    question = card.get_by_test_id("question")
    expect(question).to_contain_text("Do you want to proceed?", timeout=30_000)
    expect(question.get_by_role("button", name="Deny")).to_be_visible()
    question.get_by_role("button", name="Allow").tap()
    expect(question).to_have_count(0)
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    wait_for_text(page, r"answered 'y'")
    note = page.locator(".terminal-note", has_text="answered from the console at")
    expect(note).to_be_visible()  # beside the line, not written over the agent's screen
    expect(note).to_contain_text("Yes (via keys)")
