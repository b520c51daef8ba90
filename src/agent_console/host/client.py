"""serve's side of the host protocol: LocalHost, the WorkerHost of a host on this machine.

`LocalHost.connect(data_dir)` connects to the data directory's host, starting one (detached, so
it outlives this process) when none answers, and checks that it speaks a compatible protocol
version. Requests await their reply; input, resize, pause and the like are sent without one.
Events are routed to the sink of the worker they concern. If the host goes away, `lost` is done
and every pending request fails with HostGone.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent_console.errors import Conflict, Error, InvalidRequest, NotFound, SpawnFailed
from agent_console.host import wire
from agent_console.host.daemon import SOCKET_NAME
from agent_console.worker_host import Hosted, HostSink, Piece, SpawnSpec, StoredLog

log = logging.getLogger(__name__)
START_TIMEOUT = 20.0
ERRORS: dict[str, type[Error]] = {"SPAWN_FAILED": SpawnFailed, "NOT_FOUND": NotFound,
                                  "CONFLICT": Conflict, "INVALID_REQUEST": InvalidRequest}  # fmt: skip


OnReply = Callable[[wire.Message], None]


class HostGone(Error):
    code = "HOST_GONE"
    status = 503


class HostIncompatible(Exception):
    """The running host speaks a protocol version this server cannot."""


class _Protocol(asyncio.Protocol):
    def __init__(self, owner: LocalHost) -> None:
        self._owner = owner
        self._decoder = wire.Decoder()

    def data_received(self, data: bytes) -> None:
        try:
            messages = self._decoder.feed(data)
        except wire.WireError:
            self._owner.transport.abort()
            return
        for message in messages:
            self._owner.received(message)

    def connection_lost(self, exc: Exception | None) -> None:
        self._owner.connection_lost()


class LocalHost:
    """A WorkerHost: the host process of one data directory, over its Unix socket."""

    def __init__(self, log_cap: int) -> None:
        self._log_cap = log_cap
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[asyncio.Future[wire.Message], OnReply | None]] = {}
        self._sinks: dict[str, HostSink] = {}
        self.transport: asyncio.Transport
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.info: dict[str, Any] = {}

    @classmethod
    async def connect(cls, data_dir: Path, log_cap: int, start: bool = True) -> LocalHost:
        host = cls(log_cap)
        path = data_dir / SOCKET_NAME
        try:
            await host._open(path)
        except OSError:
            if not start:
                raise
            await asyncio.to_thread(start_detached, data_dir)
            await host._open(path)
        reply = await host._request({"op": "hello", "version": wire.PROTOCOL_VERSION})
        host.info = reply.fields
        version = reply.get("version")
        if version not in wire.COMPATIBLE:
            await host.close()
            raise HostIncompatible(
                f"the worker host (pid {reply.get('pid')}) speaks protocol {version}, this "
                f"server needs {wire.PROTOCOL_VERSION}; run `agent-console host --restart` "
                "(it stops the running agents first)"
            )
        return host

    async def _open(self, path: Path) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_unix_connection(lambda: _Protocol(self), str(path))
        self.transport = transport

    @property
    def pid(self) -> int:
        return int(self.info.get("pid", 0))

    # --- the wire ---------------------------------------------------------------------------

    def received(self, message: wire.Message) -> None:
        if message.op == "reply":
            future, on_reply = self._pending.pop(message.get("id"), (None, None))
            if future is not None and not future.done():
                if on_reply is not None and message.get("ok"):
                    on_reply(message)  # before any event that follows it on the wire
                future.set_result(message)
            return
        sink = self._sinks.get(message.get("worker"))
        if sink is None:
            return
        try:
            self._deliver(sink, message)
        except Exception:  # a bug in one worker's handling must not cut every worker off
            log.exception("worker %s: handling the host's %r failed", message.get("worker"),
                          message.op)  # fmt: skip

    @staticmethod
    def _deliver(sink: HostSink, message: wire.Message) -> None:
        if message.op == "output":
            sink.on_output(int(message.get("offset")), message.data or b"")
        elif message.op == "exit":
            sink.on_exit(int(message.get("exitCode")), message.get("signal"))
        elif message.op == "input-dropped":
            sink.on_input_dropped()
        elif message.op == "log-state":
            sink.on_log_state(message.get("problem"))

    def connection_lost(self) -> None:
        for future, _ in self._pending.values():
            if not future.done():
                future.set_exception(HostGone("the worker host went away"))
        self._pending.clear()
        if not self.lost.done():
            self.lost.set_result(None)

    def _send(self, fields: dict[str, Any], data: bytes | None = None) -> None:
        if not self.lost.done() and not self.transport.is_closing():
            self.transport.write(wire.encode(fields, data))

    async def _request(
        self, fields: dict[str, Any], data: bytes | None = None, on_reply: OnReply | None = None
    ) -> wire.Message:
        """Sends a request and awaits its reply; `on_reply` runs as soon as the reply arrives,
        before the events sent after it are delivered."""
        if self.lost.done():
            raise HostGone("the worker host went away")
        request_id = next(self._ids)
        future: asyncio.Future[wire.Message] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = (future, on_reply)
        self._send({**fields, "id": request_id}, data)
        reply = await future
        if not reply.get("ok"):
            error = ERRORS.get(str(reply.get("code")), Error)
            raise error(str(reply.get("error")))
        return reply

    # --- WorkerHost ---------------------------------------------------------------------------

    async def spawn(self, spec: SpawnSpec, sink: HostSink) -> Hosted:
        self._sinks[spec.worker_id] = sink

        def started(reply: wire.Message) -> None:
            sink.on_started(self._hosted(reply, spec.worker_id, running=True))

        reply = await self._request({"op": "spawn", "worker": spec.worker_id,
            "argv": list(spec.argv), "cwd": spec.cwd, "env": dict(spec.env), "cols": spec.cols,
            "rows": spec.rows, "logCap": self._log_cap, "marker": spec.marker},
            on_reply=started)  # fmt: skip
        return self._hosted(reply, spec.worker_id, running=True)

    @staticmethod
    def _hosted(reply: wire.Message, worker_id: str, **extra: Any) -> Hosted:
        return Hosted.parse({**reply.fields, "worker": worker_id, **extra})

    def input(self, worker_id: str, data: bytes) -> None:
        self._send({"op": "input", "worker": worker_id}, data)

    def resize(self, worker_id: str, cols: int, rows: int) -> None:
        self._send({"op": "resize", "worker": worker_id, "cols": cols, "rows": rows})

    def signal(self, worker_id: str, name: str) -> None:
        self._send({"op": "signal", "worker": worker_id, "signal": name})

    async def stop(self, worker_id: str) -> None:
        with contextlib.suppress(NotFound):
            await self._request({"op": "stop", "worker": worker_id})

    async def forget(self, worker_id: str, delete_log: bool) -> None:
        self._sinks.pop(worker_id, None)
        with contextlib.suppress(NotFound):
            await self._request({"op": "forget", "worker": worker_id, "deleteLog": delete_log})

    async def subscribe(self, worker_id: str, sink: HostSink) -> Hosted:
        self._sinks[worker_id] = sink
        reply = await self._request(
            {"op": "subscribe", "worker": worker_id},
            on_reply=lambda reply: sink.on_started(Hosted.parse(reply.fields)),
        )
        return Hosted.parse(reply.fields)

    def unsubscribe(self, worker_id: str) -> None:
        if self._sinks.pop(worker_id, None) is not None:
            self._send({"op": "unsubscribe", "worker": worker_id})

    async def read(self, worker_id: str, start: int, size: int, modes: bool = False) -> Piece:
        reply = await self._request({"op": "read", "worker": worker_id, "start": start,
                                     "max": size, "modes": modes})  # fmt: skip
        return Piece(int(reply.get("startOffset")), reply.data or b"",
                     int(reply.get("retainedStart", 0)), reply.get("modes"))  # fmt: skip

    def note(self, worker_id: str, data: bytes) -> None:
        self._send({"op": "note", "worker": worker_id, "logCap": self._log_cap}, data)

    def pause(self, worker_id: str) -> None:
        self._send({"op": "pause", "worker": worker_id})

    def resume(self, worker_id: str) -> None:
        self._send({"op": "resume", "worker": worker_id})

    async def screen(self, worker_id: str) -> list[str]:
        reply = await self._request({"op": "screen", "worker": worker_id})
        return [str(line) for line in reply.get("lines", [])]

    async def logs(self) -> list[StoredLog]:
        reply = await self._request({"op": "logs"})
        return [StoredLog.parse(fields) for fields in reply.get("logs", [])]

    async def list(self) -> list[Hosted]:
        reply = await self._request({"op": "list"})
        return [Hosted.parse(fields) for fields in reply.get("workers", [])]

    async def shutdown(self) -> None:
        """Stops every child of the host, then the host itself."""
        with contextlib.suppress(HostGone):
            await self._request({"op": "shutdown"})
        await self.lost

    async def close(self) -> None:
        """Disconnects; the host and its workers go on."""
        if not self.lost.done():
            self.transport.close()
            await asyncio.shield(self.lost)


def ensure_host(data_dir: Path) -> str | None:
    """Starts the data directory's host if none runs and checks it speaks our protocol;
    the reason (one line) when this server cannot use it."""

    async def check() -> None:
        host = await LocalHost.connect(data_dir, 1)
        await host.close()

    try:
        asyncio.run(check())
    except (HostIncompatible, OSError, Error) as exc:
        return str(exc)
    return None


def start_detached(data_dir: Path) -> None:
    """Starts `agent-console host --detach` for `data_dir` and waits until it listens."""
    argv = [sys.executable, "-m", "agent_console", "host", "--detach", "--data-dir", str(data_dir)]
    env = {k: v for k, v in os.environ.items() if k != "AGENT_CONSOLE_TOKEN"}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=START_TIMEOUT,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    if done.returncode != 0 and "already runs" not in done.stderr:
        raise OSError(f"the worker host did not start: {done.stderr.strip()}")
