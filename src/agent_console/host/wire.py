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

import orjson

PROTOCOL_VERSION = 1
COMPATIBLE = range(1, 2)  # host protocol versions this code can talk to
MAX_FRAME = 16 * 1024 * 1024
_LENGTH = struct.Struct(">I")
_JSON, _DATA = b"J", b"D"
SMALL_READ = 64 * 1024
Piece = bytes | bytearray | memoryview

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
    try:
        header = orjson.dumps(fields)  # the hot path: one output frame per PTY burst
    except TypeError:  # a str holding surrogates (an environment's undecodable bytes)
        header = json.dumps(fields, separators=(",", ":")).encode()
    if data is None:
        return _LENGTH.pack(1 + len(header)) + _JSON + header
    size = 1 + _LENGTH.size + len(header) + len(data)
    return b"".join((_LENGTH.pack(size), _DATA, _LENGTH.pack(len(header)), header, data))


class Decoder:
    """Turns a byte stream into Messages; holds at most one partial frame.

    Output frames are large (up to a PTY burst of 256 KiB) and arrive in reads of any size, so
    bytes are not gathered in a buffer: a frame within one read is parsed in place (its data is
    the one copy made), and the pieces of a frame spread over reads are joined once it is whole.
    """

    def __init__(self, max_frame: int = MAX_FRAME) -> None:
        self._max = max_frame
        self._held: list[Piece] = []  # the pieces of an incomplete frame
        self._held_size = 0

    def feed(self, chunk: bytes | memoryview) -> list[Message]:
        messages: list[Message] = []
        if self._held:
            self._hold(chunk)
            wanted = self._wanted()
            if self._held_size < wanted:
                return messages
            pieces, held, self._held, self._held_size = self._held, self._held_size, [], 0
            messages.append(_gathered(pieces, wanted))
            last = pieces[-1]  # the frame ends in it: what follows is parsed in place
            chunk = memoryview(last)[wanted - (held - len(last)) :]
        view, pos, end = memoryview(chunk), 0, len(chunk)
        while end - pos >= _LENGTH.size:
            size = self._size(chunk, pos)
            if end - pos - _LENGTH.size < size:
                break
            start = pos + _LENGTH.size
            messages.append(_message(view[start : start + size]))
            pos = start + size
        if pos < end:
            self._held, self._held_size = [view[pos:]], end - pos
        return messages

    def _hold(self, chunk: bytes | memoryview) -> None:
        """Small reads are gathered into one piece, so a frame sent a byte at a time costs
        no more than one held piece per byte."""
        last = self._held[-1]
        if len(chunk) < SMALL_READ and isinstance(last, bytearray):
            last += chunk
        else:
            self._held.append(bytearray(chunk) if len(chunk) < SMALL_READ else chunk)
        self._held_size += len(chunk)

    def _wanted(self) -> int:
        """How many bytes the held frame has in all (its length prefix first)."""
        if self._held_size < _LENGTH.size:
            return _LENGTH.size
        return _LENGTH.size + self._size(_gather(self._held, 0, _LENGTH.size), 0)

    def _size(self, buf: bytes | memoryview, pos: int) -> int:
        (size,) = _LENGTH.unpack_from(buf, pos)
        if size == 0 or size > self._max:
            raise WireError(f"frame of {size} bytes (the limit is {self._max})")
        return int(size)


def _gathered(pieces: list[Piece], size: int) -> Message:
    """The frame that the pieces' first `size` bytes hold, its data copied once."""
    length = _LENGTH.size
    if _gather(pieces, length, length + 1) == _DATA and size >= 1 + 2 * length:
        (header,) = _LENGTH.unpack(_gather(pieces, length + 1, 1 + 2 * length))
        start = 1 + 2 * length + header
        if start <= size:
            op, fields = _header(_gather(pieces, 1 + 2 * length, start))
            return Message(op, fields, _gather(pieces, start, size))
    return _message(memoryview(_gather(pieces, length, size)))  # small, or refused there


def _gather(pieces: list[Piece], start: int, stop: int) -> bytes:
    """Bytes [start, stop) of the pieces put end to end."""
    parts, at = [], 0
    for piece in pieces:
        if at + len(piece) > start and at < stop:
            parts.append(piece[max(start - at, 0) : stop - at])
        at += len(piece)
    return b"".join(parts)


def _message(body: memoryview) -> Message:
    kind, rest = body[:1], body[1:]
    if kind == _JSON:
        return Message(*_header(bytes(rest)))
    if kind == _DATA:
        if len(rest) < _LENGTH.size:
            raise WireError("data frame without a header length")
        (size,) = _LENGTH.unpack_from(rest)
        if size > len(rest) - _LENGTH.size:
            raise WireError("data frame header longer than the frame")
        start = _LENGTH.size
        op, fields = _header(bytes(rest[start : start + size]))
        return Message(op, fields, bytes(rest[start + size :]))
    raise WireError(f"unknown frame kind {bytes(kind)!r}")


def _header(raw: bytes) -> tuple[str, dict[str, Any]]:
    try:
        fields = orjson.loads(raw)
    except ValueError:
        try:  # \udcxx escapes, which only json reads back (see encode)
            fields = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise WireError(f"frame is not JSON: {exc}") from None
    if not isinstance(fields, dict) or not isinstance(fields.get("op"), str):
        raise WireError("frame must be a JSON object with a string 'op'")
    return fields["op"], fields
