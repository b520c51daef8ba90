"""Screenshots of the UI at desktop and phone size, with a few demo sessions (not a test).

    .venv/bin/python -m tests.e2e.shoot [OUT_DIR]        # default test-results/screens
    .venv/bin/python -m tests.e2e.shoot docs --readme     # also writes docs/screenshot-dashboard.png

Starts a real server on a temporary data directory, creates sessions through the REST API (a
fake agent that works, one that asks, shells), and photographs every page with chromium.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Literal

import httpx
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.e2e.conftest import ARGS, CHROMIUM, DESKTOP, PHONE
from tests.harness import ROOT, TOKEN, Server, fake_agent_fields, running


def seed(api: httpx.Client, base: Path) -> list[dict[str, object]]:
    """Demo sessions: an agent asking, an agent working, a shell, in plausible directories."""
    agent = api.post("/api/agents", json=fake_agent_fields("Demo Agent")).json()["agent"]
    made = []
    for name, title, agent_id in [
        ("payments-api", "Fix refund rounding", agent["id"]),
        ("web-frontend", "Dark mode for settings", agent["id"]),
        ("infra", None, None),
        ("docs-site", "Update install guide", agent["id"]),
    ]:
        directory = base / "src" / name
        directory.mkdir(parents=True)
        body: dict[str, object] = {"type": "quick", "locationPath": str(directory)}
        if title:
            body["title"] = title
        if agent_id:
            body["agentId"] = agent_id
        made.append(api.post("/api/sessions", json=body).json()["session"])
    api.post(f"/api/sessions/{made[0]['id']}/workers", json={"type": "terminal"})
    return made


def drive(server: Server, sessions: list[dict[str, object]]) -> None:
    """Puts the demo agents in different states by typing into them over the worker socket."""
    import asyncio
    import json

    async def send(session: dict[str, object], text: str) -> None:
        worker = session["workers"][0]  # type: ignore[index]
        path = server.worker_path(str(session["id"]), str(worker["id"]))
        async with server.ws(path) as ws:
            await ws.send(json.dumps({"type": "input", "data": text}))

    asyncio.run(send(sessions[0], "ask\r"))
    asyncio.run(send(sessions[1], "work 400\r"))
    asyncio.run(send(sessions[2], "ls -la && git --version\r"))


def shoot(browser: Browser, server: Server, out: Path, sessions: list[dict[str, object]]) -> None:
    shots: list[tuple[str, ViewportSize, Literal["dark", "light"]]] = [
        ("desktop", DESKTOP, "dark"),
        ("phone", PHONE, "dark"),
        ("desktop-light", DESKTOP, "light"),
    ]
    for label, viewport, scheme in shots:
        context = browser.new_context(
            viewport=viewport, has_touch=label == "phone", color_scheme=scheme
        )
        page = context.new_page()
        page.goto(f"{server.base_url}/?token={TOKEN}")
        page.locator(".session-card").first.wait_for()
        settle(page)
        page.screenshot(path=str(out / f"dashboard-{label}.png"))
        page.goto(f"{server.base_url}/sessions/{sessions[0]['id']}")
        page.locator(".terminal-host[data-offset]").wait_for()
        settle(page)
        page.screenshot(path=str(out / f"session-{label}.png"))
        page.goto(f"{server.base_url}/sessions/{sessions[2]['id']}")
        page.locator(".terminal-host[data-offset]").wait_for()
        settle(page)
        page.screenshot(path=str(out / f"terminal-{label}.png"))
        page.goto(f"{server.base_url}/agents")
        page.locator(".agent-card").first.wait_for()
        page.screenshot(path=str(out / f"agents-{label}.png"))
        page.goto(server.base_url + "/")
        page.get_by_test_id("new-session").click()
        page.get_by_role("button", name="Start session").click()
        settle(page)
        page.screenshot(path=str(out / f"new-session-{label}.png"))
        context.close()


def settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    time.sleep(0.6)  # let xterm.js paint and the activity dots settle; this is not a test


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0]) if args else ROOT / "test-results" / "screens"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, running(Path(tmp) / "data") as server:
        with server.http() as api:
            sessions = seed(api, Path(tmp))
        drive(server, sessions)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            shoot(browser, server, out, sessions)
            browser.close()
    if "--readme" in sys.argv:
        shutil.copy(out / "dashboard-desktop.png", ROOT / "docs" / "screenshot-dashboard.png")
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
