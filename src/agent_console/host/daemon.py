"""The host process: a Unix socket server that owns every HostedWorker (`agent-console host`).

One instance per data directory (an exclusive lock on `host.lock`, which also holds its pid).
The socket `host.sock` is 0600 in the 0700 data directory, and every connection's peer
credentials must be this user's. Each connection is a Client: its requests are dispatched through
HANDLERS; workers it subscribed to send it their events. Every worker's events share the one
connection, so output is not queued on the socket past WRITE_HIGH: while the client is behind,
each worker's output waits apart (up to HELD_HIGH each and HELD_TOTAL for all, past which the PTY
that adds to it is paused), and what waited goes out quietest first once the socket drains — a
keystroke's echo never waits behind another worker's flood, and the host's memory stays bounded
whatever a client does. A malformed or oversized frame closes that connection only.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import re
import signal
import socket
import struct
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, cast

from agent_console import __version__
from agent_console.errors import Conflict, Error, InvalidRequest, NotFound, SpawnFailed
from agent_console.host import wire
from agent_console.host.hosted import ASKED, FULL, Exit, HostedWorker, Subscriber
from agent_console.scrollback import read_stored

log = logging.getLogger("agent_console.host")

SOCKET_NAME = "host.sock"
LOCK_NAME = "host.lock"
READ_MAX = 1024 * 1024
WRITE_HIGH = 1024 * 1024  # queued on a client's socket, past which its output waits per worker
HELD_HIGH = 256 * 1024  # one worker's output waiting for a client, past which its PTY is paused
HELD_TOTAL = 4 * 1024 * 1024  # all workers' output waiting for a client, past which likewise
WORKER_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP,
           "SIGKILL": signal.SIGKILL, "SIGQUIT": signal.SIGQUIT}  # fmt: skip


class HostError(Error):
    code = "HOST_ERROR"


class Host:
    """Every hosted worker of one data directory, and the clients connected to them."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.logs_dir = data_dir / "logs"
        self.workers: dict[str, HostedWorker] = {}
        self.clients: set[Client] = set()
        self.started_at = time.time()
        self.done = asyncio.get_running_loop().create_future()

    def worker(self, fields: dict[str, Any]) -> HostedWorker:
        worker = self.workers.get(_worker_id(fields))
        if worker is None:
            raise NotFound(f"worker {fields.get('worker')!r} is not hosted here")
        return worker

    def log_path(self, worker_id: str) -> Path:
        return self.logs_dir / f"{worker_id}.log"

    def hosted(self, worker_id: str, log_cap: int) -> HostedWorker:
        """The worker with this id; a new one (no process yet) keeps its log in logs/."""
        worker = self.workers.get(worker_id)
        if worker is None:
            if log_cap <= 0:
                raise InvalidRequest("logCap must be positive")
            self.logs_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            worker = HostedWorker(worker_id, self.log_path(worker_id), log_cap)
            self.workers[worker_id] = worker
        return worker

    async def shutdown(self) -> None:
        """Stops every child gracefully (the SIGHUP → SIGTERM → SIGKILL ladder), then ends."""
        await asyncio.gather(*(w.stop() for w in self.workers.values()), return_exceptions=True)
        for worker in self.workers.values():
            worker.close()
        if not self.done.done():
            self.done.set_result(None)


