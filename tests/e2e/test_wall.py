"""Live screens (issue 12 items 3 and 4), in all four looks (desktop and phone, dark and light):
cards show each worker's last screen lines from the server's previews, and the wall shows every
live terminal's screen, updating as it prints; clicking a tile opens that worker."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import Look
from tests.e2e.terminal import send_input
from tests.e2e.ui import show_view
from tests.harness import Server, create_session


@pytest.fixture
def server(shared_server: Server) -> Server:
    """One server for this module's tests, cleared after each."""
    return shared_server


def test_cards_and_wall_show_live_screens_and_a_tile_opens_its_worker(
    seen: Page, look: Look, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """What a terminal prints reaches its card's preview and its wall tile without a reload, and
    keeps coming; an exited worker has no tile; a click on a tile opens the worker."""
    left = create_session(api, tmp_path, title="left")
    right = create_session(api, tmp_path, title="right")
    gone = create_session(api, tmp_path, title="gone")
    send_input(server, gone["id"], gone["workers"][0]["id"], "exit 0\r")
    page = seen
    send_input(server, left["id"], left["workers"][0]["id"], "echo preview-$((40+2))\r")
    card = page.locator(".session-card", has_text="left")
    expect(card.get_by_test_id("preview")).to_contain_text("preview-42", timeout=15_000)
    expect(card.get_by_test_id("preview")).to_be_visible()
    expect(card.locator(".worker-line time")).to_be_visible()  # the time since its last output

    show_view(page, look, "wall")
    tiles = page.get_by_test_id("wall").locator(".tile")
    expect(tiles).to_have_count(2)
    tile = tiles.filter(has_text="right")
    send_input(server, right["id"], right["workers"][0]["id"], "echo first-$((1+1))\r")
    expect(tile.locator(".tile-screen")).to_contain_text("first-2", timeout=15_000)
    expect(tile.locator(".tile-screen")).to_be_visible()
    send_input(server, right["id"], right["workers"][0]["id"], "echo second-$((2+2))\r")
    expect(tile.locator(".tile-screen")).to_contain_text("second-4", timeout=15_000)
    assert_accessible(page, "the wall")
    tile.get_by_role("link").click()
    expect(page).to_have_url(
        re.compile(rf"/sessions/{right['id']}/workers/{right['workers'][0]['id']}$")
    )
