"""Reading and typing into the xterm.js terminal on a page (helpers for the e2e tests)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

ACTIVE = ".terminal-pane:not(.hidden)"


def host(page: Page) -> Locator:
    return page.locator(f"{ACTIVE} .terminal-host")


def screen_text(page: Page) -> str:
    """The terminal's visible rows as plain text, one line per row."""
    rows = page.locator(f"{ACTIVE} .xterm-rows > div").all_inner_texts()
    return "\n".join(row.replace("\xa0", " ").rstrip() for row in rows)


def wait_for_text(page: Page, pattern: str, timeout: float = 20_000) -> None:
    """Waits until the visible terminal shows a match of the regular expression `pattern`."""
    page.wait_for_function(
        """([selector, source]) => {
            const rows = document.querySelectorAll(selector);
            const text = [...rows].map(r => r.textContent.replace(/\\u00a0/g, ' ')).join('\\n');
            return new RegExp(source, 'm').test(text);
        }""",
        arg=[f"{ACTIVE} .xterm-rows > div", pattern],
        timeout=timeout,
    )


def wait_ready(page: Page) -> None:
    """Waits for the terminal to be open, sized and connected (its history rendered)."""
    page.wait_for_selector(f"{ACTIVE} .terminal-host[data-offset]")
    page.wait_for_selector(f"{ACTIVE} .xterm-rows")


def run(page: Page, command: str) -> None:
    """Types a command into the terminal and presses Enter."""
    host(page).click()
    page.keyboard.type(command)
    page.keyboard.press("Enter")


def count(page: Page, pattern: str) -> int:
    return len(re.findall(pattern, screen_text(page), re.M))
