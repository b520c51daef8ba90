"""Ends what a CLI left running after its worker was stopped: processes that detached from the
worker's process group (Codex's app-server daemon) and whose program or working directory lies
in the run's own throw-away folder, so nothing of anyone else's is touched."""

from __future__ import annotations

import contextlib
from pathlib import Path

import psutil


def leftovers(folder: Path) -> list[psutil.Process]:
    root = str(folder.resolve())
    found = []
    for process in psutil.process_iter(["exe", "cwd"]):
        paths = [process.info.get("exe") or "", process.info.get("cwd") or ""]
        if any(p == root or p.startswith(root + "/") for p in paths):
            found.append(process)
    return found


def reap(folder: Path) -> int:
    """SIGTERM, then SIGKILL after 3 s, to each leftover; returns how many there were."""
    processes = leftovers(folder)
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.terminate()
    _, alive = psutil.wait_procs(processes, timeout=3)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()
    return len(processes)
