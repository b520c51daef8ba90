"""A worker with a long history, made quickly (for the browser tests and the browser bench): a
file of numbered lines `cat` into its terminal with no client attached, so nobody slows the
program down, then waited for through the REST history route.

Line n reads `history line 000000n ` padded with dots to 100 characters, so the first and last
lines are known; a `needle` line can be put `needle_back` bytes before the end.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from websockets.sync.client import connect

from tests.harness import TIMEOUT, TOKEN, Server, eventually

MIB = 1024 * 1024
LINE = 100  # characters per line, newline included (the PTY sends 101 bytes: \r\n)
DONE = "HISTORY-DONE-"


def line(n: int) -> str:
    return f"history line {n:07d} ".ljust(LINE - 1, ".") + "\n"


def history_file(path: Path, size: int, needle: str = "", needle_back: int = 0) -> int:
    """Writes about `size` bytes of terminal output to `path` (\\n counted as the \\r\\n the
    PTY makes of it); `needle` on a line of its own `needle_back` bytes before the end. Returns
    the number of numbered lines."""
    count = size // (LINE + 1)
    at = count - needle_back // (LINE + 1) if needle else -1
    with path.open("w") as out:
        for n in range(1, count + 1):
            if n == at:
                out.write(f"{needle}\n")
            out.write(line(n))
    return count


def fill(server: Server, session_id: str, worker_id: str, path: Path, tag: str = "42") -> int:
    """Prints `path` in the worker's shell and returns once all of it is in the log; returns
    the log's end offset."""
    command = f"stty -echo; cat {path}; echo {DONE}$((0+{tag}))\r"
    url = f"{server.ws_base}/ws/session/{session_id}/worker/{worker_id}?tail=0"
    with connect(url, additional_headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
        ws.recv(timeout=TIMEOUT)
        ws.send(json.dumps({"type": "input", "data": command}))
    with server.http() as api:
        return _wait_for(api, f"/api/sessions/{session_id}/workers/{worker_id}", DONE + tag)


def _wait_for(api: httpx.Client, worker: str, text: str) -> int:
    def offset() -> int | None:
        response = api.get(f"{worker}/history", params={"end": 2**53, "bytes": 4096})
        if response.status_code == 200 and text in response.json()["data"]:
            return int(response.json()["offset"])
        return None

    return eventually(offset, 6 * TIMEOUT, f"{text!r} at the end of the log of {worker}")
