"""The output path of two checkouts in the same run: `python -m bench.compare [--base main]`.

A server from `--base` (its `src/` taken with `git archive` into a temporary folder) and one from
this checkout run side by side; each round measures the raw PTY loop, then each server in turn
(keystroke echo, one client reading a flood, then keystroke echo beside another terminal's flood), the order of the servers alternating between
rounds. These 2-core machines are noisy: only figures of the same run, and their medians over the
rounds, are compared. The figures are those of `make bench` (bench/__main__.py, bench/raw.py);
CPU is also given for the worker host and serve apart.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.harness import Server

from bench import raw
from bench.__main__ import MB, Bench, producer

ROOT = Path(__file__).resolve().parent.parent


def checkout(rev: str, into: Path) -> Path:
    """`rev`'s src/ in `into` (the built browser client copied from here: it is not in git)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True,
                             capture_output=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    static = ROOT / "src/agent_console/web/static"
    if static.is_dir():
        subprocess.run(["cp", "-r", str(static), str(into / "src/agent_console/web/")], check=True)
    return into / "src"


async def rounds(servers: dict[str, Server], workdir: Path, args: argparse.Namespace) -> None:
    command = producer(args.size_mb, workdir)
    benches = {name: Bench(server, workdir, args.size_mb) for name, server in servers.items()}
    figures: dict[str, list[float]] = {}

    def note(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    for number in range(args.rounds):
        note("raw CPU ms/MB", raw.cpu_per_byte(command) * MB * 1e3)
        note("raw MB/s", raw.throughput(command) / MB)
        note("raw echo ms", statistics.median(raw.echo_latencies(args.samples)) * 1e3)
        note(
            "websocket floor ms", statistics.median(await Bench.websocket_floor(args.samples)) * 1e3
        )
        order = list(benches.items())
        for name, bench in order if number % 2 == 0 else reversed(order):
            note(f"{name} echo ms", statistics.median(await bench.echo(args.samples)) * 1e3)
            host, serve = sum(bench.host.cpu_times()[:2]), sum(bench.proc.cpu_times()[:2])
            rates, _, _ = await bench.flood(1)
            host = sum(bench.host.cpu_times()[:2]) - host
            serve = sum(bench.proc.cpu_times()[:2]) - serve
            cpu = bench.cpu_per_byte * MB * 1e3
            note(f"{name} MB/s", rates[0] / MB)
            note(f"{name} CPU ms/MB", cpu)
            note(f"{name} host ms/MB", cpu * host / max(host + serve, 1e-9))
            note(f"{name} serve ms/MB", cpu * serve / max(host + serve, 1e-9))
            beside = sorted(await bench.echo_beside_flood(args.size_mb))
            note(f"{name} beside p50 ms", statistics.median(beside) * 1e3)
            note(f"{name} beside p99 ms", beside[int(len(beside) * 0.99) - 1] * 1e3)
        print(f"round {number + 1}, load {os.getloadavg()[0]:.1f}: "
              + ", ".join(f"{k} {v[-1]:.2f}" for k, v in figures.items()), flush=True)  # fmt: skip
    median = {name: statistics.median(values) for name, values in figures.items()}
    print(f"\nmedians of {args.rounds} rounds (raw: {median['raw CPU ms/MB']:.2f} ms/MB, "
          f"{median['raw MB/s']:.1f} MB/s, echo {median['raw echo ms']:.3f} ms; a bare WebSocket"
          f" echo server: {median['websocket floor ms']:.3f} ms)")  # fmt: skip
    for name in servers:
        cpu, rate = median[f"{name} CPU ms/MB"], median[f"{name} MB/s"]
        print(f"{name:>6}: CPU {cpu:.2f} ms/MB = {cpu / median['raw CPU ms/MB']:.2f}x raw "
              f"(host {median[f'{name} host ms/MB']:.2f}, serve "
              f"{median[f'{name} serve ms/MB']:.2f}); {rate:.1f} MB/s = "
              f"{rate / median['raw MB/s']:.2f}x raw; echo p50 +"
              f"{median[f'{name} echo ms'] - median['raw echo ms']:.3f} ms over raw; beside a "
              f"flood p50 {median[f'{name} beside p50 ms']:.1f} ms, p99 "
              f"{median[f'{name} beside p99 ms']:.1f} ms")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("--base", default="main", help="the git revision to compare with")
    parser.add_argument("--size-mb", type=int, default=200, help="bytes printed per flood, in MB")
    parser.add_argument("--samples", type=int, default=500, help="keystrokes per echo figure")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        base_src = checkout(args.base, workdir)
        env = {"SHELL": "/bin/sh"}
        servers = {
            "base": Server(workdir / "base", env={**env, "PYTHONPATH": str(base_src)}),
            "this": Server(workdir / "this", env={**env, "PYTHONPATH": str(ROOT / "src")}),
        }
        try:
            for server in servers.values():
                server.start()
            asyncio.run(rounds(servers, workdir, args))
        finally:
            for server in servers.values():
                if server.proc is not None:
                    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
