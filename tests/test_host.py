"""The worker host as a black box: its socket's permissions, hostile peers, one host per data
directory, and a worker's life (spawn, output, read from an offset, stop) over the protocol."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_console.host import wire
from agent_console.host.client import LocalHost
from agent_console.process import child_env
from agent_console.worker_host import Hosted, SpawnSpec
from tests.harness import TIMEOUT, eventually_async, stop_hosts_under


def start_host(data_dir: Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "agent_console", "host", "--detach", "--data-dir", str(data_dir)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, check=False)


@pytest.fixture
def host_dir(tmp_path: Path) -> Iterator[Path]:
    data_dir = tmp_path / "data"
    assert start_host(data_dir).returncode == 0
    yield data_dir
    stop_hosts_under(data_dir)


def raw_connection(data_dir: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(TIMEOUT)
    sock.connect(str(data_dir / "host.sock"))
    return sock


def request(sock: socket.socket, fields: dict[str, object]) -> wire.Message:
    sock.sendall(wire.encode({**fields, "id": 1}))
    decoder = wire.Decoder()
    while True:
        messages = decoder.feed(sock.recv(65536))
        if messages:
            return messages[0]


def closed_by_peer(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_the_socket_is_private(host_dir: Path) -> None:
    """host.sock is 0600 inside a 0700 data directory."""
    assert stat.S_IMODE(host_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((host_dir / "host.sock").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "frame",
    [
        struct.pack(">I", 1 << 30) + b"J",  # oversized
        struct.pack(">I", 4) + b"X{}}",  # unknown kind
        struct.pack(">I", 3) + b"J[]",  # not an object
        struct.pack(">I", 9) + b"Jnot json",
    ],
)
def test_a_bad_frame_closes_that_connection_only(host_dir: Path, frame: bytes) -> None:
    """Malformed or oversized frames end the sender's connection; the host goes on serving."""
    bystander = raw_connection(host_dir)
    with raw_connection(host_dir) as hostile:
        hostile.sendall(frame)
        assert closed_by_peer(hostile)
    assert request(bystander, {"op": "list"}).get("ok") is True
    bystander.close()


