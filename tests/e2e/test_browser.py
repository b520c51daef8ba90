"""The browser client against a real server, driven through Debian's chromium (issue 4)."""

from __future__ import annotations

import base64
import contextlib
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, ViewportSize, expect

from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory, login
from tests.e2e.terminal import count, host, run, screen_text, wait_for_text, wait_ready
from tests.harness import TOKEN, Server, create_session, fake_agent_fields

# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def open_session(page: Page, server: Server, session: dict[str, Any]) -> None:
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)


def test_login_through_token_url_sets_cookie_and_drops_token(
    new_context: ContextFactory, server: Server
) -> None:
    """Opening the printed URL logs in: the token leaves the address bar, an HttpOnly cookie stays."""
    context = new_context()
    page = login(context, server)
    assert "token=" not in page.url
    cookies = context.cookies(server.base_url)
    assert cookies and all(c["httpOnly"] for c in cookies)
    assert all(TOKEN not in c["value"] for c in cookies) or all(c["httpOnly"] for c in cookies)
    page.reload()
    expect(page.get_by_role("heading", name="Sessions", exact=True)).to_be_visible()
    expect(page.get_by_test_id("connection-banner")).to_have_count(0)


def test_session_created_in_ui_appears_in_other_browser_without_reload(
    new_context: ContextFactory, server: Server, tmp_path: Path
) -> None:
    """A session started from the New session dialog shows up live on another browser's dashboard."""
    watcher = login(new_context(), server)
    expect(watcher.get_by_text("No sessions yet")).to_be_visible()
    page = login(new_context(), server)
    page.get_by_test_id("new-session").click()
    page.get_by_label("Directory").fill(str(tmp_path))
    page.get_by_label("Title").fill("from the browser")
    page.get_by_role("button", name="Start session").click()
    expect(page).to_have_url(re.compile(r"/sessions/[\w-]+$"))
    wait_ready(page)
    card = watcher.locator(".session-card", has_text="from the browser")
    expect(card).to_be_visible()
    expect(card).to_contain_text(str(tmp_path.resolve()))


def test_new_session_dialog_shows_server_error_next_to_directory(
    page: Page, tmp_path: Path
) -> None:
    """A directory the server refuses gets the server's message under the Directory field."""
    page.get_by_test_id("new-session").click()
    page.get_by_label("Directory").fill(str(tmp_path / "missing"))
    page.get_by_role("button", name="Start session").click()
    field = page.locator(".field.invalid", has_text="Directory")
    expect(field.locator(".field-error")).to_contain_text("does not exist")


