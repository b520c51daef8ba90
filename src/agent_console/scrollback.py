"""One worker's output log: bounded, absolute byte offsets, file-backed, whole UTF-8 characters.

The log is one file: a 16-byte header (8-byte magic, then the absolute offset of the first stored
byte as a big-endian u64) followed by the stored bytes, so `end_offset` is that offset plus the
data size and both offsets survive a restart or a kill -9 without any extra bookkeeping.

Appends are one `os.write` to an O_APPEND descriptor (no fsync, no re-reading). Readers never see
more than `cap` bytes: `start_offset` is computed from `end_offset - cap`, moved forward past UTF-8
continuation bytes. The file itself may hold up to `cap + slack` bytes; past that it is compacted
by writing the retained tail to a new file and renaming it over the old one, which is also the only
time the header is rewritten. The amortised cost is one copy of `cap` bytes per `slack` appended.

A compaction that copies more than INLINE_COPY bytes runs on a thread of its own, and appends go on
meanwhile: a later append finds it done, copies the bytes appended since, and swaps the files. The
replaced file is closed on that thread too — freeing its blocks can take the filesystem hundreds of
milliseconds under load, which the host's event loop (every worker's output and input) must not wait
for.
"""

from __future__ import annotations

import os
import struct
import threading
from pathlib import Path

MAGIC = b"ACSCRLB1"
HEADER = struct.Struct(">8sQ")
_OPEN_FLAGS = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
_COPY_CHUNK = 1 << 20
INLINE_COPY = 1 << 20  # a compaction copying more than this runs on a thread of its own


class Utf8Boundary:
    """Splits a byte stream at whole UTF-8 characters."""

    def __init__(self) -> None:
        self._pending = b""

    @property
    def pending(self) -> int:
        """Bytes held back: the start of a character whose remaining bytes have not arrived."""
        return len(self._pending)

    def feed(self, data: bytes) -> bytes:
        """Return the longest prefix of pending + `data` that ends on a character boundary."""
        buf = self._pending + data if self._pending else data
        cut = _incomplete_tail(buf)
        self._pending = buf[cut:]
        return buf[:cut]

    def flush(self) -> bytes:
        """The bytes held back, given up on (the stream ended inside a character)."""
        held, self._pending = self._pending, b""
        return held


def whole_prefix(data: bytes) -> bytes:
    """`data` without a trailing, still completable UTF-8 sequence."""
    return data[: _incomplete_tail(data)]


def _sequence_length(lead: int) -> int:
    """How many bytes the UTF-8 sequence starting with `lead` has (1 for ASCII and invalid)."""
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 1


def _incomplete_tail(buf: bytes) -> int:
    """Index where a trailing, still completable UTF-8 sequence starts; len(buf) if none."""
    size = len(buf)
    for back in range(1, min(3, size) + 1):
        lead = buf[size - back]
        if lead & 0xC0 == 0x80:
            continue
        if back < _sequence_length(lead) and _completable(buf[size - back :]):
            return size - back
        return size
    return size


# Lead bytes whose second byte has a narrower range than 80..BF (overlongs, surrogates, > U+10FFFF).
_SECOND_BYTE = {0xE0: (0xA0, 0xBF), 0xED: (0x80, 0x9F), 0xF0: (0x90, 0xBF), 0xF4: (0x80, 0x8F)}


def _completable(tail: bytes) -> bool:
    """True when more bytes could still turn `tail` into a valid character (e.g. not E0 80)."""
    if len(tail) < 2:
        return True
    low, high = _SECOND_BYTE.get(tail[0], (0x80, 0xBF))
    return low <= tail[1] <= high