class Client(asyncio.Protocol, Subscriber):
    """One connection to the host."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.transport: asyncio.Transport | None = None
        self._decoder = wire.Decoder()
        self._behind = False  # the socket holds WRITE_HIGH: output waits in _held
        self._held: dict[str, Held] = {}  # per worker, its output waiting for the socket
        self._held_size = 0  # their bytes together
        self._tasks: set[asyncio.Task[None]] = set()

    # --- connection -------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        if not _same_user(transport):
            log.warning("refused a connection from another user")
            transport.abort()
            return
        transport.set_write_buffer_limits(high=WRITE_HIGH)
        self.host.clients.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.host.clients.discard(self)
        for worker in self.host.workers.values():
            worker.unsubscribe(self)
        for task in self._tasks:
            task.cancel()

    def data_received(self, data: bytes) -> None:
        try:
            messages = self._decoder.feed(data)
        except wire.WireError as exc:
            log.warning("closed a connection that sent a bad frame: %s", exc)
            assert self.transport is not None
            self.transport.abort()
            return
        for message in messages:
            self._dispatch(message)

    def pause_writing(self) -> None:  # the client is behind: output waits per worker
        self._behind = True

    def resume_writing(self) -> None:
        self._behind = False
        self._release_held()

    def _release_held(self) -> None:
        """Sends what waited, the worker with least first, a piece at a time while the socket
        takes it; a worker whose output all went may read its PTY again."""
        while self._held and not self._behind:
            held = min(self._held.values(), key=lambda h: h.size)
            self._send_held(held, HELD_HIGH)

    def _send_held(self, held: Held, most: int) -> None:
        data = held.take(most)
        self._held_size -= len(data)
        self.send({"op": "output", "worker": held.worker.id, "offset": held.sent}, data)
        if held.size == 0:
            del self._held[held.worker.id]
            held.worker.resume((self, FULL))

    def _flush(self, worker: HostedWorker) -> None:
        """Whatever of `worker`'s output waits goes out now (an event about it follows)."""
        held = self._held.get(worker.id)
        if held is not None:
            self._send_held(held, held.size)

    def drop(self, worker: HostedWorker) -> None:
        """Forgets `worker`'s waiting output (the client no longer follows it)."""
        held = self._held.pop(worker.id, None)
        self._held_size -= held.size if held is not None else 0

    def send(self, fields: dict[str, Any], data: bytes | None = None) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(wire.encode(fields, data))

    # --- requests ---------------------------------------------------------------------------

    def _dispatch(self, message: wire.Message) -> None:
        request_id = message.get("id")
        handler = HANDLERS.get(message.op)
        try:
            if handler is None:
                raise InvalidRequest(f"unknown op {message.op!r}")
            result = handler(self, message)
        except Error as exc:
            self._reply(request_id, exc)
            return
        except (TypeError, ValueError, KeyError) as exc:
            self._reply(request_id, InvalidRequest(f"bad {message.op!r} request: {exc}"))
            return
        if isinstance(result, Awaitable):
            task = asyncio.ensure_future(self._finish(request_id, result))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self._reply(request_id, result)

    async def _finish(self, request_id: Any, pending: Awaitable[Reply]) -> None:
        try:
            self._reply(request_id, await pending)
        except Error as exc:
            self._reply(request_id, exc)

    def _reply(self, request_id: Any, result: Reply | Error) -> None:
        if not isinstance(request_id, int):
            return  # fire-and-forget
        if isinstance(result, Error):
            self.send({"op": "reply", "id": request_id, "ok": False, "code": result.code,
                       "error": result.message})  # fmt: skip
            return
        fields, data = result if isinstance(result, tuple) else (result, None)
        self.send({"op": "reply", "id": request_id, "ok": True, **(fields or {})}, data)

    # --- Subscriber -------------------------------------------------------------------------

    def output(self, worker: HostedWorker, data: bytes) -> None:
        held = self._held.get(worker.id)
        if held is None and not self._behind:
            self.send({"op": "output", "worker": worker.id, "offset": worker.log.end_offset}, data)
            return
        if held is None:
            held = self._held[worker.id] = Held(worker, worker.log.end_offset - len(data))
        held.add(data)
        self._held_size += len(data)
        if held.size >= HELD_HIGH or self._held_size >= HELD_TOTAL:
            worker.pause((self, FULL))

    def exited(self, worker: HostedWorker, status: Exit) -> None:
        self._flush(worker)
        self.send({"op": "exit", "worker": worker.id, "exitCode": status.exit_code,
                   "signal": status.signal, "endOffset": worker.log.end_offset})  # fmt: skip

    def input_dropped(self, worker: HostedWorker) -> None:
        self.send({"op": "input-dropped", "worker": worker.id})

    def log_state(self, worker: HostedWorker) -> None:
        self._flush(worker)
        self.send({"op": "log-state", "worker": worker.id, "problem": worker.log.problem})


class Held:
    """One worker's output waiting for a client that is behind: the bytes after `sent`."""

    def __init__(self, worker: HostedWorker, sent: int) -> None:
        self.worker = worker
        self.sent = sent  # the offset up to which the client has this worker's output
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)

    def take(self, most: int) -> bytes:
        """Up to `most` of the oldest bytes, no longer waiting."""
        data = b"".join(self.parts)
        taken, rest = data[:most], data[most:]
        self.parts = [rest] if rest else []
        self.size = len(rest)
        self.sent += len(taken)
        return taken


Reply = dict[str, Any] | tuple[dict[str, Any], bytes] | None


