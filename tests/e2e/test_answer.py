"""Answering an asking agent from the dashboard, on a phone and on a desktop: its card shows the
question and its choices as buttons, inside the card; Allow answers it and the agent goes on."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, expect

from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory, login
from tests.e2e.terminal import wait_for_text, wait_ready
from tests.harness import Server, create_session, eventually, fake_agent_fields


def within_width(inner: Locator, outer: Locator) -> bool:
    """`inner` lies across no more than `outer`'s width (not beside it, cut off)."""
    a, b = inner.bounding_box(), outer.bounding_box()
    assert a is not None and b is not None
    return b["x"] <= a["x"] and a["x"] + a["width"] <= b["x"] + b["width"]


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_allow_on_the_dashboard_answers_the_question(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path, phone: bool
) -> None:
    """The fake agent asks (a message queued for it says `ask`); its dashboard card shows the
    question with Allow and Deny below the worker's line, within the card; Allow types the
    answer and the agent continues."""
    agent = api.post("/api/agents", json=fake_agent_fields("Asker")).json()["agent"]
    session = create_session(api, tmp_path, agentId=agent["id"], title="asks")
    viewport = PHONE if phone else DESKTOP
    page = login(new_context(viewport=viewport, has_touch=phone, is_mobile=phone), server)
    card = page.locator(".session-card", has_text="asks")
    worker = session["workers"][0]["id"]
    queued = api.post(f"/api/sessions/{session['id']}/workers/{worker}/queue", json={"text": "ask"})
    assert queued.status_code == 201, queued.text
    question = card.get_by_test_id("question")
    expect(question).to_contain_text("Do you want to proceed?", timeout=30_000)
    expect(question.get_by_role("button", name="Deny")).to_be_visible()
    assert within_width(question, card.locator(".worker-row")), "the question is beside its worker"
    allow = question.get_by_role("button", name="Allow")
    if phone:
        allow.tap()
    else:
        allow.click()
    expect(question).to_have_count(0)
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    wait_for_text(page, r"answered 'y'")
    note = page.locator(".terminal-note", has_text="answered from the console at")
    expect(note).to_be_visible()  # beside the line, not written over the agent's screen
    expect(note).to_contain_text("Yes (via keys)")


def test_allow_under_needs_you_answers_the_question(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """The asking agent's line under "Needs you" has the same buttons, within the line: Allow
    there answers the question and the agent goes on."""
    agent = api.post("/api/agents", json=fake_agent_fields("Asker")).json()["agent"]
    session = create_session(api, tmp_path, agentId=agent["id"], title="asks")
    worker = session["workers"][0]["id"]
    page = login(new_context(viewport=DESKTOP), server)
    queued = api.post(f"/api/sessions/{session['id']}/workers/{worker}/queue", json={"text": "ask"})
    assert queued.status_code == 201, queued.text
    need = page.get_by_test_id("needs-you").locator(f'.need[data-worker-id="{worker}"]')
    question = need.get_by_test_id("question")
    expect(question).to_contain_text("Do you want to proceed?", timeout=30_000)
    assert within_width(question, need), "the question is not within its line"
    question.get_by_role("button", name="Allow").click()
    expect(question).to_have_count(0)
    history = f"/api/sessions/{session['id']}/workers/{worker}/history?end={2**53}"
    eventually(lambda: "answered 'y'" in api.get(history).json()["data"], what="the answer")
