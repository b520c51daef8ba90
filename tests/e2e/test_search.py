"""Search across everything in the browser: the header's box finds a line printed in a worker of
another session, and the result opens that worker."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.terminal import ACTIVE, run, wait_for_history_text, wait_for_text, wait_ready
from tests.harness import Server, create_session, eventually, found


def test_a_cross_session_search_opens_the_worker_that_printed_it(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Typed into the header's box on one session's page, the query finds a line a second
    terminal of another session printed; the result names that session and worker, and a click
    opens that worker's tab in its history at that line, the query found there."""
    here = create_session(api, tmp_path, title="Alpha")
    there = create_session(api, tmp_path, title="Beta")
    added = api.post(f"/api/sessions/{there['id']}/workers", json={"type": "terminal"}).json()
    worker = added["worker"]
    page.goto(f"{server.base_url}/sessions/{there['id']}/workers/{worker['id']}")
    wait_ready(page)
    run(page, "echo cross-session-$((40+2))-marker")
    wait_for_text(page, r"^cross-session-42-marker$")
    found(api, "cross-session-42")

    page.goto(f"{server.base_url}/sessions/{here['id']}")
    wait_ready(page)
    box = page.get_by_role("searchbox", name="Search all output")
    box.fill("cross-session-42")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=cross-session-42$"))
    group = page.locator(".search-group").filter(has_text=worker["name"])
    expect(group).to_contain_text("Beta")
    expect(group.locator("mark")).to_have_text(["cross-session-42"])
    group.locator("a.search-hit-body").first.click()

    expect(page).to_have_url(
        re.compile(
            rf"/sessions/{there['id']}/workers/{worker['id']}\?offset=\d+&q=cross-session-42$"
        )
    )
    tabs = page.get_by_role("tab")
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    wait_for_history_text(page, r"^cross-session-42-marker$")
    expect(page.get_by_test_id("search-count")).to_have_text("1 of 1")
    expect(page.locator(f"{ACTIVE} .history-screen:not(.back) .xterm-find-result-decoration")
           .first).to_be_visible()  # fmt: skip


def test_matches_on_neighbouring_lines_are_one_passage_and_each_line_opens_at_itself(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Three matching lines in a row are one passage — every line once, in the order printed,
    each match marked — not three results repeating each other's lines; each matching line
    opens the worker at that line."""
    session = create_session(api, tmp_path, title="Gamma")
    worker = session["workers"][0]
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    run(page, r"printf 'alpha\nboom-%s one\nboom-%s two\nboom-%s three\nomega\n' x x x")
    wait_for_text(page, r"^omega$")

    def all_three() -> list[dict[str, Any]] | None:
        hits = found(api, "boom-x")
        return hits if len(hits) == 3 else None

    hits = eventually(all_three, what="the three lines indexed")
    two = next(hit for hit in hits if hit["line"] == "boom-x two")

    page.goto(f"{server.base_url}/search?q=boom-x")
    group = page.locator(".search-group").filter(has_text=worker["name"])
    expect(group.locator(".search-hit")).to_have_count(1)
    lines = group.locator(".search-lines > *")
    expect(lines).to_have_text(["alpha", "boom-x one", "boom-x two", "boom-x three", "omega"])
    expect(group.locator("mark")).to_have_text(["boom-x"] * 3)
    group.get_by_role("link", name="boom-x two").click()
    expect(page).to_have_url(
        re.compile(
            rf"/sessions/{session['id']}/workers/{worker['id']}\?offset={two['offset']}&q=boom-x$"
        )
    )
    wait_for_history_text(page, r"^boom-x two$")
