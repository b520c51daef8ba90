"""Screenshots of the UI at desktop and phone size, with a few demo sessions (not a test).

    .venv/bin/python -m tests.e2e.shoot [OUT_DIR]        # default test-results/screens
    .venv/bin/python -m tests.e2e.shoot docs --readme     # also writes docs/screenshot-dashboard.png

Starts a real server on a temporary data directory, registers a demo repository with two
worktree sessions (one with uncommitted changes and a Diff tab), creates quick sessions through
the REST API (a fake agent that works, one that asks, shells), and photographs every page.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Literal

import httpx
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.e2e.conftest import ARGS, CHROMIUM, DESKTOP, PHONE
from tests.gitrepo import make_repo
from tests.harness import ROOT, TOKEN, Server, fake_agent_fields, running

Shot = tuple[str, ViewportSize, Literal["dark", "light"]]
SHOTS: list[Shot] = [("desktop", DESKTOP, "dark"), ("phone", PHONE, "dark"),
                     ("desktop-light", DESKTOP, "light")]  # fmt: skip

REPO_FILES = {
    "README.md": "# payments-api\n\nRefunds and payouts.\n",
    "payments/refunds.py": (
        '"""Refund amounts."""\n\nfrom decimal import Decimal\n\n\n'
        "def refund_amount(total: Decimal, percent: int) -> Decimal:\n"
        "    # Rounds half down: customers lose a cent.\n"
        "    return (total * percent / 100).quantize(Decimal('0.01'))\n"
    ),
    "payments/payouts.py": "def schedule(payout):\n    return payout.date\n",
    "web/src/format.ts": (
        "export function money(cents: number): string {\n  return `$${cents / 100}`;\n}\n"
    ),
}


def seed(api: httpx.Client, base: Path) -> dict[str, Any]:
    """Demo data: a repository with two worktree sessions, and quick sessions beside it."""
    agent = api.post("/api/agents", json=fake_agent_fields("Demo Agent")).json()["agent"]
    repo = make_repo(base / "src" / "payments-api", REPO_FILES)
    rid = api.post("/api/repositories", json={"path": str(repo)}).json()["repository"]["id"]
    worktree: dict[str, Any] = {}
    for branch, title in [("fix/refund-rounding", "Fix refund rounding"),
                          ("feature/webhooks", "Payout webhooks")]:  # fmt: skip
        body = {"mode": "custom", "branch": branch, "autoStartSession": True,
                "agentId": agent["id"], "title": title}  # fmt: skip
        worktree[branch] = api.post(f"/api/repositories/{rid}/worktrees", json=body).json()
    fix = worktree["fix/refund-rounding"]
    change_files(Path(fix["worktree"]["path"]))
    sid = fix["session"]["id"]
    diff = api.post(f"/api/sessions/{sid}/workers", json={"type": "git-diff"}).json()["worker"]
    quick = []
    for name, label, agent_id in [
        ("web-frontend", "Dark mode for settings", agent["id"]),
        ("infra", None, None),
        ("docs-site", "Update install guide", agent["id"]),
    ]:
        directory = base / "src" / name
        directory.mkdir(parents=True)
        request: dict[str, object] = {"type": "quick", "locationPath": str(directory)}
        if label:
            request["title"] = label
        if agent_id:
            request["agentId"] = agent_id
        quick.append(api.post("/api/sessions", json=request).json()["session"])
    api.post(f"/api/sessions/{quick[0]['id']}/workers", json={"type": "terminal"})
    return {"fix": fix["session"], "webhooks": worktree["feature/webhooks"]["session"],
            "quick": quick, "diff": diff}  # fmt: skip


def change_files(path: Path) -> None:
    """What the demo agent 'did' in its worktree: a fix, a new test, a deleted file, a TS edit."""
    refunds = path / "payments" / "refunds.py"
    refunds.write_text(
        refunds.read_text()
        .replace("from decimal import Decimal", "from decimal import ROUND_HALF_UP, Decimal")
        .replace("    # Rounds half down: customers lose a cent.\n", "")
        .replace("Decimal('0.01'))", "Decimal('0.01'), rounding=ROUND_HALF_UP)")
    )
    (path / "tests").mkdir()
    (path / "tests" / "test_refunds.py").write_text(
        "from decimal import Decimal\n\nfrom payments.refunds import refund_amount\n\n\n"
        "def test_half_cent_rounds_up() -> None:\n"
        '    """A half cent goes to the customer."""\n'
        '    assert refund_amount(Decimal("0.05"), 50) == Decimal("0.03")\n'
    )
    (path / "payments" / "payouts.py").unlink()
    fmt = path / "web" / "src" / "format.ts"
    fmt.write_text(fmt.read_text().replace("`$${cents / 100}`", "`$${(cents / 100).toFixed(2)}`"))


def drive(server: Server, data: dict[str, Any]) -> None:
    """Puts the demo agents in different states by typing into them over the worker socket."""
    import asyncio
    import json

    async def send(session: dict[str, Any], text: str) -> None:
        worker = session["workers"][0]
        path = server.worker_path(str(session["id"]), str(worker["id"]))
        async with server.ws(path) as ws:
            await ws.send(json.dumps({"type": "input", "data": text}))

    asyncio.run(send(data["fix"], "ask\r"))
    asyncio.run(send(data["quick"][0], "work 400\r"))
    asyncio.run(send(data["quick"][1], "ls -la && git --version\r"))


def shoot(browser: Browser, server: Server, out: Path, data: dict[str, Any]) -> None:
    fix, shell = data["fix"], data["quick"][1]
    for label, viewport, scheme in SHOTS:
        context = browser.new_context(
            viewport=viewport, has_touch=label == "phone", color_scheme=scheme
        )
        page = context.new_page()
        page.goto(f"{server.base_url}/?token={TOKEN}")
        page.locator(".repo-group .session-card").first.wait_for()
        settle(page)
        page.screenshot(path=str(out / f"dashboard-{label}.png"))
        page.screenshot(path=str(out / f"dashboard-full-{label}.png"), full_page=True)
        page.goto(f"{server.base_url}/sessions/{fix['id']}/workers/{fix['workers'][0]['id']}")
        page.locator(".terminal-host[data-offset]").wait_for()
        settle(page)
        page.screenshot(path=str(out / f"session-{label}.png"))
        shoot_diff(page, server, out, label, data)
        page.goto(f"{server.base_url}/sessions/{shell['id']}")
        page.locator(".terminal-host[data-offset]").wait_for()
        settle(page)
        page.screenshot(path=str(out / f"terminal-{label}.png"))
        page.goto(f"{server.base_url}/agents")
        page.locator(".agent-card").first.wait_for()
        page.screenshot(path=str(out / f"agents-{label}.png"))
        shoot_dialogs(page, server, out, label)
        context.close()


def shoot_diff(page: Page, server: Server, out: Path, label: str, data: dict[str, Any]) -> None:
    page.goto(f"{server.base_url}/sessions/{data['fix']['id']}/workers/{data['diff']['id']}")
    page.locator('.diff-file[data-path="payments/refunds.py"] .code.add').first.wait_for()
    settle(page)
    page.screenshot(path=str(out / f"diff-{label}.png"))
    side = page.get_by_role("button", name="Side by side")
    if side.is_visible():
        side.click()
        settle(page)
        page.screenshot(path=str(out / f"diff-split-{label}.png"))
        page.get_by_role("button", name="Unified").click()


def shoot_dialogs(page: Page, server: Server, out: Path, label: str) -> None:
    page.goto(server.base_url + "/")
    page.get_by_test_id("new-session").click()
    page.get_by_role("button", name="Start session").click()
    settle(page)
    page.screenshot(path=str(out / f"new-session-{label}.png"))
    page.keyboard.press("Escape")
    page.locator(".repo-group").get_by_role("button", name="worktree").first.click()
    page.get_by_role("dialog").get_by_text("From a prompt").click()
    settle(page)
    page.screenshot(path=str(out / f"new-worktree-{label}.png"))
    page.keyboard.press("Escape")


def settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    # Two animation frames after fonts are ready: xterm.js has painted and the dots have settled.
    page.evaluate("""() => document.fonts.ready.then(() => new Promise(done =>
        requestAnimationFrame(() => requestAnimationFrame(() => done(null)))))""")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0]) if args else ROOT / "test-results" / "screens"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, running(Path(tmp) / "data") as server:
        with server.http() as api:
            data = seed(api, Path(tmp))
        drive(server, data)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            shoot(browser, server, out, data)
            browser.close()
    if "--readme" in sys.argv:
        shutil.copy(out / "dashboard-desktop.png", ROOT / "docs" / "screenshot-dashboard.png")
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