class Scrollback:
    """A worker's retained output: absolute offsets, at most `cap` bytes visible to readers."""

    def __init__(
        self, path: Path, cap: int, *, slack: int | None = None, inline_copy: int = INLINE_COPY
    ) -> None:
        if cap <= 0:
            raise ValueError("scrollback cap must be positive")
        self.path = path
        self.cap = cap
        self._slack = cap if slack is None else max(0, slack)
        self._tmp = path.with_name(path.name + ".tmp")
        self._fd = -1
        self._base = 0  # absolute offset of the first byte stored in the file
        self.end_offset = 0
        self._start_cache = (-1, 0)  # (end_offset, start_offset) of the last computation
        self._compact_at = 0  # after a failed compaction (disk full), when to try again
        self._inline_copy = inline_copy
        self._job: _Compaction | None = None  # a compaction copying on its own thread
        self._open()

    # -- readers ---------------------------------------------------------------------------

    @property
    def start_offset(self) -> int:
        """Absolute offset of the first retained byte (always at a UTF-8 character start)."""
        floor = self.end_offset - self.cap
        if floor <= self._base:
            return self._base
        if self._start_cache[0] != self.end_offset:
            self._start_cache = (self.end_offset, self._char_start(floor))
        return self._start_cache[1]

    def read(self, start: int, end: int) -> bytes:
        """Bytes [start, end), clamped to what is retained."""
        start = max(start, self.start_offset)
        end = min(end, self.end_offset)
        if end <= start:
            return b""
        return _pread_all(self._fd, end - start, self._file_pos(start))

    def since(self, offset: int | None, end: int | None = None) -> tuple[int, bytes]:
        """(startOffset, data up to `end`): after `offset` when retained, else all retained data."""
        first = self.start_offset
        stop = self.end_offset if end is None else max(first, min(end, self.end_offset))
        if offset is not None and first <= offset <= stop:
            first = offset
        return first, self.read(first, stop)

    # -- writer ----------------------------------------------------------------------------

    def append(self, data: bytes) -> int:
        """Append `data` and return the new end_offset (compacting when the file is too big)."""
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            self.end_offset += written
            view = view[written:]
        if self._job is not None:
            if not self._job.is_alive():
                self._finish(self._job)
        elif self.end_offset - self._base > self.cap + self._slack:
            self._compact()
        return self.end_offset

    def settle(self) -> None:
        """Waits for a compaction running on its thread and completes it (what a test sees)."""
        if self._job is not None:
            self._job.join()
            self._finish(self._job)

    def restart_at(self, base: int) -> None:
        """Drops everything stored and continues empty at `base` (> end_offset): the bytes in
        between were never saved, and a log holds one contiguous range."""
        if base < self.end_offset:
            raise ValueError("a log can only restart after its end")
        self._abandon()
        self.end_offset = base
        self._rewrite(base)

    def close(self) -> None:
        self._abandon()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    # -- file handling ---------------------------------------------------------------------

    def _file_pos(self, offset: int) -> int:
        return HEADER.size + offset - self._base

    def _char_start(self, offset: int) -> int:
        """`offset` moved past at most 3 UTF-8 continuation bytes."""
        head = os.pread(self._fd, 3, self._file_pos(offset))
        skip = 0
        while skip < len(head) and head[skip] & 0xC0 == 0x80:
            skip += 1
        return offset + skip

    def _open(self) -> None:
        self._tmp.unlink(missing_ok=True)  # a compaction interrupted before its rename
        base = self._read_header()
        if base is None:
            self._rewrite(0)
            return
        self._fd = os.open(self.path, _OPEN_FLAGS, 0o600)
        self._base = base
        self.end_offset = base + os.fstat(self._fd).st_size - HEADER.size

    def _read_header(self) -> int | None:
        """The stored start offset; None for a missing file, or a bad one (moved aside)."""
        try:
            with self.path.open("rb") as file:
                head = file.read(HEADER.size)
        except FileNotFoundError:
            return None
        if len(head) == HEADER.size:
            magic, base = HEADER.unpack(head)
            if magic == MAGIC:
                return int(base)
        if head:  # a foreign or torn file: keep it for inspection, never crash on it
            os.replace(self.path, self.path.with_name(self.path.name + ".corrupt"))
        return None

    def _compact(self) -> None:
        """Rewrites the file with only the retained bytes; on a full disk the data stays where
        it is (already saved) and the next try waits for another slack/4 bytes."""
        if self.end_offset < self._compact_at:
            return
        start = self.start_offset
        if self.end_offset - start > self._inline_copy:
            self._job = _Compaction(self._fd, self._tmp, start, self._file_pos(start),
                                    self.end_offset - start)  # fmt: skip
            self._job.start()
            return
        try:
            self._rewrite(start)
        except OSError:
            self._failed_compaction()

    def _failed_compaction(self) -> None:
        self._compact_at = self.end_offset + max(self._slack // 4, 1)

    def _finish(self, job: _Compaction) -> None:
        """Completes a compaction whose thread is done: the bytes appended since it began are
        copied too, the new file replaces the old, which is closed on a thread of its own."""
        self._job = None
        if job.out < 0:
            self._failed_compaction()
            return
        try:
            self._copy(job.out, job.base + job.size)
            os.replace(self._tmp, self.path)
        except OSError:
            os.close(job.out)
            self._tmp.unlink(missing_ok=True)
            self._failed_compaction()
            return
        old, self._fd, self._base = self._fd, job.out, job.base
        threading.Thread(target=os.close, args=(old,), name="log-close", daemon=True).start()

    def _abandon(self) -> None:
        """Drops a compaction in progress (its temporary file goes; the log is unchanged)."""
        job, self._job = self._job, None
        if job is not None:
            job.cancelled = True  # it stops after the chunk it is copying
            job.join()
            if job.out >= 0:
                os.close(job.out)
            self._tmp.unlink(missing_ok=True)

    def _rewrite(self, base: int) -> None:
        """Replace the file by header(base) + the retained bytes from `base`, atomically."""
        out = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            _write_all(out, HEADER.pack(MAGIC, base))
            if self._fd >= 0:
                self._copy(out, base)
        except BaseException:
            os.close(out)
            self._tmp.unlink(missing_ok=True)
            raise
        else:
            os.close(out)
        os.replace(self._tmp, self.path)
        self.close()
        self._fd = os.open(self.path, _OPEN_FLAGS, 0o600)
        self._base = base
        self.end_offset = max(self.end_offset, base)

    def _copy(self, out: int, start: int) -> None:
        pos, remaining = self._file_pos(start), self.end_offset - start
        while remaining > 0:
            chunk = os.pread(self._fd, min(_COPY_CHUNK, remaining), pos)
            if not chunk:
                break
            _write_all(out, chunk)
            pos += len(chunk)
            remaining -= len(chunk)


class _Compaction(threading.Thread):
    """Writes header(base) and `size` retained bytes from `source` at `pos` to `tmp`; `out` is
    then the new file's descriptor (opened for appending), or -1 when that failed (disk full)."""

    def __init__(self, source: int, tmp: Path, base: int, pos: int, size: int) -> None:
        super().__init__(name="log-compaction", daemon=True)
        self.source, self.tmp, self.base, self.pos, self.size = source, tmp, base, pos, size
        self.out = -1
        self.cancelled = False

    def run(self) -> None:
        out = -1
        try:
            out = os.open(self.tmp, _OPEN_FLAGS | os.O_TRUNC, 0o600)
            _write_all(out, HEADER.pack(MAGIC, self.base))
            pos, remaining = self.pos, self.size
            while remaining > 0:
                if self.cancelled:
                    raise OSError("the compaction was dropped")
                chunk = os.pread(self.source, min(_COPY_CHUNK, remaining), pos)
                if not chunk:
                    raise OSError("the log ended before its retained bytes were copied")
                _write_all(out, chunk)
                pos += len(chunk)
                remaining -= len(chunk)
        except OSError:
            if out >= 0:
                os.close(out)
            self.tmp.unlink(missing_ok=True)
            return
        self.out = out


def read_stored(path: Path, start: int, size: int) -> tuple[int, int, bytes]:
    """(first retained offset, end offset, up to `size` bytes from `start` or the first retained
    byte) of a log file no process appends to any more, read without changing it. OSError when
    it is missing or is not a log."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    try:
        head = os.pread(fd, HEADER.size, 0)
        if len(head) != HEADER.size or HEADER.unpack(head)[0] != MAGIC:
            raise OSError(f"{path.name} is not an output log")
        base = int(HEADER.unpack(head)[1])
        end = base + os.fstat(fd).st_size - HEADER.size
        first = min(max(start, base), end)
        return base, end, _pread_all(fd, min(size, end - first), HEADER.size + first - base)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _pread_all(fd: int, size: int, pos: int) -> bytes:
    parts = []
    while size > 0:
        chunk = os.pread(fd, size, pos)
        if not chunk:
            break
        parts.append(chunk)
        size -= len(chunk)
        pos += len(chunk)
    return b"".join(parts)
