"""Backpressure against a real server: a client that never reads while a worker floods 50 MB
is dropped (once it has held the worker back for 10 s), server memory stays bounded (measured),
and other clients and the worker go on."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from pathlib import Path

import httpx
import psutil

from tests.harness import TIMEOUT, Server, never_reading_client, read_output_until

FLOOD_BYTES = 50_000_000
MIB = 1024 * 1024
MEMORY_BOUND = 32 * MIB  # growth allowed; buffering the flood for one client would pass 50 MiB


def drain(sock: socket.socket) -> int:
    """Reads until the server closes the connection; how many bytes came. (A client is closed
    once it has held its worker back for 10 s without reading: allow for that.)"""
    total = 0
    deadline = time.monotonic() + 2 * TIMEOUT
    while chunk := sock.recv(1 << 20):
        total += len(chunk)
        assert time.monotonic() < deadline, "the server never closed the stuck client"
    return total


async def test_a_client_that_never_reads_cannot_hurt_anyone(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """During a 50 MB flood a never-reading client is dropped, the server's memory grows by a
    bounded amount, a reading client gets every byte, and the worker keeps answering."""
    session = api.post("/api/sessions", json={"type": "quick", "locationPath": str(tmp_path)})
    body = session.json()["session"]
    path = server.worker_path(body["id"], body["workers"][0]["id"])
    assert server.proc is not None
    process = psutil.Process(server.proc.pid)
    stuck = never_reading_client(server, path)
    with stuck:
        async with server.ws(path, max_size=None) as ws:
            await ws.send(json.dumps({"type": "input", "data": "echo READY-$((1+1))\r"}))
            await read_output_until(ws, "READY-2")
            baseline = peak = process.memory_info().rss
            command = (
                f"head -c {FLOOD_BYTES} /dev/zero | tr '\\0' x; echo; echo FLOOD-$((6*7))-END\r"
            )
            await ws.send(json.dumps({"type": "input", "data": command}))
            received, seen = 0, ""
            while "FLOOD-42-END" not in seen:
                message = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
                data = message.get("data", "")
                received += len(data)
                seen = seen[-16:] + data  # the marker may straddle two messages
                peak = max(peak, process.memory_info().rss)
            assert received >= FLOOD_BYTES
            await ws.send(json.dumps({"type": "input", "data": "echo AFTER-$((2+3))\r"}))
            await read_output_until(ws, "AFTER-5")
        growth = peak - baseline
        print(f"server RSS: baseline {baseline / MIB:.1f} MiB, peak growth {growth / MIB:.1f} MiB")
        assert growth < MEMORY_BOUND, f"server memory grew {growth / MIB:.1f} MiB"
        assert drain(stuck) < FLOOD_BYTES // 4, "the stuck client was sent the whole flood"
    worker = api.get(f"/api/sessions/{body['id']}").json()["session"]["workers"][0]
    assert worker["status"] == "running"