def _worker_id(fields: dict[str, Any]) -> str:
    worker_id = fields.get("worker")
    if not isinstance(worker_id, str) or not WORKER_ID.fullmatch(worker_id):
        raise InvalidRequest("worker must be an id of letters, digits, '-' and '_'")
    return worker_id


def _hello(client: Client, message: wire.Message) -> Reply:
    host = client.host
    return {"version": wire.PROTOCOL_VERSION, "hostVersion": __version__, "pid": os.getpid(),
            "startedAt": host.started_at}  # fmt: skip


def _spawn(client: Client, message: wire.Message) -> Reply:
    fields = message.fields
    worker_id = _worker_id(fields)
    argv, cwd, env = fields["argv"], fields["cwd"], fields["env"]
    if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv)):
        raise InvalidRequest("argv must be a non-empty list of strings")
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        raise InvalidRequest("env must be an object of strings")
    cols, rows = int(fields.get("cols", 80)), int(fields.get("rows", 24))
    worker = client.host.hosted(worker_id, int(fields["logCap"]))
    if worker.running:
        raise Conflict(f"worker {worker_id} is already running")
    worker.subscribers.add(client)  # its output follows the reply
    marker = fields.get("marker")
    if isinstance(marker, str) and marker:
        worker.note(marker.encode())
    try:
        process = worker.spawn(argv, str(cwd), env, cols, rows)
    except SpawnFailed:
        raise
    except OSError as exc:
        raise SpawnFailed(f"cannot start {argv[0]!r}: {exc.strerror}") from None
    return {"pid": process.pid, "started": process.started, **_offsets(worker)}


def _offsets(worker: HostedWorker) -> dict[str, Any]:
    return {"startOffset": worker.log.start_offset, "endOffset": worker.log.end_offset,
            "logProblem": worker.log.problem}  # fmt: skip


def _input(client: Client, message: wire.Message) -> Reply:
    worker = client.host.worker(message.fields)
    if not worker.write(message.data or b""):
        client.input_dropped(worker)
    return None


def _resize(client: Client, message: wire.Message) -> Reply:
    cols, rows = int(message.fields["cols"]), int(message.fields["rows"])
    if not (1 <= cols <= 1000 and 1 <= rows <= 1000):
        raise InvalidRequest("cols and rows must be 1..1000")
    client.host.worker(message.fields).resize(cols, rows)
    return None


def _signal(client: Client, message: wire.Message) -> Reply:
    sig = SIGNALS.get(str(message.fields.get("signal")))
    if sig is None:
        raise InvalidRequest(f"signal must be one of {', '.join(SIGNALS)}")
    client.host.worker(message.fields).signal(sig)
    return None


async def _stop(client: Client, message: wire.Message) -> Reply:
    worker = client.host.worker(message.fields)
    await worker.stop()
    return {"exitCode": worker.exit.exit_code if worker.exit else None}


async def _forget(client: Client, message: wire.Message) -> Reply:
    """Stops and drops a hosted worker; its log stays (a retired log) unless `deleteLog`. A
    worker no longer hosted has only its log, deleted when asked."""
    host, worker_id = client.host, _worker_id(message.fields)
    worker = host.workers.get(worker_id)
    if worker is not None:
        await worker.stop()
        if host.workers.get(worker_id) is worker:
            del host.workers[worker_id]
            worker.close()
            for other in host.clients:
                other.drop(worker)
    if message.fields.get("deleteLog") and host.workers.get(worker_id) is None:
        with contextlib.suppress(FileNotFoundError):
            host.log_path(worker_id).unlink()
    return None


def _subscribe(client: Client, message: wire.Message) -> Reply:
    worker = client.host.worker(message.fields)
    worker.subscribers.add(client)
    return {**worker.describe()}


def _unsubscribe(client: Client, message: wire.Message) -> Reply:
    worker = client.host.worker(message.fields)
    worker.unsubscribe(client)
    client.drop(worker)
    return None


def _read(client: Client, message: wire.Message) -> Reply:
    start, size = int(message.fields["start"]), min(int(message.fields["max"]), READ_MAX)
    if start < 0 or size <= 0:
        raise InvalidRequest("start must be >= 0 and max > 0")
    worker = client.host.workers.get(_worker_id(message.fields))
    if worker is None:
        return _read_retired(client.host, _worker_id(message.fields), start, size)
    first, data = worker.read(start, size)
    fields: dict[str, Any] = {"startOffset": first, "endOffset": first + len(data),
              "retainedStart": worker.log.start_offset}  # fmt: skip
    if message.fields.get("modes"):
        fields["modes"] = worker.modes_at(first)
    return fields, data


