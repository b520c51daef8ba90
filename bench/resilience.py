"""Benchmarks of what must hold under stress: a server restart with 20 busy workers (time until
every client has caught up), 40 clients connecting at once to a 10 MiB history (server memory),
and a 50-client fan-out flood (rate per client, every byte delivered)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import psutil
from tests.harness import Server

MIB = 1024 * 1024


def _last_offset(frame: str) -> int | None:
    at = frame.rfind('"offset":')
    if at < 0:
        return None
    end = frame.find(",", at)
    return int(frame[at + 9 : end if end > 0 else frame.index("}", at)])


def _session(server: Server, workdir: Path, title: str) -> dict[str, Any]:
    with server.http() as api:
        body = {"type": "quick", "locationPath": str(workdir), "title": title}
        return api.post("/api/sessions", json=body).json()["session"]  # type: ignore[no-any-return]


async def _type(server: Server, session: dict[str, Any], text: str) -> None:
    async with server.ws(server.worker_path(session["id"], session["workers"][0]["id"])) as ws:
        await ws.recv()
        await ws.send(json.dumps({"type": "input", "data": text}))


async def restart_catch_up(data_dir: Path, workdir: Path, env: dict[str, str]) -> float:
    """Seconds from starting a new server (the old one killed with SIGKILL) until each of 20
    clients, reconnecting with its offset, has every byte its worker printed meanwhile."""
    server = Server(data_dir, env=env).start()
    sessions = [_session(server, workdir, f"busy-{i}") for i in range(20)]
    ticker = "i=0; while [ $i -lt 100000 ]; do echo tick-$i; i=$((i+1)); sleep 0.01; done\r"
    for session in sessions:
        await _type(server, session, ticker)
    offsets = []
    for session in sessions:
        path = server.worker_path(session["id"], session["workers"][0]["id"])
        async with server.ws(path) as ws:
            offsets.append(json.loads(await ws.recv())["offset"])
    server.kill(keep_host=True)
    await asyncio.sleep(1.0)  # the work goes on while no server runs
    begin = time.perf_counter()
    server = Server(data_dir, env=env).start()

    async def catch_up(session: dict[str, Any], offset: int) -> None:
        path = server.worker_path(session["id"], session["workers"][0]["id"], offset)
        async with server.ws(path, max_size=None) as ws:
            while json.loads(await ws.recv())["type"] != "output":
                pass  # history (and any pieces after it) first; a live output means caught up

    await asyncio.gather(*(catch_up(s, o) for s, o in zip(sessions, offsets, strict=True)))
    elapsed = time.perf_counter() - begin
    server.stop()
    return elapsed


async def history_connect_memory(server: Server, workdir: Path, history_mb: int) -> float:
    """Peak growth of server RSS (MiB) while 40 clients connect at once to a worker with
    `history_mb` MiB of history and read all of it."""
    session = _session(server, workdir, "history")
    path = server.worker_path(session["id"], session["workers"][0]["id"])
    lines = history_mb * MIB // 100
    async with server.ws(path, max_size=None) as ws:
        await ws.recv()
        command = f"stty -echo; seq -f '%099g' 1 {lines}; echo HISTORY-$((20+22))\r"
        await ws.send(json.dumps({"type": "input", "data": command}))
        text, end = "", 0
        while "HISTORY-42" not in text:
            frame = json.loads(await ws.recv())
            text, end = text[-32:] + frame.get("data", ""), frame.get("offset", end)
    assert server.proc is not None
    proc = psutil.Process(server.proc.pid)
    baseline = peak = proc.memory_info().rss

    async def reader() -> None:
        async with server.ws(path, max_size=None) as ws:
            offset = 0
            while offset < end:
                offset = _last_offset(str(await ws.recv())) or offset

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, proc.memory_info().rss)
            await asyncio.sleep(0.02)

    sampler = asyncio.create_task(sample())
    await asyncio.gather(*(reader() for _ in range(40)))
    sampler.cancel()
    with server.http() as api:
        api.delete(f"/api/sessions/{session['id']}")
    return (peak - baseline) / MIB


async def fan_out(server: Server, workdir: Path, clients: int, size_mb: int) -> list[float]:
    """Bytes/s each of `clients` reading clients gets while one worker prints `size_mb` MB;
    asserts every client received every byte (by offsets)."""
    session = _session(server, workdir, "fan-out")
    path = server.worker_path(session["id"], session["workers"][0]["id"])
    sockets = [await server.ws(path, max_size=None) for _ in range(clients)]
    starts = [json.loads(await ws.recv())["offset"] for ws in sockets]
    size = size_mb * 1_000_000
    command = f"stty -echo; head -c {size} /dev/zero | tr '\\0' y; echo; echo FAN-$((40+2))\r"
    await sockets[0].send(json.dumps({"type": "input", "data": command}))

    async def drain(ws: Any, start: int) -> float:
        begin, offset, text = time.perf_counter(), start, ""
        while "FAN-42" not in text:
            frame = json.loads(await ws.recv())
            if frame["type"] == "history":
                assert frame["startOffset"] == offset, "a client lost bytes"
            if frame["type"] in ("history", "output"):
                offset = frame["offset"]
                text = text[-8:] + frame["data"]
        rate = (offset - start) / (time.perf_counter() - begin)
        await ws.close()
        return rate

    rates = await asyncio.gather(*(drain(ws, s) for ws, s in zip(sockets, starts, strict=True)))
    with server.http() as api:
        api.delete(f"/api/sessions/{session['id']}")
    return list(rates)
