"""The dashboard under load (issue 12): 100 sessions, 150 workers, 20 of them busy agents.

    .venv/bin/python -m bench.dashboard [--seconds 20] [--loads 5]

A real server (its worker host included) on a temporary data directory; 20 worktree sessions of
two repositories each run a busy fake agent (bench/bin/busy-agent: works, asks, rests, in a
cycle) beside a shell; 80 quick sessions hold 110 idle shells. Debian's chromium, driven by
Playwright at 1280x800, measures:

- first paint with all cards: from navigation start to the frame after the 100th card is in the
  page, over several loads (median and worst);
- the longest main-thread task (from a Chrome trace) and the JS heap (CDP, after a GC and at its
  peak) while the 20 agents change state and their previews stream in — on the cards, the list
  and the wall;
- the wall's frame times (requestAnimationFrame intervals) and the page's CPU (CDP TaskDuration);
- the server's side: CPU of serve and of the worker host with 150 idle workers (nothing may be
  polled), then with 20 busy ones, and the preview messages an app client receives.

Targets: first paint <= 500 ms, longest task <= 50 ms, heap <= 30 MB. Results go to
bench/results/dashboard.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from playwright.sync_api import Browser, CDPSession, sync_playwright
from tests.e2e.conftest import ARGS, CHROMIUM, DESKTOP
from tests.gitrepo import make_repo
from tests.harness import TOKEN, Server
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

BUSY_AGENT = Path(__file__).parent / "bin" / "busy-agent"
SESSIONS, WORKERS, BUSY = 100, 150, 20

# Records when the 100th card is in the page and the frame after it has been painted.
ALL_CARDS = f"""
window.__allCards = null;
new MutationObserver((_, observer) => {{
  if (document.querySelectorAll('.session-card').length >= {SESSIONS}) {{
    observer.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => {{ window.__allCards = performance.now(); }}));
  }}
}}).observe(document, {{childList: true, subtree: true}});
"""

# Long tasks as the browser reports them (each over 50 ms), and frame intervals when asked for.
WATCH = """
window.__long = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__long.push(e.duration); })
  .observe({type: 'longtask', buffered: true});
window.__frames = (ms) => new Promise(done => {
  const gaps = []; let last = performance.now(); const end = last + ms;
  const step = (t) => { gaps.push(t - last); last = t; if (t < end) requestAnimationFrame(step); else done(gaps); };
  requestAnimationFrame(step);
});
"""


def seed(api: httpx.Client, base: Path) -> list[tuple[str, str]]:
    """100 sessions, 150 workers; returns (session, worker) of the 20 busy agents."""
    fields = {
        "name": "Busy agent",
        "commandTemplate": f"{BUSY_AGENT} {{{{prompt}}}}",
        "activityPatterns": {"askingPatterns": [r"Do you want to proceed\?"]},
    }
    agent = api.post("/api/agents", json=fields).json()["agent"]["id"]
    busy: list[tuple[str, str]] = []
    for r in range(2):
        repo = make_repo(base / f"service-{r}", {"README.md": f"# service {r}\n"})
        rid = api.post("/api/repositories", json={"path": str(repo)}).json()["repository"]["id"]
        for w in range(BUSY // 2):
            body = {"mode": "custom", "branch": f"task/{r}-{w}", "autoStartSession": True,
                    "agentId": agent, "title": f"task {r}-{w}"}  # fmt: skip
            session = api.post(f"/api/repositories/{rid}/worktrees", json=body).json()["session"]
            busy.append((session["id"], session["workers"][0]["id"]))
            api.post(f"/api/sessions/{session['id']}/workers", json={"type": "terminal"})
    for q in range(SESSIONS - BUSY):
        folder = base / "quick" / f"q{q}"
        folder.mkdir(parents=True)
        body = {"type": "quick", "locationPath": str(folder), "title": f"quick {q}"}
        session = api.post("/api/sessions", json=body).json()["session"]
        if q < 30:
            api.post(f"/api/sessions/{session['id']}/workers", json={"type": "terminal"})
    sessions = api.get("/api/sessions").json()["sessions"]
    assert len(sessions) == SESSIONS, len(sessions)
    assert sum(len(s["workers"]) for s in sessions) == WORKERS
    return busy


def type_into(server: Server, busy: list[tuple[str, str]], text: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for sid, wid in busy:
        with connect(
            server.ws_base + server.worker_path(sid, wid), additional_headers=headers
        ) as ws:
            ws.send(json.dumps({"type": "input", "data": text}))


class Processes:
    """CPU of the server and of its worker host over an interval (percent of one core)."""

    def __init__(self, server: Server) -> None:
        serve = psutil.Process(server.proc.pid if server.proc else 0)
        hosts = [p for p in psutil.process_iter(["cmdline"]) if "host" in (p.info["cmdline"] or [])[2:4]
                 and str(server.data_dir) in " ".join(p.info["cmdline"] or [])]  # fmt: skip
        self.named = {"serve": serve, **({"host": hosts[0]} if hosts else {})}

    def cpu(self, seconds: float) -> dict[str, float]:
        before = {k: p.cpu_times() for k, p in self.named.items()}
        time.sleep(seconds)
        after = {k: p.cpu_times() for k, p in self.named.items()}
        used = {
            k: (after[k].user + after[k].system) - (before[k].user + before[k].system)
            for k in before
        }
        return {k: round(100 * v / seconds, 2) for k, v in used.items()}


class PreviewCounter(threading.Thread):
    """An app-socket client counting worker-preview messages (and their bytes)."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.url = server.ws_base + "/ws/app"
        self.count = 0
        self.bytes = 0
        self.stop = threading.Event()

    def run(self) -> None:
        with connect(
            self.url, additional_headers={"Authorization": f"Bearer {TOKEN}"}, max_size=None
        ) as ws:
            while not self.stop.is_set():
                try:
                    raw = ws.recv(timeout=0.5)
                except TimeoutError:
                    continue
                except ConnectionClosed:
                    return  # the server stopped
                if '"worker-preview"' in raw[:40]:
                    self.count += 1
                    self.bytes += len(raw)


