"""Where work runs: the WorkerHost interface the domain speaks to, and what crosses it.

The domain never touches a PTY. It asks a WorkerHost to spawn a worker's process, write its
input, resize, signal and stop it, and to stream its output from an offset; the host keeps the
output log and the screen. `host.client.LocalHost` is the first implementation (a host process on
this machine, over a Unix socket); a host over `ssh … agent-console host --stdio` fits the same
seam. Adding a host kind is one class implementing this Protocol.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class SpawnSpec:
    worker_id: str
    argv: Sequence[str]
    cwd: str
    env: Mapping[str, str]
    cols: int = 80
    rows: int = 24
    marker: str | None = None  # written into the history before the process starts


@dataclass(frozen=True)
class Hosted:
    """What the host reports of one worker."""

    worker_id: str
    pid: int | None = None
    started: int | None = None
    running: bool = False
    exit_code: int | None = None
    signal: str | None = None
    start_offset: int = 0
    end_offset: int = 0
    cols: int = 80
    rows: int = 24
    last_output_at: float | None = None  # wall clock
    log_problem: str | None = None
    argv: Sequence[str] = field(default_factory=list)

    @classmethod
    def parse(cls, fields: Mapping[str, Any]) -> Hosted:
        return cls(
            worker_id=str(fields.get("worker", "")),
            pid=fields.get("pid"),
            started=fields.get("started"),
            running=bool(fields.get("running", fields.get("pid") is not None)),
            exit_code=fields.get("exitCode"),
            signal=fields.get("signal"),
            start_offset=int(fields.get("startOffset", 0)),
            end_offset=int(fields.get("endOffset", 0)),
            cols=int(fields.get("cols", 80)),
            rows=int(fields.get("rows", 24)),
            last_output_at=fields.get("lastOutputAt"),
            log_problem=fields.get("logProblem"),
            argv=list(fields.get("argv", [])),
        )


@dataclass(frozen=True)
class Piece:
    """A stretch of a worker's output log, as `read` returns it."""

    start: int  # absolute offset of data[0] (the first retained byte when asked for older)
    data: bytes
    retained_start: int  # the oldest offset still retained
    modes: str | None = None  # restores the terminal modes in effect at `start` (when asked)

    @property
    def end(self) -> int:
        return self.start + len(self.data)


@dataclass(frozen=True)
class StoredLog:
    """An output log the host keeps: a hosted worker's, or a retired one (its worker dropped)."""

    worker_id: str
    start_offset: int
    end_offset: int
    modified: float  # wall clock of its last write
    hosted: bool

    @classmethod
    def parse(cls, fields: Mapping[str, Any]) -> StoredLog:
        return cls(str(fields["worker"]), int(fields["startOffset"]), int(fields["endOffset"]),
                   float(fields["modified"]), bool(fields["hosted"]))  # fmt: skip


class HostSink(Protocol):
    """What a hosted worker's events reach in the domain (one sink per subscribed worker).
    `on_started` comes first: the host's answer to spawn or subscribe, before any event after."""

    def on_started(self, hosted: Hosted) -> None: ...
    def on_output(self, end_offset: int, data: bytes) -> None: ...
    def on_exit(self, exit_code: int, signal: str | None) -> None: ...
    def on_input_dropped(self) -> None: ...
    def on_log_state(self, problem: str | None) -> None: ...


class WorkerHost(Protocol):
    lost: asyncio.Future[None]  # done when the host went away (its workers died with it)

    async def spawn(self, spec: SpawnSpec, sink: HostSink) -> Hosted: ...
    def input(self, worker_id: str, data: bytes) -> None: ...
    def resize(self, worker_id: str, cols: int, rows: int) -> None: ...
    def signal(self, worker_id: str, name: str) -> None: ...
    async def stop(self, worker_id: str) -> None: ...
    async def forget(self, worker_id: str, delete_log: bool) -> None: ...
    async def logs(self) -> list[StoredLog]: ...
    async def subscribe(self, worker_id: str, sink: HostSink) -> Hosted: ...
    def unsubscribe(self, worker_id: str) -> None: ...
    async def read(self, worker_id: str, start: int, size: int, modes: bool = False) -> Piece: ...
    def note(self, worker_id: str, data: bytes) -> None: ...
    def pause(self, worker_id: str) -> None: ...
    def resume(self, worker_id: str) -> None: ...
    async def screen(self, worker_id: str) -> list[str]: ...
    async def list(self) -> list[Hosted]: ...
    async def close(self) -> None: ...
