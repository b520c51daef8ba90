"""process.py: real PTY children — spawn errors, exits, non-blocking writes, stopping for sure."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from agent_console.errors import SpawnFailed
from agent_console.process import PtyProcess, child_env, end_leftovers, start_time

ENV = child_env({"PATH": os.environ["PATH"], "AGENT_CONSOLE_TOKEN": "secret", "HOME": "/tmp"})


async def run(argv: list[str], cwd: Path) -> tuple[bytes, PtyProcess]:
    proc = PtyProcess.spawn(argv, str(cwd), ENV, 100, 30)
    out: list[bytes] = []
    proc.start_reading(out.append)
    await asyncio.wait_for(proc.exited, 20)
    return b"".join(out), proc


async def test_exit_code_output_and_size(tmp_path: Path) -> None:
    """Output arrives before the exit; the size is set; the code is reported; no secret leaks."""
    data, proc = await run(
        ["sh", "-c", "stty size; echo ${AGENT_CONSOLE_TOKEN:-none}; exit 3"], tmp_path
    )
    assert data == b"30 100\r\nnone\r\n"
    assert proc.exited.result().exit_code == 3 and proc.exited.result().signal is None


async def test_signal_exit_is_named(tmp_path: Path) -> None:
    """A child killed by a signal reports the signal's name."""
    _, proc = await run(["sh", "-c", "kill -TERM $$"], tmp_path)
    assert proc.exited.result().signal == "SIGTERM"


def test_spawn_failures_are_errors(tmp_path: Path) -> None:
    """A missing binary or directory is a SpawnFailed with the reason, not a crash."""
    with pytest.raises(SpawnFailed, match="no-such-binary"):
        PtyProcess.spawn(["no-such-binary"], str(tmp_path), ENV)
    with pytest.raises(SpawnFailed, match="does not exist"):
        PtyProcess.spawn(["sh"], str(tmp_path / "missing"), ENV)


@pytest.fixture
def server_ignores_hup() -> Iterator[None]:
    """The test process ignores and blocks SIGHUP, as under `nohup` (ignored signals survive
    exec; a blocked mask survives fork and exec)."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
    yield
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    signal.signal(signal.SIGHUP, previous)


async def test_children_start_with_default_signals(
    tmp_path: Path, server_ignores_hup: None
) -> None:
    """A child has no standard signal ignored or blocked, whatever the server inherited or Python
    set (glibc reserves signals 32 and 33, which Python cannot reset)."""
    data, _ = await run(["grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"], tmp_path)
    blocked, ignored = (int(mask, 16) for mask in data.split()[1::2])
    standard = (1 << 31) - 1  # signals 1 to 31
    assert (blocked & standard, ignored & standard) == (0, 0)


async def test_writes_never_block(tmp_path: Path, server_ignores_hup: None) -> None:
    """Writing megabytes to a child that never reads returns at once; stop still works, and the
    first step of the ladder (SIGHUP) ends it even when the server runs under nohup."""
    proc = PtyProcess.spawn(["sleep", "60"], str(tmp_path), ENV)
    proc.start_reading(lambda data: None)
    for _ in range(64):
        proc.write(b"x" * 65536)
    status = await asyncio.wait_for(proc.stop(), 20)
    assert status.signal == "SIGHUP"


async def test_stop_ends_the_whole_session(tmp_path: Path) -> None:
    """stop() ends a SIGHUP-ignoring leader and the jobs it moved to other groups."""
    # set -m puts each background job in a process group of its own, as an interactive shell does.
    script = (
        "set -m; trap '' HUP TERM; (trap '' HUP TERM; sleep 300 & echo started; sleep 300) & wait"
    )
    proc = PtyProcess.spawn(["bash", "-c", script], str(tmp_path), ENV)
    seen = bytearray()
    ready = asyncio.Event()

    def on_data(data: bytes) -> None:
        seen.extend(data)
        if b"started" in seen:
            ready.set()

    proc.start_reading(on_data)
    await asyncio.wait_for(ready.wait(), 20)
    members = [p for p in psutil.process_iter(["pid"]) if _sid(p.pid) == proc.pid]
    assert len(members) >= 3
    assert len({os.getpgid(p.pid) for p in members}) >= 2  # not all reachable through one group
    await asyncio.wait_for(proc.stop(), 20)
    _, alive = psutil.wait_procs(members, timeout=10)
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]


def _sid(pid: int) -> int | None:
    try:
        return os.getsid(pid)
    except OSError:
        return None


async def test_end_leftovers_spares_a_reused_pid(tmp_path: Path) -> None:
    """A recorded leader whose pid now has another start time is someone else: left alone."""
    proc = PtyProcess.spawn(["bash", "-c", "trap '' HUP; sleep 300"], str(tmp_path), ENV)
    proc.start_reading(lambda data: None)
    started = start_time(proc.pid)
    assert started is not None
    for other in (started - 5000, started + 5000):
        end_leftovers([(proc.pid, other)])
        assert not proc.exited.done() and psutil.pid_exists(proc.pid)
    end_leftovers([(proc.pid, started)])
    await asyncio.wait_for(proc.exited, 20)


async def test_end_leftovers_after_the_leader_is_gone(tmp_path: Path) -> None:
    """Members of a recorded session outlive its leader (nohup): they are ended."""
    script = "set -m; (trap '' HUP; exec sleep 300) & echo child=$!; exit 0"
    proc = PtyProcess.spawn(["bash", "-c", script], str(tmp_path), ENV)
    seen = bytearray()
    proc.start_reading(seen.extend)
    await asyncio.wait_for(proc.exited, 20)
    child = int(bytes(seen).split(b"child=")[1].split()[0])
    victim = psutil.Process(child)
    end_leftovers([(proc.pid, proc.started)])
    _, alive = psutil.wait_procs([victim], timeout=10)
    assert not alive


async def test_a_child_learns_its_size_from_the_pty_not_from_inherited_columns() -> None:
    """COLUMNS and LINES in the server's environment (a shell, pytest-xdist export them) do not
    reach the child, which would take them over the PTY's size."""
    env = child_env({**os.environ, "COLUMNS": "80", "LINES": "24"})
    size = "import shutil; print('size=%dx%d' % tuple(shutil.get_terminal_size()))"
    proc = PtyProcess.spawn(["python3", "-c", size], "/", env, cols=132, rows=43)
    output = bytearray()
    proc.start_reading(output.extend)
    await asyncio.wait_for(proc.exited, 20)
    assert b"size=132x43" in output
