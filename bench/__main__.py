"""`make bench`: throughput (1 and 4 clients), 20 workers at once, keystroke echo latency, idle
CPU of 20 workers with clients attached, memory per idle worker and peak memory in a flood; then
search across everything (bench/search.py) and the browser opening and switching to 10 MiB
histories (bench/browser.py), each figure beside its target.

Each figure is printed beside the raw PTY figure measured in the same run, and as a ratio, since
these machines are noisy. Results are also written to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from tests.harness import Server
from websockets.asyncio.client import connect

from bench import browser, host, raw, resilience, search

MB = 1_000_000


def producer(size_mb: int, workdir: Path) -> list[str]:
    """A command that prints `size_mb` MB of terminal-like text and exits."""
    line = ("The quick brown fox jumps over the lazy dog 0123456789 " * 2)[:110] + "\n"
    data = workdir / f"flood-{size_mb}.txt"
    if not data.exists():
        data.write_text(line * (size_mb * MB // len(line)))
    return ["cat", str(data)]


class Bench:
    def __init__(self, server: Server, workdir: Path, size_mb: int) -> None:
        self.server = server
        self.workdir = workdir
        self.size_mb = size_mb
        self.api = server.http()
        self.proc = psutil.Process(server.proc.pid if server.proc else 0)
        self.host = psutil.Process(server.host_pid or 0)
        self.cpu_per_byte = 0.0

    def session(self, title: str) -> dict[str, Any]:
        body = {"type": "quick", "locationPath": str(self.workdir), "title": title}
        return self.api.post("/api/sessions", json=body).json()["session"]  # type: ignore[no-any-return]

    async def flood(
        self, clients: int, workers: int = 1, size_mb: int = 0
    ) -> tuple[list[float], float, int]:
        """Per-client rates (bytes/s) while `workers` terminals each print the flood file.

        Clients read frames as a terminal would but parse only each frame's trailing offset, so
        the figure is the server's delivery rate, not this process's JSON decoding."""
        sessions = [self.session(f"flood-{i}") for i in range(workers)]
        flood = producer(size_mb or self.size_mb, self.workdir)
        content = Path(flood[1]).read_bytes()
        expected = len(content) + content.count(b"\n")  # the PTY turns each \n into \r\n
        peak = self.proc.memory_info().rss
        sockets = []
        for s in sessions:
            path = self.server.worker_path(s["id"], s["workers"][0]["id"])
            for _ in range(clients):
                sockets.append(await self.server.ws(path, max_size=None))
            await sockets[-1].recv()
            await sockets[-1].send(
                json.dumps({"type": "input", "data": "stty -echo; echo READY-$((6*7))\r"})
            )
            await self._until(sockets[-1], "READY-42")
        starts = []
        for ws in sockets:
            await ws.close()
        sockets = []
        for s in sessions:
            path = self.server.worker_path(s["id"], s["workers"][0]["id"])
            for _ in range(clients):
                ws = await self.server.ws(path, max_size=None)
                history = json.loads(await ws.recv())
                sockets.append(ws)
                starts.append(history["offset"])
        stop = asyncio.Event()

        async def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, self.proc.memory_info().rss)
                await asyncio.sleep(0.05)

        async def drain(ws: Any, start_offset: int) -> float:
            begin = time.perf_counter()
            offset = start_offset
            while offset - start_offset < expected:
                frame = await ws.recv()
                at = frame.rfind('"offset":')
                if at > 0:
                    offset = int(frame[at + 9 : frame.index("}", at)])
            return (offset - start_offset) / (time.perf_counter() - begin)

        cpu_before = self.cpu_seconds()
        sampler = asyncio.create_task(sample())
        tasks = [
            asyncio.create_task(drain(ws, off)) for ws, off in zip(sockets, starts, strict=True)
        ]
        for i in range(len(sessions)):
            await sockets[i * clients].send(
                json.dumps({"type": "input", "data": " ".join(flood) + "\r"})
            )
        rates = await asyncio.gather(*tasks)
        self.cpu_per_byte = (self.cpu_seconds() - cpu_before) / (expected * workers)
        stop.set()
        await sampler
        for ws in sockets:
            await ws.close()
        for s in sessions:
            self.api.delete(f"/api/sessions/{s['id']}")
        return list(rates), sum(rates), peak

    async def echo(self, samples: int) -> list[float]:
        session = self.session("echo")
        path = self.server.worker_path(session["id"], session["workers"][0]["id"])
        async with self.server.ws(path) as ws:
            await self._cat(ws)
            result = [await self._keystroke(ws, i) for i in range(samples)]
        self.api.delete(f"/api/sessions/{session['id']}")
        return result

    async def echo_beside_flood(self, size_mb: int) -> list[float]:
        """Keystroke echo in one terminal while another prints `size_mb` MB to a reader in a
        process of its own (bench/reader.py): what typing feels like beside a busy agent."""
        echo, flood = self.session("echo"), self.session("flood")
        command = " ".join(producer(size_mb, self.workdir))
        url = self.server.ws_base + self.server.worker_path(flood["id"], flood["workers"][0]["id"])
        result: list[float] = []
        path = self.server.worker_path(echo["id"], echo["workers"][0]["id"])
        async with self.server.ws(path) as ws:
            await self._cat(ws)
            reader = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.reader", f"{url}?tail=0",
                f"stty -echo; {command}; echo FLOOD-$((40+2))", "FLOOD-42",
                env={**self.server.env, "PYTHONPATH": str(Path(__file__).parent.parent)},
            )  # fmt: skip
            waited = asyncio.create_task(reader.wait())
            while not waited.done():
                result.append(await self._keystroke(ws, len(result)))
                await asyncio.sleep(0.002)  # a fast typist's pace, not a wait for anything
            assert await waited == 0, "the flood's reader failed"
        for session in (echo, flood):
            self.api.delete(f"/api/sessions/{session['id']}")
        return result

    @staticmethod
    async def websocket_floor(samples: int) -> list[float]:
        """The same keystrokes echoed by a bare WebSocket server (bench/echo_server.py)."""
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.echo_server", stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
        )  # fmt: skip
        assert server.stdout is not None
        port = int(await server.stdout.readline())
        result = []
        try:
            async with connect(f"ws://127.0.0.1:{port}", compression=None) as ws:
                for i in range(samples):
                    start = time.perf_counter()
                    await ws.send(json.dumps({"type": "input", "data": chr(ord("a") + i % 26)}))
                    json.loads(await ws.recv())
                    result.append(time.perf_counter() - start)
        finally:
            server.kill()
            await server.wait()
        return result

    def cpu_seconds(self) -> float:
        """CPU time of the server and the worker host together."""
        return sum(self.proc.cpu_times()[:2]) + sum(self.host.cpu_times()[:2])

    async def _cat(self, ws: Any) -> None:
        """The worker's shell becomes `cat`, which echoes each keystroke (its history read)."""
        await ws.recv()
        await ws.send(json.dumps({"type": "input", "data": "exec cat\r"}))
        await self._until(ws, "exec cat\r\n")

    async def _keystroke(self, ws: Any, number: int) -> float:
        """Seconds from sending one key (the number-th) to its echo."""
        key = chr(ord("a") + number % 26)
        start = time.perf_counter()
        await ws.send(json.dumps({"type": "input", "data": key}))
        await self._until(ws, key)
        return time.perf_counter() - start

    @staticmethod
    async def _until(ws: Any, needle: str) -> None:
        text = ""
        while needle not in text:
            message = json.loads(await ws.recv())
            text += message.get("data", "")

    async def idle(self, workers: int, seconds: float) -> tuple[float, float]:
        """(CPU % of one core, bytes of server memory per worker) for idle workers with clients."""
        before = self.proc.memory_info().rss
        sessions = [self.session(f"idle-{i}") for i in range(workers)]
        sockets = []
        for s in sessions:
            ws = await self.server.ws(self.server.worker_path(s["id"], s["workers"][0]["id"]))
            await ws.recv()
            sockets.append(ws)
        app = await self.server.ws("/ws/app")
        await app.recv()
        await asyncio.sleep(3)  # let the shells finish starting
        per_worker = (self.proc.memory_info().rss - before) / workers
        cpu_before = self.cpu_seconds()
        await asyncio.sleep(seconds)
        cpu = (self.cpu_seconds() - cpu_before) / seconds * 100
        for ws in [*sockets, app]:
            await ws.close()
        for s in sessions:
            self.api.delete(f"/api/sessions/{s['id']}")
        return cpu, per_worker


