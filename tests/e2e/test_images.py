"""Images into an agent from the browser: a HiDPI screenshot of several megabytes, pasted or
dropped on the terminal, is re-encoded to fit and the agent receives the saved file's path."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from agent_console.config import MIB, Limits
from tests.e2e.screenshots import hidpi_screenshot
from tests.e2e.terminal import screen_text, wait_for_text, wait_ready
from tests.harness import ROOT, Server, create_session, fake_agent_fields

# Puts the PNG on the page as a File and fires `kind` ("paste" or "drop") at the terminal.
FIRE = """([b64, kind]) => {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'Screenshot 2026-01-01 at 10.00.00.png', { type: 'image/png' }));
    const pane = '.terminal-pane:not(.hidden) ';
    if (kind === 'paste') {
        document.querySelector(pane + '.xterm-helper-textarea').dispatchEvent(
            new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    } else {
        const host = document.querySelector(pane + '.terminal-host');
        for (const type of ['dragover', 'drop'])
            host.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
}"""


@pytest.fixture(scope="module")
def screenshot(browser: Browser) -> bytes:
    png = hidpi_screenshot(browser, (ROOT / "src" / "agent_console" / "sessions.py").read_text())
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) >= 3 * MIB
    return png


@pytest.mark.parametrize("kind", ["paste", "drop"])
def test_a_large_screenshot_reaches_the_agent_as_a_file_path(
    page: Page,
    server: Server,
    api: httpx.Client,
    tmp_path: Path,
    screenshot: bytes,
    kind: str,
) -> None:
    """A 3840x2160 PNG of over 3 MB, pasted or dropped, is re-encoded under the cap; the agent
    is given the saved file's path."""
    agent = api.post("/api/agents", json=fake_agent_fields()).json()["agent"]
    session = create_session(api, tmp_path, agentId=agent["id"])
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    wait_for_text(page, r"fake> ")
    page.evaluate(FIRE, [base64.b64encode(screenshot).decode(), kind])
    wait_for_text(page, r"\.(webp|jpeg)", timeout=60_000)
    page.keyboard.press("Enter")
    wait_for_text(page, r"you said: ")
    [saved] = (server.data_dir / "images").iterdir()
    assert f"you said: {saved}" in screen_text(page).replace("\n", "")
    data = saved.read_bytes()
    assert len(data) <= Limits().image_bytes
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"  # chromium encodes WebP
