"""Issue 9 item 9: attaching to and leaving a git-diff worker while its watcher starts leaks
nothing: no thread, no inotify instance, no file descriptor stays behind."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import httpx
import psutil

from tests.gitrepo import make_repo
from tests.harness import Server, eventually_async

CHURN = 100
FOLDERS = 2000


def resources(process: psutil.Process) -> dict[str, int]:
    fds = list(Path(f"/proc/{process.pid}/fd").iterdir())
    inotify = sum(1 for fd in fds if _target(fd) == "anon_inode:inotify")
    return {"threads": process.num_threads(), "inotify": inotify, "fds": len(fds)}


def _target(fd: Path) -> str:
    try:
        return str(fd.readlink())
    except OSError:
        return ""


async def settle(process: psutil.Process, limit: dict[str, int]) -> dict[str, int]:
    """The counts once every one is back within `limit`; fails, saying the last, if they never are."""

    def within() -> dict[str, int]:
        now = resources(process)
        assert all(now[k] <= limit[k] for k in limit), now
        return now

    return await eventually_async(within, what=f"counts within {limit}")


async def test_diff_socket_churn_leaves_nothing_behind(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """100 attach-and-leave cycles on a git-diff worker's socket, each leaving while the
    watcher starts, end with as many threads, inotify instances and fds as one cycle."""
    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    for n in range(FOLDERS):  # watching many folders takes a while: the window to leave in
        (repo / "tree" / str(n)).mkdir(parents=True)
    session = api.post("/api/sessions", json={"type": "quick", "locationPath": str(repo)})
    session_id = session.json()["session"]["id"]
    worker = api.post(f"/api/sessions/{session_id}/workers", json={"type": "git-diff"})
    path = server.worker_path(session_id, worker.json()["worker"]["id"])
    assert server.proc is not None
    process = psutil.Process(server.proc.pid)
    async with server.ws(path) as ws:
        await ws.recv()  # history
        await ws.recv()  # diff-changed: the watcher is running
    baseline = await settle(process, {"inotify": 0})
    for cycle in range(CHURN):
        async with server.ws(path) as ws:
            await ws.recv()  # history: attached, the watcher is starting
            # Leave at a different moment of the watcher's start each time.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ws.recv(), cycle % 20 / 200)
    await settle(process, baseline)
