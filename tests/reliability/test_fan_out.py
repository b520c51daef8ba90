"""Floods against a real server: every client that keeps reading gets every byte (offsets and a
checksum), slow readers hold the worker back instead of losing output, only a stalled client is
dropped (1013), and memory stays bounded while many clients stream a long history."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from websockets.exceptions import ConnectionClosed

from tests.harness import (
    TIMEOUT,
    Server,
    create_session,
    never_reading_client,
    read_output_until,
)

MIB = 1024 * 1024


class Counted:
    """What one client received: bytes by offset, and their checksum."""

    def __init__(self) -> None:
        self.offset = -1
        self.digest = hashlib.sha256()
        self.closed: int | None = None

    def take(self, message: dict[str, Any]) -> None:
        if message["type"] == "history":
            assert self.offset in (-1, message["startOffset"]), "a gap or a repeat"
            assert "lostBytes" not in message
        elif message["type"] == "output":
            assert self.offset >= 0, "output before history"
        else:
            return
        data = message["data"].encode()
        start = message["offset"] - len(data)
        assert self.offset in (-1, start), f"expected {self.offset}, got a piece from {start}"
        self.offset = message["offset"]
        self.digest.update(data)


async def read_all(server: Server, path: str, until: str, pace: float = 0.0) -> Counted:
    """Reads the worker socket until `until` was printed; `pace` seconds of sleep per frame."""
    counted, tail = Counted(), ""
    async with server.ws(path, max_size=None) as ws:
        while until not in tail:
            message = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT * 3))
            counted.take(message)
            tail = tail[-64:] + message.get("data", "")
            if pace:
                await asyncio.sleep(pace)  # not a wait: this client reads slowly on purpose
    return counted


def log_digest(server: Server, worker_id: str, end: int) -> str:
    raw = (server.data_dir / "logs" / f"{worker_id}.log").read_bytes()
    assert int.from_bytes(raw[8:16], "big") == 0
    return hashlib.sha256(raw[16 : 16 + end]).hexdigest()


async def flood(
    server: Server, api: httpx.Client, tmp_path: Path, megabytes: int, paces: list[float]
) -> tuple[str, list[Counted]]:
    session = create_session(api, tmp_path)
    wid = session["workers"][0]["id"]
    path = server.worker_path(session["id"], wid)
    command = (
        f"stty -echo; head -c {megabytes * 1_000_000} /dev/urandom | base64 -w 200;"
        " echo FLOOD-$((6*7))-END\r"
    )
    async with server.ws(path) as ws:
        await ws.send(json.dumps({"type": "input", "data": "echo READY-$((1+1))\r"}))
        await read_output_until(ws, "READY-2")
        readers = [asyncio.create_task(read_all(server, path, "FLOOD-42-END", p)) for p in paces]
        await asyncio.sleep(0)  # not a wait: one yield so the readers start connecting (none must)
        await ws.send(json.dumps({"type": "input", "data": command}))
        results = await asyncio.gather(*readers)
    return wid, list(results)


async def test_fifty_reading_clients_each_get_every_byte(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """50 clients read a flood at once (the server is the bottleneck): none is dropped, each
    received exactly the bytes in the log, checked by offsets and a checksum."""
    wid, results = await flood(server, api, tmp_path, 6, [0.0] * 50)
    end = results[0].offset
    assert all(r.offset == end for r in results)
    expected = log_digest(server, wid, end)
    assert all(r.digest.hexdigest() == expected for r in results)


async def test_a_slow_reader_holds_the_worker_back_and_loses_nothing(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """One client reads slowly beside a fast one during a flood bigger than half the retained
    history: the worker is paused for it rather than letting it fall out of retention."""
    server_args = server.args
    assert "--scrollback-bytes" not in server_args  # 10 MiB retained: half is 5 MiB
    _wid, results = await flood(server, api, tmp_path, 12, [0.0, 0.004])
    fast, slow = results
    assert fast.offset == slow.offset
    assert slow.digest.hexdigest() == fast.digest.hexdigest()


async def test_only_a_stalled_client_is_dropped(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A client that reads nothing while it holds the worker back is closed with 1013 after
    10 s; the reading client gets every byte and the flood finishes."""
    session = create_session(api, tmp_path)
    path = server.worker_path(session["id"], session["workers"][0]["id"])
    stuck = never_reading_client(server, path)
    with stuck:
        wid, results = await flood_in(server, api, path, 12)
        began = time.monotonic()
        stuck.settimeout(TIMEOUT)
        data = b""
        while chunk := stuck.recv(1 << 20):
            data += chunk
            assert time.monotonic() - began < TIMEOUT * 2, "the stalled client was not closed"
    assert re.search(rb"\x88[\x02-\x7d]\x03\xf5", data), "no close frame with code 1013"
    expected = log_digest(server, wid, results.offset)
    assert results.digest.hexdigest() == expected