def test_bad_requests_get_error_replies(host_dir: Path) -> None:
    """Unknown ops, bad worker ids and bad fields are refused with a reply, not a crash."""
    with raw_connection(host_dir) as sock:
        assert request(sock, {"op": "nope"}).get("code") == "INVALID_REQUEST"
        assert request(sock, {"op": "read", "worker": "../x"}).get("code") == "INVALID_REQUEST"
        assert request(sock, {"op": "read", "worker": "w", "start": 0, "max": 1}).get("code") == (
            "NOT_FOUND"
        )
        bad_spawn = {"op": "spawn", "worker": "w", "argv": "sh", "cwd": "/", "env": {}}
        assert request(sock, {**bad_spawn, "logCap": 1000}).get("code") == "INVALID_REQUEST"
        assert request(sock, {"op": "list"}).get("workers") == []


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to connect as another user")
def test_another_user_is_refused(host_dir: Path) -> None:
    """Even with the socket opened up, a peer of another uid is disconnected at once."""
    path = host_dir / "host.sock"
    os.chmod(host_dir, 0o711)
    os.chmod(path, 0o666)
    # Dropped to nobody after entering the directory, so only the socket's own mode matters.
    probe = (
        "import os, socket, struct\n"
        "os.setgid(65534); os.setuid(65534)\n"
        "s = socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect('host.sock')\n"
        'body = b\'J{"op":"list","id":1}\'\n'
        "try:\n    s.sendall(struct.pack('>I', len(body)) + body)\n    print(len(s.recv(100)))\n"
        "except (BrokenPipeError, ConnectionResetError):\n    print(0)\n"
    )
    python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
    done = subprocess.run([python, "-c", probe], cwd=host_dir, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


def test_one_host_per_data_directory(host_dir: Path) -> None:
    """A second host for the same directory refuses, naming the running one."""
    second = start_host(host_dir)
    assert second.returncode != 0 and "already runs" in second.stderr


class Sink:
    def __init__(self) -> None:
        self.output = bytearray()
        self.exited: asyncio.Future[tuple[int, str | None]] = (
            asyncio.get_running_loop().create_future()
        )

    def on_started(self, hosted: Hosted) -> None:
        pass

    def on_output(self, end_offset: int, data: bytes) -> None:
        self.output += data
        assert end_offset == len(self.output)

    def on_exit(self, exit_code: int, signal: str | None) -> None:
        self.exited.set_result((exit_code, signal))

    def on_input_dropped(self) -> None:
        pass

    def on_log_state(self, problem: str | None) -> None:
        pass


async def test_a_worker_over_the_protocol(host_dir: Path) -> None:
    """Spawn, type, read the log from an offset, see the exit after the last output."""
    host = await LocalHost.connect(host_dir, 1 << 20, start=False)
    sink = Sink()
    hosted = await host.spawn(SpawnSpec("w1", ["/bin/sh"], str(host_dir), child_env(os.environ)),
                              sink)  # fmt: skip
    assert hosted.running and hosted.pid
    host.input("w1", b"echo hosted-$((6*7)); exit 3\n")
    assert await asyncio.wait_for(sink.exited, TIMEOUT) == (3, None)
    assert b"hosted-42" in sink.output
    piece = await host.read("w1", 5, 1 << 20)
    assert (piece.start, piece.data, piece.retained_start) == (5, bytes(sink.output[5:]), 0)
    listed = {h.worker_id: h for h in await host.list()}
    assert listed["w1"].exit_code == 3 and listed["w1"].end_offset == len(sink.output)
    await host.forget("w1", delete_log=True)
    assert not (host_dir / "logs" / "w1.log").exists()
    await host.close()


async def test_a_dropped_workers_log_stays_readable_until_deleted(host_dir: Path) -> None:
    """forget without deleteLog keeps the log: `logs` lists it, `read` serves it from the file,
    and a later forget with deleteLog deletes it."""
    host = await LocalHost.connect(host_dir, 1 << 20, start=False)
    sink = Sink()
    await host.spawn(SpawnSpec("w2", ["/bin/sh", "-c", "echo retired-$((6*7))"], str(host_dir),
                               child_env(os.environ)), sink)  # fmt: skip
    await asyncio.wait_for(sink.exited, TIMEOUT)
    await host.forget("w2", delete_log=False)
    assert "w2" not in {h.worker_id for h in await host.list()}
    [stored] = [log for log in await host.logs() if log.worker_id == "w2"]
    assert (stored.start_offset, stored.end_offset, stored.hosted) == (0, len(sink.output), False)
    piece = await host.read("w2", 3, 1 << 20)
    assert (piece.start, piece.data, piece.retained_start) == (3, bytes(sink.output[3:]), 0)
    await host.forget("w2", delete_log=True)
    assert not (host_dir / "logs" / "w2.log").exists()
    assert [log for log in await host.logs() if log.worker_id == "w2"] == []
    await host.close()


def agent_console(*args: str, speaking: int | None = None) -> subprocess.CompletedProcess[str]:
    """Runs the CLI; with `speaking`, as a build whose host protocol is that version."""
    code = "import sys; from agent_console.cli import main; sys.exit(main())"
    if speaking is not None:
        code = f"from agent_console.host import wire; wire.PROTOCOL_VERSION = {speaking}; {code}"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=TIMEOUT * 3, check=False)  # fmt: skip


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie waiting for its parent does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_host_of_another_protocol_version_is_named_and_replaced(tmp_path: Path) -> None:
    """serve refuses a host it cannot speak to in one line naming the remedy; `stop` and
    `host --restart` end that host (warning with its live workers) without a traceback, and
    the restarted host speaks this version."""
    data_dir, where = tmp_path / "data", ("--data-dir", str(tmp_path / "data"))
    spawn = {"op": "spawn", "worker": "w1", "argv": ["sleep", "1000"], "cwd": str(tmp_path),
             "env": {"PATH": os.environ["PATH"]}, "cols": 80, "rows": 24, "logCap": 1 << 20}  # fmt: skip
    try:
        for ending in (("stop", *where), ("host", "--restart", "--detach", *where)):
            assert agent_console("host", "--detach", *where, speaking=2).returncode == 0
            newer = int((data_dir / "host.lock").read_text().split()[0])
            with raw_connection(data_dir) as sock:
                worker = request(sock, spawn).get("pid")
            serve = agent_console("serve", "--port", "0", *where)
            assert serve.returncode != 0 and serve.stderr.count("\n") == 1, serve.stderr
            assert "protocol 2" in serve.stderr and "agent-console host --restart" in serve.stderr
            ended = agent_console(*ending)
            assert ended.returncode == 0 and "Traceback" not in ended.stderr, ended.stderr
            assert not alive(newer) and not alive(worker)
        assert "stopping 1 running worker(s): " in ended.stderr and "sleep 1000" in ended.stderr
        with raw_connection(data_dir) as sock:
            assert request(sock, {"op": "hello", "version": 1}).get("version") == 1
    finally:
        stop_hosts_under(tmp_path)


