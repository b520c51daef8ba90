"""The record of the server running on a data directory: `server.json` ({pid, started, port,
host}), written 0600 once the server listens and removed when it exits, so `agent-console url` can
print the login URL again long after it scrolled away.

A server killed with SIGKILL leaves its record behind; a record whose process is gone (or whose
pid now belongs to a process with another start time) is stale and read as no record. The record
holds no secret: the URL's token comes from the token file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from agent_console import access
from agent_console.process import start_time

RECORD_FILE = "server.json"
MAX_RECORD = 4096


@dataclass(frozen=True)
class ServerRecord:
    pid: int
    started: int | None  # the process's start time (see process.start_time)
    port: int
    host: str

    @classmethod
    def of_this_process(cls, host: str, port: int) -> ServerRecord:
        return cls(os.getpid(), start_time(os.getpid()), port, host)


def write_record(data_dir: Path, record: ServerRecord) -> None:
    """Writes the record 0600, replacing a stale one in a single rename."""
    staged = data_dir / f".{RECORD_FILE}.{record.pid}"
    staged.unlink(missing_ok=True)
    access.write_secret(staged, json.dumps(asdict(record)) + "\n")
    os.replace(staged, data_dir / RECORD_FILE)


def remove_record(data_dir: Path, pid: int) -> None:
    """Removes the record if it is still the one process `pid` wrote."""
    record = read_record(data_dir)
    if record is not None and record.pid == pid:
        (data_dir / RECORD_FILE).unlink(missing_ok=True)


def read_record(data_dir: Path) -> ServerRecord | None:
    """The record as written, or None when it is missing, a symlink or malformed."""
    try:
        fd = os.open(data_dir / RECORD_FILE, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        raw = file.read(MAX_RECORD)
    try:
        fields = json.loads(raw)
        started = fields["started"]
        record = ServerRecord(
            int(fields["pid"]),
            None if started is None else int(started),
            int(fields["port"]),
            str(fields["host"]),
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return record if record.pid > 0 and 0 < record.port < 65536 else None


def running_record(data_dir: Path) -> ServerRecord | None:
    """The record of a server that is still running, None when there is none or it is stale."""
    record = read_record(data_dir)
    if record is None or record.started is None:
        return None
    return record if start_time(record.pid) == record.started else None