async def flood_in(
    server: Server, api: httpx.Client, path: str, megabytes: int
) -> tuple[str, Counted]:
    wid = path.rsplit("/", 1)[1]
    command = (
        f"stty -echo; head -c {megabytes * 1_000_000} /dev/urandom | base64 -w 200;"
        " echo FLOOD-$((6*7))-END\r"
    )
    reader = asyncio.create_task(read_all(server, path, "FLOOD-42-END"))
    async with server.ws(path) as ws:
        await ws.send(json.dumps({"type": "input", "data": command}))
        return wid, await reader


async def test_forty_clients_on_a_long_history_cost_bounded_memory(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """40 clients connecting at once to 10 MiB of history are streamed it in pieces: the
    server grows by far less than 40 copies of it (was +1.2 GiB)."""
    session = create_session(api, tmp_path)
    path = server.worker_path(session["id"], session["workers"][0]["id"])
    async with server.ws(path) as ws:
        command = "stty -echo; seq -f '%099g' 1 105000; echo HISTORY-$((20+22))\r"
        await ws.send(json.dumps({"type": "input", "data": command}))
        await read_output_until(ws, "HISTORY-42", timeout=TIMEOUT * 3)
    assert server.proc is not None
    proc = psutil.Process(server.proc.pid)
    baseline = peak = proc.memory_info().rss
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, proc.memory_info().rss)
            await asyncio.sleep(0.02)  # not a wait: the sampling rate while the clients read

    sampler = asyncio.create_task(sample())
    try:
        results = await asyncio.gather(
            *(read_all(server, path, "HISTORY-42") for _ in range(40)), return_exceptions=True
        )
    finally:
        done.set()
        await sampler
    assert not [r for r in results if isinstance(r, BaseException | ConnectionClosed)]
    growth = (peak - baseline) / MIB
    print(f"server RSS growth with 40 clients on 10 MiB of history: {growth:.1f} MiB")
    assert growth < 120, f"server memory grew {growth:.1f} MiB"


async def test_a_paused_client_holds_nobody_back_and_resumes_losing_nothing(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A client that sent `pause` (a hidden tab) gets no output and never pauses the worker for
    the others; after `resume` it receives everything it missed, in order."""
    session = create_session(api, tmp_path)
    path = server.worker_path(session["id"], session["workers"][0]["id"])
    async with server.ws(path, max_size=None) as hidden:
        history = json.loads(await hidden.recv())
        await hidden.send(json.dumps({"type": "pause"}))
        wid, reading = await flood_in(server, api, path, 8)  # > 1 MiB: it would pause otherwise
        await hidden.send(json.dumps({"type": "resume"}))
        counted, tail = Counted(), ""
        counted.take(history)
        while "FLOOD-42-END" not in tail:
            message = json.loads(await asyncio.wait_for(hidden.recv(), TIMEOUT))
            counted.take(message)
            tail = tail[-64:] + message.get("data", "")
    assert counted.offset >= reading.offset - 200  # the prompt after the flood may differ
    end = min(counted.offset, reading.offset)
    assert log_digest(server, wid, counted.offset) == counted.digest.hexdigest()
    assert end > 8_000_000