Target = tuple[str, Callable[[float, float], bool]]
# Each figure's target (from the issues), as text and as a check of (value, raw value).
TARGETS: dict[str, Target] = {
    "worker host alone, 1 worker (the hop)": (">= 0.9x raw: the hop costs <= 10 %",
                                               lambda v, r: v >= 0.9 * r),
    "server restart: 20 clients caught up (s)": ("<= 2 s", lambda v, r: v <= 2.0),
    "idle CPU, 20 workers + clients (% core)": ("< 0.5 %, host + server", lambda v, r: v < 0.5),
    "memory per idle worker": ("<= 1 MiB", lambda v, r: v <= 1),
    "echo latency p50 (lower is better)": ("<= raw + 0.3 ms", lambda v, r: v <= r + 0.3),
    "echo latency p99 (lower is better)": ("<= raw + 1 ms", lambda v, r: v <= r + 1),
    "echo beside a flood p50 (lower is better)": ("informational", lambda v, r: True),
    "echo beside a flood p99 (lower is better)": ("informational", lambda v, r: True),
    "throughput, 1 client": (">= 0.75x raw", lambda v, r: v >= 0.75 * r),
    "CPU per MB relayed, host + server (lower is better)": (
        "<= 1.5x the bare loop", lambda v, r: v <= 1.5 * r),
    "throughput per client, 4 clients": (">= 0.6x raw", lambda v, r: v >= 0.6 * r),
    "aggregate, 20 workers at once": (">= 0.75x raw", lambda v, r: v >= 0.75 * r),
    "peak server memory, 4-client flood": ("bounded (< 128 MiB)", lambda v, r: v < 128),
    "peak server memory, 20-worker flood": ("bounded (< 128 MiB)", lambda v, r: v < 128),
    "server RSS growth, 40 clients x 10 MiB history": ("<= 64 MiB", lambda v, r: v <= 64),
    "fan-out per client, 50 clients (slowest)": ("every byte; informational",
                                                 lambda v, r: True),
}  # fmt: skip


