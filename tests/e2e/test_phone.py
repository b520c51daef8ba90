"""The session page on a phone (issue 12 item 5), in both themes: the asking worker's tab is always
in the strip (the rest in a menu with their states — on a desktop too), the header takes at most
15 % of the height, and the key row has Shift-Tab, one-tap Ctrl-C, PgUp/PgDn and Paste."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import PHONES, ContextFactory, Look, login
from tests.e2e.terminal import run, send_input, wait_for_text, wait_ready
from tests.harness import Server, create_session, fake_agent_fields


@pytest.fixture
def server(shared_server: Server) -> Server:
    """One server for this module's tests, cleared after each."""
    return shared_server


def test_asking_tab_stays_in_the_strip_and_the_rest_go_into_a_menu(
    seen: Page, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """With more tabs than fit, the strip never scrolls sideways: the open tab and the asking
    agent's stay in it, the others are in the menu with their states, and picking one opens it."""
    agent = api.post("/api/agents", json=fake_agent_fields("Asker")).json()["agent"]
    session = create_session(api, tmp_path, agentId=agent["id"], title="many tabs")
    asker = session["workers"][0]["id"]
    terminals = [
        api.post(
            f"/api/sessions/{session['id']}/workers", json={"type": "terminal", "name": f"term {i}"}
        ).json()["worker"]
        for i in range(7)
    ]
    send_input(server, session["id"], asker, "ask\r")
    page = seen
    page.goto(f"{server.base_url}/sessions/{session['id']}/workers/{terminals[-1]['id']}")
    wait_ready(page)
    strip = page.get_by_role("tablist", name="Workers")
    asking_tab = strip.get_by_role("tab", name=re.compile("Asker"))
    expect(asking_tab.locator(".mark")).to_have_attribute("data-state", "asking")
    expect(strip.get_by_role("tab", name=re.compile("term 6"))).to_have_attribute(
        "aria-selected", "true"
    )
    widths = page.evaluate(
        "() => [...document.querySelectorAll('.tabs, .tab-list, .tab, .tab.more')].map(e => [e.className, e.scrollWidth, e.clientWidth, e.offsetWidth])"
    )
    assert page.evaluate(
        "() => [...document.querySelectorAll('.tabs, .tab-list')].every(e => e.scrollWidth <= e.clientWidth)"
    ), widths
    more = page.get_by_test_id("more-tabs")
    more.click()
    menu = page.get_by_role("menu")
    hidden = menu.get_by_role("menuitem")
    expect(hidden.first).to_be_visible()
    assert hidden.count() + strip.get_by_role("tab").count() == 8
    expect(hidden.first.locator(".mark")).to_have_attribute("aria-label", "running")
    assert_accessible(page, "the tabs menu")
    name = hidden.first.locator(".menu-name").inner_text()
    hidden.first.click()
    expect(strip.get_by_role("tab", name=re.compile(name), selected=True)).to_be_visible()
    expect(asking_tab).to_be_visible()


@pytest.mark.parametrize("look", PHONES, ids=[look.name for look in PHONES])
@pytest.mark.parametrize("size", [(390, 844), (844, 390)], ids=["upright", "sideways"])
def test_session_header_takes_at_most_15_percent_of_the_height(
    new_context: ContextFactory,
    look: Look,
    size: tuple[int, int],
    server: Server,
    api: httpx.Client,
    tmp_path: Path,
) -> None:
    """On a phone, upright or on its side, the terminal starts within the top 15 % of the screen."""
    width, height = size
    session = create_session(api, tmp_path, title="a fairly long session title for a phone")
    page = login(
        new_context(**{**look.options(), "viewport": {"width": width, "height": height}}), server
    )
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    top = page.locator(".terminal-pane:not(.hidden) .terminal-frame").bounding_box()
    assert top is not None and top["y"] <= 0.15 * height, (top, height)
    expect(page.get_by_role("link", name="All sessions").locator("visible=true")).to_have_count(1)


@pytest.mark.parametrize("look", PHONES, ids=[look.name for look in PHONES])
def test_the_top_bar_takes_two_rows_with_every_count_whole(
    new_context: ContextFactory, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """On a phone the top bar is two rows: the pages, then the counts beside the buttons, each
    count whole (not a third row for the counts alone)."""
    session = create_session(api, tmp_path)
    send_input(server, session["id"], session["workers"][0]["id"], "exit 4\r")  # unseen
    page = login(new_context(**look.options()), server)
    page.goto(f"{server.base_url}/")
    badge = page.locator(".attention-links .badge")
    expect(badge).to_have_count(1)
    bar, count, buttons = (page.locator(selector).bounding_box()
                           for selector in (".topbar", ".attention-links .badge", ".topbar-actions"))  # fmt: skip
    assert bar is not None and count is not None and buttons is not None
    assert bar["height"] <= 2 * 48 + 2, f"the top bar is more than two rows: {bar}"
    assert abs(count["y"] + count["height"] / 2 - (buttons["y"] + buttons["height"] / 2)) < 8
    assert count["x"] >= 0 and count["x"] + count["width"] <= buttons["x"], (count, buttons)


@pytest.mark.parametrize("look", PHONES, ids=[look.name for look in PHONES])
def test_key_row_sends_shift_tab_ctrl_c_paging_keys_and_paste(
    new_context: ContextFactory, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Each new key of the row reaches the program as a terminal sends it; Paste types the
    clipboard's text; ^C interrupts in one tap."""
    context = new_context(**look.options())
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base_url)
    page = login(context, server)
    session = create_session(api, tmp_path)
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    run(page, "cat -v")
    keys = page.get_by_role("toolbar", name="Terminal keys")
    for label in ["⇧Tab", "PgUp", "PgDn"]:
        keys.get_by_role("button", name=label).click()
    keys.get_by_role("button", name="Enter", exact=True).click()
    wait_for_text(page, r"^\^\[\[Z\^\[\[5~\^\[\[6~$")
    page.evaluate("() => navigator.clipboard.writeText('pasted-words')")
    keys.get_by_role("button", name="Paste").click()
    keys.get_by_role("button", name="Enter", exact=True).click()
    wait_for_text(page, r"^pasted-words$")
    keys.get_by_role("button", name="^C").click()
    run(page, "echo after-$((20+1))")
    wait_for_text(page, r"^after-21$")
