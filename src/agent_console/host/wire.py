"""The host protocol's framing and its catalogue of operations (pure).

A frame is a big-endian u32 length (of everything after it), one kind byte, then the body:

    kind J  body = a JSON object                         control messages
    kind D  body = u32 header length, JSON header, data  messages that carry bytes

Every message has a string `op`. Requests from a client carry an integer `id` and get one
`reply` with the same id: `{"op":"reply","id":N,"ok":true,...}` or `ok:false` with `error` and
`code`. Events from the host (`output`, `exit`, `input-dropped`, `log-state`) carry no id.
A frame over the size cap, a body that is not a JSON object, or an unknown kind is a WireError;
the peer that sent it is disconnected and nothing else is harmed.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

PROTOCOL_VERSION = 1
COMPATIBLE = range(1, 2)  # host protocol versions this code can talk to
MAX_FRAME = 16 * 1024 * 1024
_LENGTH = struct.Struct(">I")
_JSON, _DATA = b"J", b"D"

REQUESTS = (
    "hello",  # {version, agent} -> {version, hostVersion, pid, startedAt}
    "spawn",  # {worker, argv, cwd, env, cols, rows, logPath, logCap, marker?} -> {pid, started, ...}
    "input",  # {worker} + data (no reply: input-dropped says when the child is not reading)
    "resize",  # {worker, cols, rows}
    "signal",  # {worker, signal}
    "stop",  # {worker} -> once the process group has ended
    "forget",  # {worker, deleteLog} -> the host drops a worker (its log kept unless deleteLog)
    "subscribe",  # {worker} -> {startOffset, endOffset}; then live `output` events from endOffset
    "unsubscribe",  # {worker}
    "read",  # {worker, start, max, modes?} -> data + {startOffset, endOffset, retainedStart, modes?}
    "note",  # {worker} + data appended to the log as output
    "pause",  # {worker}: stop reading the PTY (every client of serve is behind)
    "resume",  # {worker}
    "screen",  # {worker} -> {lines, endOffset}
    "list",  # -> {workers: [...]}
    "logs",  # -> {logs: [{worker, startOffset, endOffset, modified, hosted}]}: every output log
    "shutdown",  # -> stops every child gracefully, then the host exits
)
EVENTS = ("output", "exit", "input-dropped", "log-state")


class WireError(Exception):
    """A frame the receiver refuses (oversized, malformed); the connection is closed."""


@dataclass(frozen=True, slots=True)
class Message:
    op: str
    fields: dict[str, Any]
    data: bytes | None = None

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)


def encode(fields: dict[str, Any], data: bytes | None = None) -> bytes:
    """One frame: `fields` (which hold `op`) as JSON, with `data` when given."""
    header = json.dumps(fields, separators=(",", ":")).encode()
    if data is None:
        return _LENGTH.pack(1 + len(header)) + _JSON + header
    size = 1 + _LENGTH.size + len(header) + len(data)
    return b"".join((_LENGTH.pack(size), _DATA, _LENGTH.pack(len(header)), header, data))


class Decoder:
    """Turns a byte stream into Messages; holds at most one partial frame."""

    def __init__(self, max_frame: int = MAX_FRAME) -> None:
        self._buf = bytearray()
        self._max = max_frame

    def feed(self, chunk: bytes) -> list[Message]:
        self._buf += chunk
        messages: list[Message] = []
        while len(self._buf) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._buf)
            if size == 0 or size > self._max:
                raise WireError(f"frame of {size} bytes (the limit is {self._max})")
            if len(self._buf) < _LENGTH.size + size:
                break
            body = bytes(self._buf[_LENGTH.size : _LENGTH.size + size])
            del self._buf[: _LENGTH.size + size]
            messages.append(_message(body))
        return messages


def _message(body: bytes) -> Message:
    kind, rest = body[:1], body[1:]
    if kind == _JSON:
        return Message(*_header(rest))
    if kind == _DATA:
        if len(rest) < _LENGTH.size:
            raise WireError("data frame without a header length")
        (size,) = _LENGTH.unpack_from(rest)
        if size > len(rest) - _LENGTH.size:
            raise WireError("data frame header longer than the frame")
        start = _LENGTH.size
        op, fields = _header(rest[start : start + size])
        return Message(op, fields, rest[start + size :])
    raise WireError(f"unknown frame kind {kind!r}")


def _header(raw: bytes) -> tuple[str, dict[str, Any]]:
    try:
        fields = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"frame is not JSON: {exc}") from None
    if not isinstance(fields, dict) or not isinstance(fields.get("op"), str):
        raise WireError("frame must be a JSON object with a string 'op'")
    return fields["op"], fields
