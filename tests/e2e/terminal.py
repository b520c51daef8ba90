"""Reading and typing into the xterm.js terminal on a page (helpers for the e2e tests)."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Locator, Page

from tests.harness import TOKEN, Server

ACTIVE = ".terminal-pane:not(.hidden)"
LIVE_ROWS = f"{ACTIVE} .terminal-host .xterm-rows > div"
HISTORY_ROWS = f"{ACTIVE} .history-screen:not(.back) .xterm-rows > div"


def host(page: Page) -> Locator:
    return page.locator(f"{ACTIVE} .terminal-host")


def screen_text(page: Page) -> str:
    """The terminal's visible rows as plain text, one line per row."""
    return _rows(page, LIVE_ROWS)


def history_text(page: Page) -> str:
    """The history view's visible rows as plain text, one line per row."""
    return _rows(page, HISTORY_ROWS)


def _rows(page: Page, selector: str) -> str:
    rows = page.locator(selector).all_inner_texts()
    return "\n".join(row.replace("\xa0", " ").rstrip() for row in rows)


def wait_for_history_text(page: Page, pattern: str, timeout: float = 20_000) -> None:
    """Waits until the history view shows a match of the regular expression `pattern`."""
    wait_for_text(page, pattern, timeout, HISTORY_ROWS)


def wait_for_text(page: Page, pattern: str, timeout: float = 20_000, rows: str = LIVE_ROWS) -> None:
    """Waits until the visible terminal shows a match of the regular expression `pattern`."""
    page.wait_for_function(
        """([selector, source]) => {
            const rows = document.querySelectorAll(selector);
            const text = [...rows].map(r => r.textContent.replace(/\\u00a0/g, ' ')).join('\\n');
            return new RegExp(source, 'm').test(text);
        }""",
        arg=[rows, pattern],
        timeout=timeout,
    )


CURSOR_SHOWN = r"""(selector) => {
    const cursor = document.querySelector(selector);
    if (cursor === null) return false;
    const style = getComputedStyle(cursor);
    const clear = (colour) => colour === "transparent" || /^rgba\(.*,\s*0\)$/.test(colour);
    return style.animationName !== "none" || !clear(style.backgroundColor)
        || (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== "none" || parseFloat(style.borderBottomWidth) > 0;
}"""


def wait_for_cursor(page: Page, shown: bool, timeout: float = 10_000) -> None:
    """Waits until the live terminal's cursor is drawn in any way (block, outline, bar,
    underline, blinking) or, with `shown` False, is there but drawn in no way at all."""
    hidden = f"(sel) => document.querySelector(sel) !== null && !({CURSOR_SHOWN})(sel)"
    check = CURSOR_SHOWN if shown else hidden
    page.wait_for_function(check, arg=f"{LIVE_ROWS} .xterm-cursor", timeout=timeout)


def wait_ready(page: Page) -> None:
    """Waits for the terminal to be open, sized and connected (its history parsed)."""
    page.wait_for_selector(f"{ACTIVE} .terminal-host[data-loaded]")
    page.wait_for_selector(f"{ACTIVE} .xterm-rows")


def run(page: Page, command: str) -> None:
    """Types a command into the terminal and presses Enter."""
    host(page).click()
    page.keyboard.type(command)
    page.keyboard.press("Enter")


def count(page: Page, pattern: str) -> int:
    return len(re.findall(pattern, screen_text(page), re.M))


def send_input(server: Server, session_id: str, worker_id: str, text: str) -> None:
    """Types `text` into a worker over its socket, as another client would (a synchronous client:
    Playwright's loop owns this thread)."""
    from websockets.sync.client import connect

    url = server.ws_base + server.worker_path(session_id, worker_id)
    with connect(url, additional_headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
        ws.send(json.dumps({"type": "input", "data": text}))
