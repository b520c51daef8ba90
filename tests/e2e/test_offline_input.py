"""Typing while the worker socket is down is never silently dropped: the terminal looks offline,
keeps what is typed (bounded) and sends it, in order, once the connection is back."""

from __future__ import annotations

import contextlib
from pathlib import Path

import httpx
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.e2e.conftest import ContextFactory, login
from tests.e2e.terminal import host, run, wait_for_cursor, wait_for_text, wait_ready
from tests.harness import Server, create_session


def test_typing_while_disconnected_is_sent_on_reconnect(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """With the server down the terminal is dimmed, shows no cursor and says so; what was
    typed runs after, and the cursor is back."""
    session = create_session(api, tmp_path)
    page = login(new_context(), server)
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    run(page, "echo before-$((1+1))")
    wait_for_text(page, r"^before-2$")
    wait_for_cursor(page, shown=True)
    server.stop()
    expect(host(page)).to_have_class("terminal-host offline")
    wait_for_cursor(page, shown=False)
    page.keyboard.type("echo queued-$((1+2))")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("offline-input")).to_contain_text("21 typed characters will be sent")
    restarted = Server(server.data_dir, env=server.env, port=server.port).start()
    try:
        with contextlib.suppress(PlaywrightError):  # it may have reconnected on its own already
            page.get_by_role("button", name="Retry now").first.click(timeout=5_000)
        wait_for_text(page, r"^queued-3$", timeout=40_000)
        expect(host(page)).to_have_class("terminal-host")
        wait_for_cursor(page, shown=True)
    finally:
        restarted.stop()


def test_typing_past_the_bound_is_refused_visibly(
    new_context: ContextFactory, server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """More than the queue holds is refused, and the bar says how much will not be sent."""
    session = create_session(api, tmp_path)
    page = login(new_context(), server)
    page.goto(f"{server.base_url}/sessions/{session['id']}")
    wait_ready(page)
    server.stop()
    expect(host(page)).to_have_class("terminal-host offline")
    page.locator(".terminal-pane:not(.hidden) .xterm-helper-textarea").focus()
    page.keyboard.insert_text("y" * 5000)
    expect(page.get_by_test_id("offline-input")).to_contain_text("5000 characters refused")
