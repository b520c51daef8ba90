"""Tests for the output log: offsets, persistence, compaction, since() and UTF-8 boundaries."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_console.scrollback import HEADER, Scrollback, Utf8Boundary


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "worker.log"


@pytest.fixture
def log(log_path: Path) -> Iterator[Scrollback]:
    scrollback = Scrollback(log_path, cap=100, slack=50)
    yield scrollback
    scrollback.close()


# -- Utf8Boundary -----------------------------------------------------------------------------


def test_boundary_passes_ascii_through() -> None:
    """ASCII is never held back."""
    boundary = Utf8Boundary()
    assert boundary.feed(b"hello") == b"hello"
    assert boundary.pending == 0


def test_boundary_holds_a_split_character_until_it_completes() -> None:
    """A multi-byte character split across feeds comes out whole, in the later feed."""
    boundary = Utf8Boundary()
    euro = "€".encode()
    assert boundary.feed(b"a" + euro[:2]) == b"a"
    assert boundary.pending == 2
    assert boundary.feed(euro[2:] + b"b") == euro + b"b"
    assert boundary.pending == 0


def test_boundary_holds_each_prefix_of_a_four_byte_character() -> None:
    """1, 2 and 3 leading bytes of a 4-byte character are all held back."""
    emoji = "😀".encode()
    for cut in (1, 2, 3):
        boundary = Utf8Boundary()
        assert boundary.feed(emoji[:cut]) == b""
        assert boundary.pending == cut
        assert boundary.feed(emoji[cut:]) == emoji


@pytest.mark.parametrize(
    "data",
    [b"\xff", b"\x80", b"\xc0", b"\xe0\x80", b"\xed\xa0", b"\xf5", b"\xf4\x90", b"a\x80\x80\x80"],
)
def test_boundary_never_holds_invalid_bytes(data: bytes) -> None:
    """Bytes that can never become a valid character are passed on, not held."""
    boundary = Utf8Boundary()
    assert boundary.feed(data) == data
    assert boundary.pending == 0


def test_boundary_empty_feed_returns_nothing() -> None:
    """Feeding nothing keeps what is pending."""
    boundary = Utf8Boundary()
    boundary.feed(b"\xe2")
    assert boundary.feed(b"") == b""
    assert boundary.pending == 1


@given(st.text(), st.lists(st.integers(min_value=0), max_size=20))
def test_boundary_reassembles_text_split_anywhere(text: str, cuts: list[int]) -> None:
    """Arbitrary text split at arbitrary byte positions reassembles exactly, in whole characters."""
    data = text.encode()
    points = sorted({cut % (len(data) + 1) for cut in cuts})
    boundary = Utf8Boundary()
    out = []
    for start, end in zip([0, *points], [*points, len(data)], strict=True):
        piece = boundary.feed(data[start:end])
        piece.decode("utf-8")  # strict: every emitted piece is whole characters
        assert boundary.pending <= 3
        out.append(piece)
    assert b"".join(out) == data
    assert boundary.pending == 0


# -- offsets and persistence -------------------------------------------------------------------


def test_new_log_starts_at_zero(log: Scrollback) -> None:
    """A fresh log is empty at offset 0."""
    assert (log.start_offset, log.end_offset) == (0, 0)
    assert log.since(None) == (0, b"")


def test_append_returns_the_new_end_offset(log: Scrollback) -> None:
    """Each append advances end_offset by its size and returns it."""
    assert log.append(b"abc") == 3
    assert log.append(b"") == 3
    assert log.append(b"de") == 5
    assert log.read(0, 5) == b"abcde"


def test_files_are_private(log: Scrollback, log_path: Path) -> None:
    """The log file is created 0600, and stays so after compaction."""
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    log.append(b"x" * 400)
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600


def test_offsets_continue_across_reopen(log_path: Path) -> None:
    """Reopening the same file restores the offsets and data; new appends continue from them."""
    first = Scrollback(log_path, cap=100, slack=50)
    for _ in range(30):
        first.append(b"0123456789")
    start, data = first.start_offset, first.since(None)[1]
    first.close()
    second = Scrollback(log_path, cap=100, slack=50)
    assert (second.start_offset, second.end_offset) == (start, 300)
    assert second.since(None) == (start, data)
    assert second.append(b"xyz") == 303
    second.close()


def test_reopen_after_a_crash(log_path: Path) -> None:
    """Data written by an object that was never closed (kill -9) is all there on reopen."""
    crashed = Scrollback(log_path, cap=1000)
    crashed.append(b"hello ")
    crashed.append(b"world")
    survivor = Scrollback(log_path, cap=1000)
    assert survivor.since(None) == (0, b"hello world")
    assert survivor.end_offset == 11
    survivor.close()
    crashed.close()


def test_interrupted_compaction_is_cleaned_up(log_path: Path) -> None:
    """A temp file left by a crash during compaction is removed; the log is intact."""
    log = Scrollback(log_path, cap=100)
    log.append(b"kept")
    log.close()
    tmp = log_path.with_name(log_path.name + ".tmp")
    tmp.write_bytes(b"half-written")
    reopened = Scrollback(log_path, cap=100)
    assert not tmp.exists()
    assert reopened.since(None) == (0, b"kept")
    reopened.close()


@pytest.mark.parametrize("content", [b"not a scrollback file at all", b"ACS", b"X" * 16])
def test_a_foreign_file_is_moved_aside(log_path: Path, content: bytes) -> None:
    """A corrupt or foreign file does not crash: it is renamed aside and the log starts fresh."""
    log_path.write_bytes(content)
    log = Scrollback(log_path, cap=100)
    assert (log.start_offset, log.end_offset) == (0, 0)
    assert log_path.with_name(log_path.name + ".corrupt").read_bytes() == content
    assert log.append(b"new") == 3
    log.close()


def test_an_empty_file_is_a_fresh_log(log_path: Path) -> None:
    """A zero-length file (crash right after creation) is taken as an empty log."""
    log_path.touch()
    log = Scrollback(log_path, cap=100)
    assert log.end_offset == 0
    assert log.append(b"ok") == 2
    assert not log_path.with_name(log_path.name + ".corrupt").exists()
    log.close()


def test_cap_must_be_positive(log_path: Path) -> None:
    """A zero cap is a programming error."""
    with pytest.raises(ValueError, match="cap"):
        Scrollback(log_path, cap=0)


# -- bound and compaction ----------------------------------------------------------------------


def test_readers_never_see_more_than_cap(log: Scrollback) -> None:
    """After every append the retained data is at most cap bytes and is the stream's tail."""
    stream = b""
    for i in range(60):
        chunk = bytes([65 + i % 26]) * (i % 7 + 1)
        stream += chunk
        log.append(chunk)
        start, data = log.since(None)
        assert len(data) <= 100
        assert data == stream[start:]
        assert log.end_offset == len(stream)