SYNC_AND_CARDS = """() => [performance.getEntriesByName('agent-console:first-sync')[0].startTime,
                           window.__allCards,
                           performance.getEntriesByType('navigation')[0].responseEnd,
                           performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd]"""


def first_paint(browser: Browser, server: Server, loads: int, new_tab: bool) -> list[list[float]]:
    """Milliseconds from navigation start to the frame after the last card, with the built client
    cached (someone who has used it before opens it again): in an open tab (from a blank page of
    the same origin), or in a new tab (the browser starts a renderer for it first)."""
    context = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    context.add_init_script(ALL_CARDS)
    page = context.new_page()
    page.goto(f"{server.base_url}/?token={TOKEN}")  # signs in and fills the cache
    page.wait_for_function("() => window.__allCards !== null", timeout=60_000)
    times: list[list[float]] = []
    for _ in range(loads):
        if new_tab:
            page.close()
            page = context.new_page()
        else:
            page.goto(f"{server.base_url}/api/health")
        page.goto(server.base_url)
        page.wait_for_function("() => window.__allCards !== null", timeout=60_000)
        times.append(page.evaluate(SYNC_AND_CARDS))
    context.close()
    return times


def paint_summary(loads: list[list[float]]) -> dict[str, float]:
    """Median and worst time to all cards, and the median of each phase before it."""

    def median(i: int) -> float:
        return round(statistics.median(t[i] for t in loads))

    return {"median": median(1), "worst": round(max(t[1] for t in loads)), "loads": len(loads),
            "page received": median(2), "script run": median(3), "sessions-sync in": median(0)}  # fmt: skip


def heap(cdp: CDPSession) -> tuple[float, float]:
    """The JS heap in use now, and after a full garbage collection (MB)."""
    used = metric(cdp, "JSHeapUsedSize")
    cdp.send("HeapProfiler.collectGarbage")
    return used / 1e6, metric(cdp, "JSHeapUsedSize") / 1e6


def metric(cdp: CDPSession, name: str) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == name))


