"""Answering an asking agent from the dashboard and from under its terminal, on a phone and on a
desktop: its card (or the bar under its terminal) shows the question and its choices as buttons;
Allow answers it and the agent goes on."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory, login
from tests.e2e.terminal import ACTIVE, run, send_input, wait_for_text, wait_ready
from tests.harness import Server, create_session, eventually, fake_agent_fields


def within_width(inner: Locator, outer: Locator) -> bool:
    """`inner` lies across no more than `outer`'s width (not beside it, cut off)."""
    a, b = inner.bounding_box(), outer.bounding_box()
    assert a is not None and b is not None
    return b["x"] <= a["x"] and a["x"] + a["width"] <= b["x"] + b["width"]


def press(button: Locator, phone: bool) -> None:
    """Taps `button` on a phone, clicks it on a desktop."""
    if phone:
        button.tap()
    else:
        button.click()


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
    press(question.get_by_role("button", name="Allow"), phone)
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


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_allow_under_the_agents_terminal_answers_it_and_the_terminal_keeps_the_keys(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path, phone: bool
) -> None:
    """On the asking agent's own page (where its notification leads), a bar under its terminal
    names the question and has its buttons, within the page; Allow answers it, the bar goes, and
    what is typed next reaches the agent without a click on the terminal."""
    agent = api.post("/api/agents", json=fake_agent_fields("Asker")).json()["agent"]
    session = create_session(api, tmp_path, agentId=agent["id"], title="asks")
    worker = session["workers"][0]["id"]
    viewport = PHONE if phone else DESKTOP
    page = login(new_context(viewport=viewport, has_touch=phone, is_mobile=phone), server)
    page.goto(f"{server.base_url}/sessions/{session['id']}/workers/{worker}")
    wait_ready(page)
    bar = page.locator(ACTIVE).get_by_test_id("answer-bar")
    expect(bar).to_have_count(0)
    wait_for_text(page, r"^fake> ")
    run(page, "ask")
    expect(bar).to_contain_text("Do you want to proceed?", timeout=30_000)
    expect(bar.get_by_role("button", name="Deny")).to_be_visible()
    assert within_width(bar.get_by_role("group", name="Answers"), page.locator(ACTIVE))
    frame, shown = page.locator(f"{ACTIVE} .terminal-frame").bounding_box(), bar.bounding_box()
    assert frame is not None and shown is not None
    assert shown["y"] >= frame["y"] + frame["height"] - 1, "the bar covers the terminal"
    press(bar.get_by_role("button", name="Allow"), phone)
    expect(bar).to_have_count(0)
    wait_for_text(page, r"answered 'y'")
    page.keyboard.type("typed after")
    wait_for_text(page, r"fake> typed after")


NOTE = r"\033]6973;[agent-console] answered from the console at 2026-12-02 14:40:00 UTC: Yes\007"
# A short line, a line of about half the terminal's width, and one a program filled to its right
# edge (a right-aligned status): each with a note that arrived while the cursor was on it.
NOTED_LINES = (
    f"printf 'short line{NOTE}\\n'; printf '%*s' $(($(tput cols) / 2)) 'half'; printf '{NOTE}\\n'; "
    f"printf '%*s' $(tput cols) 'right-aligned status'; printf '\\033[1G{NOTE}\\n'; echo NOTED-$((1+1))\r"
)


def test_a_note_takes_only_the_blank_end_of_its_line(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A note's label covers none of what a program drew on its line: it fits in the blank cells
    after the text (cut short if need be), and on a line filled to the edge it is a thin tab
    there — shown whole when pointed at."""
    session = create_session(api, tmp_path)
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    send_input(server, session["id"], session["workers"][0]["id"], NOTED_LINES)
    wait_for_text(page, r"^NOTED-2")
    notes = page.locator(f"{ACTIVE} .terminal-note")
    expect(notes).to_have_count(3)
    placed = page.evaluate(
        """(active) => {
            const rows = [...document.querySelectorAll(`${active} .terminal-host .xterm-rows > div`)];
            return [...document.querySelectorAll(`${active} .terminal-note`)].map((note) => {
                const box = note.getBoundingClientRect();
                const row = rows.find((r) => Math.abs(r.getBoundingClientRect().top - box.top) < 3);
                const text = row?.lastElementChild?.getBoundingClientRect().right ?? 0;
                return { left: box.left, width: box.width, text, tucked: note.classList.contains("tucked") };
            });
        }""",
        ACTIVE,
    )
    assert [note["tucked"] for note in placed] == [False, False, True], placed
    for note in placed[:2]:
        assert note["left"] >= note["text"], f"a note covers its line's text: {placed}"
    assert placed[2]["width"] < 8, f"the tab on a full line is wider than a thin tab: {placed}"
    tab = notes.nth(2)
    tab.hover()
    page.wait_for_function(
        "(tab) => tab.getBoundingClientRect().width > 200", arg=tab.element_handle()
    )
    expect(tab).to_contain_text("answered from the console")