def test_terminal_echo_and_history_after_reload(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Typed commands run in a real shell; a reload shows the same output again from history."""
    open_session(page, server, create_session(api, tmp_path))
    run(page, "echo hello-$((6*7))")
    wait_for_text(page, r"^hello-42$")
    page.reload()
    wait_ready(page)
    wait_for_text(page, r"^hello-42$")
    assert count(page, r"^hello-42$") == 1


def test_server_restart_continues_terminal_without_loss_or_repeat(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Stopping the server shows the banner; a restart on the same data continues the screen
    (and says it is loading only while it is), and the shell is the same one: its working
    directory and exported variable are unchanged."""
    session = create_session(api, tmp_path)
    page = login(new_context(), server)
    open_session(page, server, session)
    (tmp_path / "deeper").mkdir()
    run(page, "cd deeper && export KEPT=value-$((40+2)) && echo before-$((1+1))")
    wait_for_text(page, r"^before-2$")
    server.stop(keep_host=True)
    expect(page.get_by_test_id("connection-banner")).to_contain_text("Reconnecting")
    restarted = Server(server.data_dir, env=server.env, port=server.port).start()
    with contextlib.suppress(PlaywrightError):  # it may have reconnected on its own already
        page.get_by_role("button", name="Retry now").first.click(timeout=5_000)
    expect(page.get_by_test_id("connection-banner")).to_have_count(0, timeout=40_000)
    expect(page.get_by_test_id("terminal-banner")).to_have_count(0, timeout=40_000)
    expect(page.get_by_test_id("terminal-loading")).to_have_count(0)  # nothing was left to load
    run(page, 'echo "after-$((2+2)) $(basename "$PWD") $KEPT"')
    wait_for_text(page, r"^after-4 deeper value-42$")
    assert count(page, r"^before-2$") == 1
    assert count(page, r"^after-4 deeper value-42$") == 1
    assert count(page, r"relaunched") == 0
    restarted.stop()


def test_viewport_resize_reaches_the_pty(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """After the window changes size, `stty size` in the shell reports the terminal's new size."""
    open_session(page, server, create_session(api, tmp_path))
    for viewport in (ViewportSize(width=1280, height=800), ViewportSize(width=760, height=560)):
        before = host(page).get_attribute("data-cols")
        page.set_viewport_size(viewport)
        if viewport["width"] != 1280:
            page.wait_for_function(
                "c => document.querySelector('.terminal-pane:not(.hidden) .terminal-host').dataset.cols !== c",
                arg=before,
            )
        rows, cols = host(page).get_attribute("data-rows"), host(page).get_attribute("data-cols")
        run(page, "clear; stty size")
        wait_for_text(page, rf"^{rows} {cols}$")


def test_paste_image_types_its_saved_path(
    page: Page, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Pasting a PNG sends it as `image`; the server saves it and types the file's path."""
    open_session(page, server, create_session(api, tmp_path))
    run(page, "clear; echo CLEARED-$((2+3))")
    wait_for_text(page, r"^CLEARED-5")  # the path is not typed while `clear` may still wipe it
    page.locator(".terminal-pane:not(.hidden) .xterm-helper-textarea").focus()
    page.evaluate(
        """bytes => {
            const file = new File([new Uint8Array(bytes)], 'shot.png', { type: 'image/png' });
            const data = new DataTransfer();
            data.items.add(file);
            const target = document.querySelector('.terminal-pane:not(.hidden) .xterm-helper-textarea');
            target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        }""",
        list(PNG),
    )
    wait_for_text(page, r"\.png")
    [saved] = (server.data_dir / "images").glob("*.png")
    assert saved.read_bytes() == PNG
    assert str(saved) in screen_text(page).replace("\n", "")


def test_agent_asking_changes_tab_title_and_badge(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """When an agent asks a question, every page's tab title and the dashboard badge say so."""
    agent = api.post("/api/agents", json=fake_agent_fields()).json()["agent"]
    session = create_session(api, tmp_path, agentId=agent["id"], title="asker")
    dashboard = login(new_context(), server)
    page = login(new_context(), server)
    open_session(page, server, session)
    wait_for_text(page, r"fake> ")
    assert "asking" not in dashboard.title()
    run(page, "ask")
    expect(dashboard).to_have_title("(1) asking — Agent Console")
    expect(page).to_have_title("(1) asking — asker · Agent Console")
    badge = dashboard.locator(".session-card", has_text="asker").locator(
        ".badge[data-state=asking]"
    )
    expect(badge).to_have_text("?asking")
    page.keyboard.type("y")
    page.keyboard.press("Enter")
    expect(dashboard).to_have_title("Agent Console", timeout=20_000)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_layout_fits_the_viewport(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path, viewport: str
) -> None:
    """Dashboard and terminal fit desktop and phone screens: nothing scrolls sideways."""
    size = DESKTOP if viewport == "desktop" else PHONE
    session = create_session(
        api, tmp_path, title="a rather long session title that must not overflow"
    )
    page = login(new_context(viewport=size, has_touch=viewport == "phone"), server)
    expect(page.locator(".session-card")).to_have_count(1)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    open_session(page, server, session)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    key_row = page.locator(".terminal-pane:not(.hidden) .key-row")
    if viewport == "phone":
        expect(key_row).to_be_visible()
        run(page, "echo typed")
        page.get_by_role("button", name="Up arrow").click()
        page.get_by_role("button", name="Enter").click()
        wait_for_text(page, r"^typed$(?:.|\n)*^typed$")
    else:
        expect(key_row).to_be_hidden()