def row(name: str, value: float, raw_value: float, unit: str) -> dict[str, Any]:
    ratio = value / raw_value if raw_value else float("nan")
    text, check = TARGETS[name]
    verdict = "met" if check(value, raw_value) else "MISSED"
    print(
        f"{name:<52} {value:>9.2f} {unit:<5} raw {raw_value:>9.2f} {unit:<5} "
        f"ratio {ratio:5.2f}x  target {text}: {verdict}"
    )
    return {"name": name, "value": value, "raw": raw_value, "unit": unit, "ratio": ratio,
            "target": text, "met": verdict == "met"}  # fmt: skip


async def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        command = producer(args.size_mb, workdir)
        raw_one = raw.throughput(command) / MB
        small = max(1, args.size_mb // 10)
        raw_twenty = raw.throughput(producer(small, workdir), 20) / MB
        raw_echo = sorted(raw.echo_latencies(args.samples))
        raw_cpu = raw.cpu_per_byte(command)
        content = Path(command[1]).read_bytes()
        expected = len(content) + content.count(b"\n")
        hop = await host.throughput(workdir / "hop", command, expected) / MB
        results.append(row("worker host alone, 1 worker (the hop)", hop, raw_one, "MB/s"))
        catch_up = await resilience.restart_catch_up(
            workdir / "restart", workdir, {"SHELL": "/bin/sh"}
        )
        results.append(row("server restart: 20 clients caught up (s)", catch_up, 2.0, "s"))
        server = Server(workdir / "data", env={"SHELL": "/bin/sh"}).start()
        try:
            bench = Bench(server, workdir, args.size_mb)
            # Quiet figures first: a flood leaves dirty pages and grown heaps behind it.
            cpu, per_worker = await bench.idle(20, args.idle_seconds)
            results.append(row("idle CPU, 20 workers + clients (% core)", cpu, 100, "%"))
            results.append(row("memory per idle worker", per_worker / 2**20, 1, "MiB"))
            lat = sorted(await bench.echo(args.samples))
            p50, p99 = statistics.median(lat) * 1e3, lat[int(len(lat) * 0.99) - 1] * 1e3
            raw50 = statistics.median(raw_echo) * 1e3
            raw99 = raw_echo[int(len(raw_echo) * 0.99) - 1] * 1e3
            results.append(row("echo latency p50 (lower is better)", p50, raw50, "ms"))
            results.append(row("echo latency p99 (lower is better)", p99, raw99, "ms"))
            print(f"  above raw: p50 +{p50 - raw50:.3f} ms, p99 +{p99 - raw99:.3f} ms")
            floor = statistics.median(await bench.websocket_floor(args.samples)) * 1e3
            print(
                f"  the same client and keys against a bare WebSocket echo server: p50"
                f" {floor:.3f} ms (+{floor - raw50:.3f} over raw with no application at all)"
            )
            lat = sorted(await bench.echo_beside_flood(args.size_mb))
            beside = statistics.median(lat) * 1e3, lat[int(len(lat) * 0.99) - 1] * 1e3
            results.append(row("echo beside a flood p50 (lower is better)", beside[0], raw50, "ms"))
            results.append(row("echo beside a flood p99 (lower is better)", beside[1], raw99, "ms"))
            print(f"  {len(lat)} keystrokes while another terminal printed {args.size_mb} MB;"
                  f" the slowest {lat[-1] * 1e3:.1f} ms")  # fmt: skip
            rates, _, _ = await bench.flood(1)
            results.append(row("throughput, 1 client", rates[0] / MB, raw_one, "MB/s"))
            results.append(row("CPU per MB relayed, host + server (lower is better)",
                               bench.cpu_per_byte * MB * 1e3, raw_cpu * MB * 1e3, "ms"))  # fmt: skip
            rates, _, peak = await bench.flood(4)
            results.append(
                row("throughput per client, 4 clients", min(rates) / MB, raw_one, "MB/s")
            )
            _, total, peak20 = await bench.flood(1, workers=20, size_mb=small)
            results.append(row("aggregate, 20 workers at once", total / MB, raw_twenty, "MB/s"))
            results.append(row("peak server memory, 4-client flood", peak / 2**20, 1, "MiB"))
            results.append(row("peak server memory, 20-worker flood", peak20 / 2**20, 1, "MiB"))
            growth = await resilience.history_connect_memory(server, workdir, 10)
            results.append(row("server RSS growth, 40 clients x 10 MiB history", growth, 1, "MiB"))
            fan = await resilience.fan_out(server, workdir, 50, max(1, args.size_mb // 4))
            results.append(row("fan-out per client, 50 clients (slowest)", min(fan) / MB,
                               raw_one, "MB/s"))  # fmt: skip
        finally:
            server.stop()
        results += await search.measure(workdir / "search", args.search_mb)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size-mb", type=int, default=200, help="bytes printed per flood, in MB")
    parser.add_argument("--samples", type=int, default=500, help="keystrokes for the echo latency")
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--browser-runs", type=int, default=3, help="runs of the browser bench")
    parser.add_argument(
        "--search-mb", type=int, default=200, help="MiB of output indexed for search"
    )
    args = parser.parse_args()
    results = asyncio.run(run(args))
    # Playwright's sync API runs its own event loop: after the server figures, not inside them.
    print("\nbrowser (chromium), 10 MiB histories:")
    results += browser.rows(browser.measure(args.browser_runs))
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
