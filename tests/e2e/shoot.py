"""Screenshots of the UI at desktop and phone size, with a few demo sessions (not a test).

    .venv/bin/python -m tests.e2e.shoot [OUT_DIR]        # default test-results/screens
    .venv/bin/python -m tests.e2e.shoot --readme          # also writes docs/screenshot-*.png

Starts a real server on a temporary data directory, registers a demo repository with two
worktree sessions (one with uncommitted changes and a Diff tab), creates quick sessions through
the REST API (a fake agent that works, one that asks, shells), and photographs every page.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import httpx
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.e2e.conftest import ARGS, CHROMIUM, DESKTOP, PHONE
from tests.e2e.terminal import send_input
from tests.gitrepo import make_repo
from tests.harness import ROOT, TOKEN, Server, eventually, fake_agent_fields, running

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
    """Demo data: a repository with three worktree sessions and a shell in its checkout, and
    quick sessions beside it."""
    agent = api.post("/api/agents", json=fake_agent_fields("Demo Agent")).json()["agent"]
    repo = make_repo(base / "src" / "payments-api", REPO_FILES)
    rid = api.post("/api/repositories", json={"path": str(repo)}).json()["repository"]["id"]
    worktree: dict[str, Any] = {}
    for branch, title in [("fix/refund-rounding", "Fix refund rounding"),
                          ("feature/webhooks", "Payout webhooks"),
                          ("feature/payout-retry", "Retry failed payouts")]:  # fmt: skip
        body = {"mode": "custom", "branch": branch, "autoStartSession": True,
                "agentId": agent["id"], "title": title}  # fmt: skip
        worktree[branch] = api.post(f"/api/repositories/{rid}/worktrees", json=body).json()
    fix = worktree["fix/refund-rounding"]
    change_files(Path(fix["worktree"]["path"]))
    sid = fix["session"]["id"]
    diff = api.post(f"/api/sessions/{sid}/workers", json={"type": "git-diff"}).json()["worker"]
    checkout = {"type": "quick", "locationPath": str(repo), "title": "Release checklist"}
    main = api.post("/api/sessions", json=checkout).json()["session"]
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
    build = api.post(f"/api/sessions/{quick[0]['id']}/workers", json={"type": "terminal"}).json()
    return {"fix": fix["session"], "webhooks": worktree["feature/webhooks"]["session"],
            "retry": worktree["feature/payout-retry"]["session"], "main": main,
            "quick": quick, "diff": diff, "build": build["worker"]}  # fmt: skip


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


BUILD = (
    "for i in $(seq 1 100000); do printf 'webpack  \\033[32mcompiled\\033[0m "
    "src/settings/theme-%d.tsx in %d ms\\n' $i $((i * 7 % 90 + 10)); sleep 0.7; done\r"
)
PLAN = (
    "printf 'Initializing the backend...\\nPlanning 14 resources...\\n"
    "Error: no valid credential sources found for AWS provider\\n'; exit 2\r"
)


def drive(server: Server, data: dict[str, Any]) -> None:
    """Puts the demo workers in different states by typing into them, as their users would, and
    waits until the dashboard would show each one: asking, finished, failed, working."""
    agents = [data["fix"], data["webhooks"], data["retry"], data["quick"][0], data["quick"][2]]
    until(
        server,
        lambda sync: all(activity(sync, *first(s)) == "idle" for s in agents),
        "the demo agents idle",
    )
    typing = [(data["fix"], "ask\r"), (data["webhooks"], "work 40\r"), (data["quick"][0], "work 40\r"),
              (data["retry"], "work 4000\r"), (data["quick"][2], "work 4000\r"),
              (data["quick"][1], PLAN), (data["main"], "git log --oneline -3 && git status --short\r")]  # fmt: skip
    for session, text in typing:
        send_input(server, *first(session), text)
    send_input(server, data["quick"][0]["id"], data["build"]["id"], BUILD)
    wanted = {first(data["fix"]): "asking", first(data["webhooks"]): "finished",
              first(data["quick"][0]): "finished", first(data["quick"][1]): "failed"}  # fmt: skip
    until(
        server,
        lambda sync: all(attention(sync, *key) == kind for key, kind in wanted.items()),
        "the demo workers in their states",
    )


def first(session: dict[str, Any]) -> tuple[str, str]:
    """A session's first worker, as (session id, worker id)."""
    return str(session["id"]), str(session["workers"][0]["id"])


def until(server: Server, done: Callable[[dict[str, Any]], bool], what: str) -> None:
    """Asks the app socket for a sync until `done` holds for it (a script: polling is fine)."""
    import json

    from websockets.sync.client import connect

    headers = {"Authorization": f"Bearer {TOKEN}"}
    with connect(server.ws_base + "/ws/app", additional_headers=headers, max_size=None) as ws:

        def sync_done() -> bool:
            ws.send(json.dumps({"type": "request-sync"}))
            while (message := json.loads(ws.recv()))["type"] != "sessions-sync":
                pass
            return done(message)

        eventually(sync_done, 60, what)


def activity(sync: dict[str, Any], session_id: str, worker_id: str) -> str | None:
    found = [a["activityState"] for a in sync["activityStates"]
             if (a["sessionId"], a["workerId"]) == (session_id, worker_id)]  # fmt: skip
    return found[0] if found else None


def attention(sync: dict[str, Any], session_id: str, worker_id: str) -> str | None:
    for session in sync["sessions"]:
        for worker in session["workers"] if session["id"] == session_id else []:
            if worker["id"] == worker_id:
                return worker.get("attention")  # type: ignore[no-any-return]
    return None


def shoot_views(browser: Browser, server: Server, out: Path) -> None:
    """The dashboard's cards, list and wall in every look — before any worker is opened, which
    would clear its "finished" or "failed" mark."""
    for label, viewport, scheme in SHOTS:
        context = browser.new_context(
            viewport=viewport, has_touch=label == "phone", color_scheme=scheme
        )
        page = context.new_page()
        page.goto(f"{server.base_url}/?token={TOKEN}")
        page.get_by_test_id("needs-you").wait_for()
        for view in ("cards", "list", "wall"):
            page.get_by_role("group", name="View").get_by_role("button", name=view.title()).click()
            page.locator(
                ".tile-screen pre:not(:empty)" if view == "wall" else "main"
            ).first.wait_for()
            settle(page)
            page.screenshot(path=str(out / f"view-{view}-{label}.png"))
        page.get_by_role("group", name="View").get_by_role("button", name="Cards").click()
        context.close()


def shoot(browser: Browser, server: Server, out: Path, data: dict[str, Any]) -> None:
    shoot_views(browser, server, out)
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
        for shot, name in [("view-cards-desktop", "dashboard"), ("view-cards-phone", "phone"),
                           ("view-list-desktop-light", "list"), ("view-wall-desktop", "wall")]:  # fmt: skip
            shutil.copy(out / f"{shot}.png", ROOT / "docs" / f"screenshot-{name}.png")
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
