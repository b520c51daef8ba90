"""output_text: raw terminal output as the plain lines a person read, with their offsets."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from agent_console.output_text import complete, indexed, lines, plain


def test_escapes_go_and_carriage_returns_write_over() -> None:
    """Colours, titles and cursor moves vanish; a CR starts the line over, as on screen."""
    assert plain(b"\x1b[1;31mred\x1b[0m \x1b]0;title\x07text\x1b[K\r") == "red text"
    assert plain(b"progress 10%\rprogress 100%\r") == "progress 100%"
    assert plain(b"abcdef\rXY") == "XYcdef"


def test_lines_keep_raw_offsets_and_wait_for_their_end() -> None:
    """Each complete line with the offset of its first raw byte; a partial last line waits."""
    data = "é one\r\n\x1b[32mtwo\x1b[0m\r\nthr".encode()
    assert list(lines(data, 1000)) == [(1000, "é one"), (1008, "two")]
    assert complete(data) == len(data) - 3


def test_indexed_text_is_each_distinct_line_once_as_shown() -> None:
    """The index's text: escapes gone, a repeated line once, a line a CR wrote over also as the
    screen showed it."""
    data = (
        b"\x1b[1mbold\x1b[0m words\r\nprogress 10%\rprogress 100%\r\n\x1b[1mbold\x1b[0m words\r\n"
    )
    text = indexed(data)
    assert text.count("bold words") == 1 and "\x1b" not in text
    assert "progress 100%" in text.split("\n")


_PIECES = st.sampled_from(
    ["word", "é", "\r", "\r\n", "\n", "\x1b[31m", "\x1b]0;title\x07", "\x1b(B", "\x1b", "\x01",
     " ", "\t", "\x1bP1$r\x1b\\", "x_y", "1.5"]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=40), st.binary(max_size=8))
def test_indexed_text_holds_every_word_a_line_shows(pieces: list[str], noise: bytes) -> None:
    """Whatever the bytes, every word of every line `lines` shows is a word of `indexed`: the
    index never misses a line the exact search would find."""
    data = "".join(pieces).encode() + noise + b"\n"
    words = set(re.findall(r"[^\W_]+", indexed(data)))
    for _, text in lines(data, 0):
        assert set(re.findall(r"[^\W_]+", text)) <= words


@given(st.lists(_PIECES, max_size=40), st.binary(max_size=8))
def test_lines_in_one_pass_are_plain_of_each_line(pieces: list[str], noise: bytes) -> None:
    """`lines` strips a whole piece at once, yet gives each line exactly what `plain` gives it,
    at the offset where it starts."""
    data = noise + "".join(pieces).encode() + b"\n" + noise
    expected, start = [], 7
    for raw in data.split(b"\n")[:-1]:
        expected.append((start, plain(raw)))
        start += len(raw) + 1
    assert list(lines(data, 7)) == expected


def test_a_line_indexed_recently_is_not_indexed_again() -> None:
    """With `recent`, a line already indexed (a TUI drawing its screen again) adds no text."""
    recent: set[bytes] = set()
    assert sorted(indexed(b"status: ok\nnew line\n", recent).split("\n")) == ["", "new line",
                                                                             "status: ok"]  # fmt: skip
    assert indexed(b"status: ok\nnewer\n", recent) == "newer"


def test_the_text_of_a_server_note_is_kept_for_search() -> None:
    """A note written off a TUI's grid (OSC 6973) is found by search; a title is not text."""
    raw = b"\x1b]0;title\x07ok \x1b]6973;[agent-console] answered from the console\x07 next"
    assert plain(raw) == "ok [agent-console] answered from the console next"
    assert "answered from the console" in indexed(raw)