def listed(sock: socket.socket) -> dict[str, dict[str, object]]:
    reply = request(sock, {"op": "list"})
    return {w["worker"]: w for w in reply.get("workers")}


async def test_a_client_that_stops_reading_holds_back_only_the_worker_flooding_it(
    host_dir: Path,
) -> None:
    """A client that stops reading pauses the worker that floods it, not the others: another
    client still gets a quiet worker's echo at once. Once it reads again, it gets each worker's
    output whole and in order, the flood's exit after its last byte."""
    host = await LocalHost.connect(host_dir, 64 << 20, start=False)
    flood, quiet = Sink(), Sink()
    env = child_env(os.environ)
    await host.spawn(SpawnSpec("quiet", ["cat"], str(host_dir), env), quiet)
    await host.spawn(SpawnSpec("flood", ["/bin/sh", "-c", "read go; head -c 3000000 /dev/zero"
                                         " | tr '\\0' x"], str(host_dir), env), flood)  # fmt: skip
    stuck, control = raw_connection(host_dir), raw_connection(host_dir)
    stuck.sendall(wire.encode({"op": "subscribe", "worker": "flood", "id": 1})
                  + wire.encode({"op": "subscribe", "worker": "quiet", "id": 2}))  # fmt: skip
    host.input("flood", b"go\n")
    await eventually_async(lambda: listed(control)["flood"]["paused"], what="the flood held back")
    assert listed(control)["flood"]["paused"] and not listed(control)["quiet"]["paused"]
    host.input("quiet", b"ping\n")  # cat's echo reaches the client that reads at once
    await eventually_async(lambda: b"ping\r\n" in quiet.output[-6:], what="the quiet echo")
    got: dict[str, bytearray] = {"flood": bytearray(), "quiet": bytearray()}
    starts: dict[str, int] = {}
    decoder, exit_at = wire.Decoder(), None

    def receive() -> None:
        nonlocal exit_at
        for message in decoder.feed(stuck.recv(1 << 20)):
            worker = message.get("worker")
            if message.op == "output":
                assert exit_at is None, "output after the exit"
                data = message.data or b""
                starts.setdefault(worker, message.get("offset") - len(data))
                assert message.get("offset") == starts[worker] + len(got[worker]) + len(data)
                got[worker] += data
            elif message.op == "exit" and worker == "flood":
                exit_at = message.get("endOffset")

    def receive_all() -> None:
        while exit_at is None or b"ping" not in got["quiet"]:
            receive()

    await asyncio.to_thread(receive_all)
    await asyncio.wait_for(flood.exited, TIMEOUT)  # the client that read all along has it all
    assert exit_at == starts["flood"] + len(got["flood"]) == len(flood.output)
    assert bytes(got["flood"]) == bytes(flood.output[starts["flood"] :])
    assert bytes(got["quiet"]) == bytes(quiet.output[starts["quiet"] :])
    stuck.close()
    control.close()
    await host.forget("quiet", delete_log=True)
    await host.forget("flood", delete_log=True)
    await host.close()


async def test_output_waiting_for_a_stuck_client_is_bounded_for_all_workers_together(
    host_dir: Path,
) -> None:
    """Forty workers each printing less than one worker may keep waiting (200 KB) to a client
    that stopped reading: once 4 MiB of theirs waits, the workers adding to it are paused."""
    host = await LocalHost.connect(host_dir, 1 << 20, start=False)
    env, ids = child_env(os.environ), [f"w{n}" for n in range(40)]
    for worker_id in ids:
        await host.spawn(SpawnSpec(worker_id, ["/bin/sh", "-c", "read go; head -c 200000 "
                                   "/dev/zero | tr '\\0' x; read end"], str(host_dir), env),
                         Sink())  # fmt: skip
    stuck, control = raw_connection(host_dir), raw_connection(host_dir)
    stuck.sendall(b"".join(wire.encode({"op": "subscribe", "worker": w}) for w in ids))
    for worker_id in ids:
        host.input(worker_id, b"go\n")
    await eventually_async(lambda: any(w["paused"] for w in listed(control).values()),
                           what="a worker held back once 4 MiB waited")  # fmt: skip
    stuck.close()
    control.close()
    for worker_id in ids:
        await host.forget(worker_id, delete_log=True)
    await host.close()