def test_compaction_keeps_the_tail_and_the_offsets(log: Scrollback, log_path: Path) -> None:
    """Past cap + slack the file is rewritten to the last cap bytes; offsets are unchanged."""
    stream = bytes(range(32, 127)) * 3
    for i in range(0, len(stream), 10):
        log.append(stream[i : i + 10])
    assert log_path.stat().st_size <= HEADER.size + 100 + 50
    assert log.end_offset == len(stream)
    assert log.start_offset == len(stream) - 100
    assert log.since(None) == (len(stream) - 100, stream[-100:])
    reopened = Scrollback(log_path, cap=100, slack=50)
    assert reopened.since(None) == (len(stream) - 100, stream[-100:])
    reopened.close()


def test_file_grows_to_cap_plus_slack_before_compacting(log: Scrollback, log_path: Path) -> None:
    """Compaction is amortised: the file is not rewritten on every append past cap."""
    log.append(b"a" * 150)
    assert log_path.stat().st_size == HEADER.size + 150
    assert log.start_offset == 50
    log.append(b"b")
    assert log_path.stat().st_size == HEADER.size + 100


def test_one_append_larger_than_the_file_bound(log: Scrollback) -> None:
    """A single append bigger than cap + slack keeps only its last cap bytes."""
    data = bytes(range(32, 127)) * 6
    assert log.append(data) == 570
    assert log.since(None) == (470, data[-100:])


def test_trimmed_start_moves_past_continuation_bytes(log_path: Path) -> None:
    """When cap cuts through a character, the retained data starts at the next whole one."""
    log = Scrollback(log_path, cap=4, slack=100)
    log.append("a€".encode())  # 61 e2 82 ac
    log.append(b"b")  # the last 4 bytes would be e2 82 ac 62: whole
    assert log.since(None) == (1, "€b".encode())
    log.append(b"c")  # last 4 bytes: 82 ac 62 63 → start past the 2 continuation bytes
    assert log.since(None) == (4, b"bc")
    log.close()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=40), st.integers(min_value=4, max_value=64))