def longest_task(trace: bytes) -> tuple[float, float]:
    """The longest task on the page's main thread in a Chrome trace (ms): the longest complete
    event there, since whatever runs inside a task is no longer than the task — in wall time
    (which includes waiting for a core on a loaded machine) and in the thread's CPU time."""
    events = json.loads(trace)["traceEvents"]
    main = {(e["pid"], e["tid"]) for e in events
            if e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"}  # fmt: skip
    tasks = [e for e in events if e.get("ph") == "X" and (e["pid"], e["tid"]) in main]
    wall = max((e.get("dur", 0) / 1000 for e in tasks), default=0.0)
    cpu = max((e.get("tdur", 0) / 1000 for e in tasks), default=0.0)
    return wall, cpu


def under_load(browser: Browser, server: Server, view: str, seconds: float) -> dict[str, Any]:
    """One view of the dashboard while the busy agents work: longest task, heap, CPU, frames."""
    context = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    context.add_init_script(WATCH)
    context.add_init_script(
        f"localStorage.setItem('agent-console:preferences', '{json.dumps({'view': view})}')"
    )
    page = context.new_page()
    page.goto(f"{server.base_url}/?token={TOKEN}")
    page.locator(".session-card, .worker-table, .wall").first.wait_for(timeout=60_000)
    page.wait_for_timeout(2000)  # settle: fonts, first previews
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    task_before, start = metric(cdp, "TaskDuration"), time.monotonic()
    page.evaluate("() => { window.__long = []; }")  # only the tasks under load count
    browser.start_tracing(
        page=page, categories=["devtools.timeline", "disabled-by-default-devtools.timeline"]
    )
    peak = 0.0
    end = start + seconds
    gaps: list[float] = []
    while time.monotonic() < end:
        if view == "wall":
            gaps += page.evaluate("(ms) => window.__frames(ms)", 2000)
        else:
            page.wait_for_timeout(1000)
        peak = max(peak, metric(cdp, "JSHeapUsedSize") / 1e6)
    trace = browser.stop_tracing()
    cpu = 100 * (metric(cdp, "TaskDuration") - task_before) / (time.monotonic() - start)
    now, after_gc = heap(cdp)
    wall, cpu_ms = longest_task(trace)
    result = {
        "view": view,
        "longest task (ms)": round(wall, 1),
        "busiest task's CPU (ms)": round(cpu_ms, 1),
        "tasks over 50 ms": len(page.evaluate("() => window.__long")),
        "heap peak (MB)": round(max(peak, now), 1),
        "heap after GC (MB)": round(after_gc, 1),
        "page CPU (% of a core)": round(cpu, 1),
    }
    if gaps:
        ordered = sorted(gaps[1:])
        result["frame p50 / p95 / max (ms)"] = [round(statistics.median(ordered), 1),
            round(ordered[int(len(ordered) * 0.95)], 1), round(ordered[-1], 1)]  # fmt: skip
        result["tiles"] = page.locator(".tile").count()
    context.close()
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"sessions": SESSIONS, "workers": WORKERS, "busy": BUSY,
                               "load average before": round(psutil.getloadavg()[0], 2)}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "data", env={"SHELL": "/bin/sh"}).start()
        try:
            with server.http() as api:
                busy = seed(api, Path(tmp))
            procs = Processes(server)
            time.sleep(3)  # the shells' start-up output settles
            results["server CPU, 150 idle workers (% of a core)"] = procs.cpu(args.idle_seconds)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=str(CHROMIUM), args=[*ARGS, "--enable-precise-memory-info"]
                )
                for where, new_tab in (("in an open tab", False), ("in a new tab", True)):
                    loads = first_paint(browser, server, args.loads, new_tab)
                    results[f"first paint, all 100 cards, {where} (ms)"] = paint_summary(loads)
                counter = PreviewCounter(server)
                counter.start()
                type_into(server, busy, "go\r")
                results["server CPU, 20 busy + 130 idle (% of a core)"] = procs.cpu(
                    args.idle_seconds
                )
                sent = counter.count, counter.bytes, time.monotonic()
                results["views under load"] = [under_load(browser, server, view, args.seconds)
                                               for view in ("cards", "list", "wall")]  # fmt: skip
                elapsed = time.monotonic() - sent[2]
                counter.stop.set()
                counter.join()
                results["worker-preview messages per second"] = round(
                    (counter.count - sent[0]) / elapsed, 2
                )
                results["worker-preview bytes per second"] = round(
                    (counter.bytes - sent[1]) / elapsed
                )
                browser.close()
        finally:
            server.stop()
    return results


def targets(results: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(figure, value, target) for each of the issue's targets: lower is better."""
    found = [(f"first paint {where}, median (ms)", results[key]["median"], 500.0)
             for where in ("in an open tab", "in a new tab")
             for key in [f"first paint, all 100 cards, {where} (ms)"]]  # fmt: skip
    for view in results["views under load"]:
        name = view["view"]
        found += [(f"{name}: longest task, wall (ms)", view["longest task (ms)"], 50.0),
                  (f"{name}: busiest task's CPU (ms)", view["busiest task's CPU (ms)"], 50.0),
                  (f"{name}: heap peak (MB)", view["heap peak (MB)"], 30.0)]  # fmt: skip
    return found


def report(results: dict[str, Any]) -> None:
    print(
        f"\nDashboard: {results['sessions']} sessions, {results['workers']} workers, {results['busy']} busy"
    )
    for key, value in results.items():
        if key == "views under load":
            for view in value:
                print(
                    f"  {view['view']}: "
                    + ", ".join(f"{k} {v}" for k, v in view.items() if k != "view")
                )
        elif key not in ("sessions", "workers", "busy"):
            print(f"  {key}: {value}")
    print("Targets:")
    for name, value, target in targets(results):
        print(f"  {name}: {value} (target <= {target:g}) {'met' if value <= target else 'MISSED'}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="measuring time per view")
    parser.add_argument("--idle-seconds", type=float, default=10.0, help="server CPU sampling time")
    parser.add_argument("--loads", type=int, default=5, help="dashboard loads for first paint")
    results = run(parser.parse_args())
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "dashboard.json").write_text(json.dumps(results, indent=2))
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
