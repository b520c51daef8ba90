"""Needs you first (issue 12 item 1), in all four looks (desktop and phone, dark and light):
asking, then finished, then failed agents on top of the dashboard; one key (a tap on a phone)
opens the asking one; the header's counts filter to them; "seen" is the server's, the same on
every device and after a restart of the server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ContextFactory, Look, login
from tests.e2e.terminal import send_input
from tests.harness import Server, create_session, fake_agent_fields, running


@pytest.fixture
def server(shared_server: Server) -> Server:
    """One server for this module's tests, cleared after each (but the one that restarts it)."""
    return shared_server


def agent_session(api: httpx.Client, tmp_path: Path, title: str) -> dict[str, Any]:
    agents = api.get("/api/agents").json()["agents"]
    agent = next((a for a in agents if a["name"] == "Fake"), None)
    agent = agent or api.post("/api/agents", json=fake_agent_fields()).json()["agent"]
    folder = tmp_path / title.replace(" ", "-")
    folder.mkdir()
    return create_session(api, folder, agentId=agent["id"], title=title)


def when_idle(page: Page, session: dict[str, Any]) -> None:
    """Waits until the agent has started and waits for input (a turn can then finish)."""
    card = page.locator(f'.session-card[data-session-id="{session["id"]}"]')
    expect(card.locator(".badge[data-state=idle]")).to_be_visible(timeout=20_000)


def worker_path(server: Server, session: dict[str, Any]) -> str:
    return f"{server.base_url}/sessions/{session['id']}/workers/{session['workers'][0]['id']}"


def test_needs_you_lists_asking_then_finished_then_failed_and_opens_one(
    seen: Page, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Each kind shows with its session and waiting time, asking first; the header's counts
    filter the dashboard to them; N (or a tap) opens the asking agent."""
    asking = agent_session(api, tmp_path, "asks a question")
    finished = agent_session(api, tmp_path, "finished its turn")
    failing = create_session(api, tmp_path, title="failing shell")
    create_session(api, tmp_path / "asks-a-question", title="quiet shell")
    page = seen
    when_idle(page, finished)
    send_input(server, asking["id"], asking["workers"][0]["id"], "ask\r")
    send_input(server, finished["id"], finished["workers"][0]["id"], "work 30\r")
    send_input(server, failing["id"], failing["workers"][0]["id"], "exit 3\r")
    needs = page.get_by_test_id("needs-you").locator(".needs-list > li")  # not the choices
    expect(needs).to_have_count(3, timeout=20_000)
    expect(needs.nth(0)).to_have_attribute("data-attention", "asking")
    expect(needs.nth(0)).to_contain_text("asks a question")
    expect(needs.nth(1)).to_have_attribute("data-attention", "finished")
    expect(needs.nth(1)).to_contain_text("finished its turn")
    expect(needs.nth(2)).to_have_attribute("data-attention", "failed")
    expect(needs.nth(2)).to_contain_text("exited with code 3")
    expect(needs.nth(0).locator("time")).to_have_text(re.compile(r"waiting (now|\d+s)"))
    for part in (".need-session", "time", ".question-answer"):
        expect(needs.nth(0).locator(part)).to_be_visible()  # its session, wait and question
    assert_accessible(page, "the dashboard with agents that need you")

    links = page.get_by_role("navigation", name="Agents that need you")
    links.get_by_role("link", name=re.compile("1 failed")).click()
    expect(page.get_by_label("State", exact=True)).to_have_value("failed")
    expect(page.locator(".session-card")).to_have_count(1)
    expect(page.locator(".session-card")).to_contain_text("failing shell")
    page.get_by_role("button", name="Clear filters").click()
    expect(page.locator(".session-card", has_text="quiet shell")).to_be_visible()

    if look.phone:
        needs.nth(0).get_by_role("link").click()
    else:
        page.locator("body").press("n")
    expect(page).to_have_url(worker_path(server, asking))


def test_seen_is_the_servers_on_every_device_and_after_a_restart(
    new_context: ContextFactory, look: Look, own_server: Server, tmp_path: Path
) -> None:
    """A finished agent shows on two devices and again after the server restarts; opening it on
    one device clears it on the other, with no reload."""
    server = own_server  # restarted below: not the module's shared one
    with server.http() as api:
        finished = agent_session(api, tmp_path, "finished its turn")
    desk = login(new_context(**look.options()), server)
    when_idle(desk, finished)
    send_input(server, finished["id"], finished["workers"][0]["id"], "work 30\r")
    item = desk.get_by_test_id("needs-you").locator(
        f'[data-worker-id="{finished["workers"][0]["id"]}"]'
    )
    expect(item).to_have_attribute("data-attention", "finished", timeout=20_000)

    server.stop(keep_host=True)
    with running(server.data_dir, env={"HOME": server.env["HOME"]}, port=server.port) as again:
        other = login(new_context(**look.options()), again)
        expect(other.get_by_test_id("needs-you")).to_contain_text("finished its turn")
        expect(desk.get_by_test_id("needs-you")).to_contain_text("finished its turn")
        expect(other).to_have_title(re.compile(r"^\(1\) done"))

        desk.goto(worker_path(again, finished))
        expect(other.get_by_test_id("needs-you")).to_have_count(0)
        expect(other).to_have_title("Agent Console")
        other.reload()
        expect(other.locator(".session-card", has_text="finished its turn")).to_be_visible()
        expect(other.get_by_test_id("needs-you")).to_have_count(0)