def test_retained_data_always_decodes(pieces: list[str], cap: int) -> None:
    """Valid UTF-8 appended in whole characters stays strictly decodable after any trimming."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Scrollback(Path(tmp) / "log", cap=cap, slack=cap // 2)
        stream = b""
        for piece in pieces:
            stream += piece.encode()
            log.append(piece.encode())
            start, data = log.since(None)
            data.decode("utf-8")
            assert len(data) <= cap
            assert data == stream[start:]
            assert len(stream) - start <= cap
        log.close()


# -- read and since ----------------------------------------------------------------------------


@pytest.fixture
def trimmed(log: Scrollback) -> Scrollback:
    """A log holding offsets [100, 200) of the stream of bytes 0..199."""
    log.append(bytes(range(200)))
    assert (log.start_offset, log.end_offset) == (100, 200)
    return log


def test_read_clamps_to_what_is_retained(trimmed: Scrollback) -> None:
    """read() never returns dropped or future bytes."""
    assert trimmed.read(0, 1000) == bytes(range(100, 200))
    assert trimmed.read(150, 160) == bytes(range(150, 160))
    assert trimmed.read(160, 150) == b""
    assert trimmed.read(300, 400) == b""


def test_since_none_returns_everything(trimmed: Scrollback) -> None:
    """No offset: the full retained data from start_offset."""
    assert trimmed.since(None) == (100, bytes(range(100, 200)))


def test_since_a_retained_offset_returns_only_what_follows(trimmed: Scrollback) -> None:
    """An offset inside the retained range gets the bytes after it, startOffset = offset."""
    assert trimmed.since(150) == (150, bytes(range(150, 200)))
    assert trimmed.since(100) == (100, bytes(range(100, 200)))


def test_since_the_end_offset_returns_nothing(trimmed: Scrollback) -> None:
    """A client that has everything gets an empty history at its own offset."""
    assert trimmed.since(200) == (200, b"")


def test_since_a_dropped_offset_returns_everything(trimmed: Scrollback) -> None:
    """An offset before start_offset gets the full retained data (the client resets)."""
    assert trimmed.since(99) == (100, bytes(range(100, 200)))
    assert trimmed.since(0) == (100, bytes(range(100, 200)))


def test_since_an_offset_beyond_the_end_returns_everything(trimmed: Scrollback) -> None:
    """An offset from the future (e.g. another server's log) gets the full retained data."""
    assert trimmed.since(201) == (100, bytes(range(100, 200)))


def test_since_with_an_end_stops_there(trimmed: Scrollback) -> None:
    """`end` bounds the data; an offset past `end` counts as beyond the end."""
    assert trimmed.since(150, 180) == (150, bytes(range(150, 180)))
    assert trimmed.since(None, 180) == (100, bytes(range(100, 180)))
    assert trimmed.since(190, 180) == (100, bytes(range(100, 180)))
    assert trimmed.since(180, 180) == (180, b"")


def test_since_clamps_an_end_outside_the_log(trimmed: Scrollback) -> None:
    """An `end` past end_offset or before start_offset is clamped."""
    assert trimmed.since(150, 10_000) == (150, bytes(range(150, 200)))
    assert trimmed.since(None, 50) == (100, b"")


def test_close_is_idempotent(log_path: Path) -> None:
    """close() twice does not raise, and releases the descriptor."""
    log = Scrollback(log_path, cap=10)
    log.close()
    log.close()
    assert os.path.exists(log_path)


def test_a_large_compaction_copies_beside_the_appends_and_loses_nothing(log_path: Path) -> None:
    """A compaction over the inline bound copies on its own thread while appends go on; every
    read meanwhile and after it sees exactly the stream's retained tail, on disk too."""
    log = Scrollback(log_path, cap=1000, slack=1000, inline_copy=0)
    stream = b"".join(b"line %05d\n" % n for n in range(3000))
    for i in range(0, len(stream), 37):
        log.append(stream[i : i + 37])
        start, data = log.since(None)
        assert (start, data) == (log.end_offset - len(data), stream[start : log.end_offset])
        assert len(data) <= 1000
    log.settle()  # what was appended while it copied stays in the file: past the bound, the
    log.append(b"")  # next append starts another compaction, which copies only the retained tail
    log.settle()
    assert log_path.stat().st_size <= HEADER.size + 2000
    assert not log_path.with_name(log_path.name + ".tmp").exists()
    log.close()
    reopened = Scrollback(log_path, cap=1000)
    assert reopened.since(None) == (len(stream) - 1000, stream[-1000:])
    reopened.close()


def test_closing_during_a_compaction_drops_it_and_keeps_the_log(log_path: Path) -> None:
    """A log closed while a compaction copies waits for it, removes its temporary file and is
    whole when opened again."""
    log = Scrollback(log_path, cap=100, slack=50, inline_copy=0)
    stream = bytes(range(32, 127)) * 3
    log.append(stream)
    log.close()
    assert not log_path.with_name(log_path.name + ".tmp").exists()
    reopened = Scrollback(log_path, cap=100)
    assert reopened.since(None) == (len(stream) - 100, stream[-100:])
    reopened.close()