def _read_retired(host: Host, worker_id: str, start: int, size: int) -> Reply:
    """A read from the log of a worker no longer hosted (kept for search until pruned)."""
    try:
        base, end, data = read_stored(host.log_path(worker_id), start, size)
    except OSError:
        raise NotFound(f"worker {worker_id!r} has no log here") from None
    first = min(max(start, base), end)
    return {"startOffset": first, "endOffset": first + len(data), "retainedStart": base}, data


def _logs(client: Client, message: wire.Message) -> Reply:
    """Every output log in logs/: hosted workers' and retired ones (kept after their worker
    was dropped), with their offsets and when each was last written."""
    host, found = client.host, []
    for path in sorted(host.logs_dir.glob("*.log")):
        worker_id = path.name.removesuffix(".log")
        hosted = host.workers.get(worker_id)
        try:
            modified = path.stat().st_mtime
            if hosted is not None:
                start, end = hosted.log.start_offset, hosted.log.end_offset
            else:
                start, end, _ = read_stored(path, 0, 0)
        except OSError:
            continue  # gone meanwhile, or not a log
        found.append({"worker": worker_id, "startOffset": start, "endOffset": end,
                      "modified": modified, "hosted": hosted is not None})  # fmt: skip
    return {"logs": found}


def _note(client: Client, message: wire.Message) -> Reply:
    worker = client.host.hosted(_worker_id(message.fields), int(message.fields["logCap"]))
    worker.note(message.data or b"")
    return None


def _pause(client: Client, message: wire.Message) -> Reply:
    client.host.worker(message.fields).pause((client, ASKED))
    return None


def _resume(client: Client, message: wire.Message) -> Reply:
    client.host.worker(message.fields).resume((client, ASKED))
    return None


def _screen(client: Client, message: wire.Message) -> Reply:
    worker = client.host.worker(message.fields)
    return {"lines": worker.screen(), "endOffset": worker.log.end_offset}


def _list(client: Client, message: wire.Message) -> Reply:
    return {"workers": [w.describe() for w in client.host.workers.values()]}


async def _shutdown(client: Client, message: wire.Message) -> Reply:
    await client.host.shutdown()
    return None


HANDLERS: dict[str, Callable[[Client, wire.Message], Reply | Awaitable[Reply]]] = {
    "hello": _hello, "spawn": _spawn, "input": _input, "resize": _resize, "signal": _signal,
    "stop": _stop, "forget": _forget, "subscribe": _subscribe, "unsubscribe": _unsubscribe,
    "read": _read, "note": _note, "pause": _pause, "resume": _resume, "screen": _screen,
    "list": _list, "logs": _logs, "shutdown": _shutdown,
}  # fmt: skip
assert set(HANDLERS) == set(wire.REQUESTS)


def _same_user(transport: asyncio.Transport) -> bool:
    sock = transport.get_extra_info("socket")
    try:
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return False
    _, uid, _ = struct.unpack("3i", creds)
    return bool(uid == os.getuid())


# --- the process ------------------------------------------------------------------------------


class HostRunning(Exception):
    """Another host holds this data directory."""


def acquire_lock(data_dir: Path) -> int:
    """The host's exclusive lock on the data directory (held until the process ends)."""
    fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = os.pread(fd, 32, 0).decode(errors="replace").strip()
        os.close(fd)
        raise HostRunning(f"a worker host (pid {pid or '?'}) already runs for {data_dir}") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def listen(data_dir: Path) -> socket.socket:
    path = data_dir / SOCKET_NAME
    path.unlink(missing_ok=True)  # a dead host's socket (we hold the lock: no live one)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        sock.bind(str(path))
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    sock.listen(16)
    sock.setblocking(False)
    return sock


async def serve_host(data_dir: Path, sock: socket.socket, ready: Callable[[], None]) -> None:
    loop = asyncio.get_running_loop()
    host = Host(data_dir)
    server = await loop.create_unix_server(lambda: Client(host), sock=sock)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: loop.create_task(host.shutdown()))
    loop.add_signal_handler(signal.SIGHUP, lambda: None)  # a closed terminal is no reason to go
    ready()
    log.info("worker host %s listening on %s", os.getpid(), data_dir / SOCKET_NAME)
    await host.done
    server.close()
    for client in list(host.clients):
        if client.transport is not None:
            client.transport.close()
    with contextlib.suppress(FileNotFoundError):
        (data_dir / SOCKET_NAME).unlink()
