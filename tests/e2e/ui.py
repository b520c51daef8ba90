"""Reaching the console's controls the way a person on each device does (helpers for e2e tests)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Look


def open_palette(page: Page, look: Look, key: str = "Control+Shift+K") -> None:
    """A key on a keyboard (Ctrl+Shift+K works in a terminal too), the Go to button on a phone."""
    if look.phone:
        page.get_by_test_id("open-palette").locator("visible=true").click()
    else:
        page.keyboard.press(key)
    expect(page.get_by_role("combobox", name=re.compile("Find a session"))).to_be_focused()


def show_view(page: Page, look: Look, view: str) -> None:
    """A dashboard view by its key on a keyboard, by its button on a phone."""
    if look.phone:
        page.get_by_role("group", name="View").get_by_role("button", name=view.title()).click()
    else:
        page.locator("body").press(view[0])
    expect(page.get_by_role("button", name=view.title(), pressed=True)).to_be_visible()
