"""Dense cards, the list view and the filters (issue 12 item 3), in all four looks (desktop and
phone, dark and light): one line per worker, filters by state, repository and agent that outlive
a reload, and exit codes in red (each theme's own red)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import Look
from tests.e2e.terminal import run, send_input, wait_ready
from tests.e2e.ui import show_view
from tests.gitrepo import make_repo
from tests.harness import Server, create_session, fake_agent_fields


@pytest.fixture
def server(shared_server: Server) -> Server:
    """One server for this module's tests, cleared after each."""
    return shared_server


def test_list_view_filters_and_their_persistence(
    seen: Page, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """The list has one row per worker, its last line kept current; filtering by agent, state and
    repository narrows it; view and filters are the same after a reload; Clear filters shows
    everything again."""
    agent = api.post("/api/agents", json=fake_agent_fields("Scribe")).json()["agent"]
    repo = make_repo(tmp_path / "inventory", {"README.md": "x\n"})
    rid = api.post("/api/repositories", json={"path": str(repo)}).json()["repository"]["id"]
    body = {
        "mode": "custom",
        "branch": "feat/stock",
        "autoStartSession": True,
        "title": "stock work",
    }
    stock = api.post(f"/api/repositories/{rid}/worktrees", json=body).json()["session"]
    (tmp_path / "notes").mkdir()
    long_title = "notes on everything to check before the release, a title longer than a phone"
    notes = create_session(api, tmp_path / "notes", agentId=agent["id"], title=long_title)
    api.post(f"/api/sessions/{notes['id']}/workers", json={"type": "terminal"})
    page = seen
    expect(page.locator(".session-card")).to_have_count(2)

    show_view(page, look, "list")
    rows = page.get_by_test_id("worker-list").locator("tbody tr")
    expect(rows).to_have_count(3)
    stock_row = rows.filter(has_text="stock work")
    for column, text in ((".col-session", "stock work"), (".col-branch", "feat/stock")):
        expect(stock_row.locator(column)).to_contain_text(text)
        expect(stock_row.locator(column)).to_be_visible()  # on a phone's two-line rows too
    expect(stock_row.locator(".col-state .badge")).to_be_visible()
    for row in rows.all():  # a long title never pushes the worker's name out of sight
        expect(row.locator(".worker-name")).to_be_visible()
    assert_accessible(page, "the list view")

    page.get_by_label("Agent", exact=True).select_option(label="Terminals")
    expect(rows).to_have_count(2)
    page.get_by_label("Repository", exact=True).select_option(label="inventory")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("stock work")
    send_input(
        server, stock["id"], stock["workers"][0]["id"], "printf 'listed-%s' $((6*7)); sleep 30\r"
    )
    expect(rows.locator(".col-last")).to_have_text("listed-42")  # a row follows its last line
    expect(rows.locator(".col-last")).to_be_visible()
    expect(rows.locator(".col-idle time")).to_be_visible()

    page.reload()
    expect(page.get_by_role("button", name="List", pressed=True)).to_be_visible()
    expect(page.get_by_label("Repository", exact=True)).to_have_value(rid)
    expect(rows).to_have_count(1)
    show_view(page, look, "cards")
    expect(page.locator(".session-card")).to_have_count(1)
    page.get_by_role("button", name="Clear filters").click()
    expect(page.locator(".session-card")).to_have_count(2)
    page.get_by_label("State", exact=True).select_option(label="Working")
    expect(page.get_by_test_id("no-match")).to_be_visible()


def test_failed_worker_shows_its_exit_code_in_red(
    seen: Page, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A worker that exits non-zero is 'failed' with its code, in the danger colour and with the
    ✕ shape; a clean exit is grey with the ■ shape."""
    failing = create_session(api, tmp_path, title="failing")
    clean = create_session(api, tmp_path, title="clean")
    page = seen
    for session, command in ((failing, "exit 3"), (clean, "exit 0")):
        page.goto(f"{server.base_url}/sessions/{session['id']}")
        wait_ready(page)
        run(page, command)
        expect(page.get_by_test_id("exit-bar")).to_be_visible()
    page.goto(server.base_url + "/")
    bad = page.locator(".session-card", has_text="failing").locator(".badge[data-state=failed]")
    expect(bad).to_have_text("✕exited with code 3")
    expect(bad).to_be_visible()
    good = page.locator(".session-card", has_text="clean").locator(".badge[data-state=exited]")
    expect(good).to_have_text("■exited with code 0")
    red = page.evaluate(
        "() => getComputedStyle(document.documentElement).getPropertyValue('--danger-text').trim()"
    )
    assert rgb(bad.evaluate("el => getComputedStyle(el).color")) == hex_rgb(red)
    assert bad.evaluate("el => getComputedStyle(el).color") != good.evaluate(
        "el => getComputedStyle(el).color"
    )
    assert_accessible(page, "cards with exited workers")


def rgb(css: str) -> tuple[int, ...]:
    return tuple(int(x) for x in css.removeprefix("rgb(").removesuffix(")").split(","))


def hex_rgb(value: str) -> tuple[int, ...]:
    return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))
