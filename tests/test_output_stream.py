"""OutputStream: whole characters at absolute offsets, across chunks, gaps and exits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agent_console.output_stream import OutputStream


@given(st.text(max_size=200), st.lists(st.integers(1, 7), max_size=40))
def test_any_chunking_gives_the_text_back_at_whole_characters(text: str, cuts: list[int]) -> None:
    """However the bytes are split, the texts handed on join to the original; each text's
    offset is the end of whole characters."""
    data = text.encode()
    stream, out, position = OutputStream(), "", 0
    for size in [*cuts, len(data)]:
        chunk = data[position : position + size]
        position += len(chunk)
        out += stream.feed(chunk, position)
        assert data[: stream.complete_offset].decode() == out
        if position >= len(data):
            break
    assert out + stream.flush() == text


def test_a_gap_drops_a_held_partial_character() -> None:
    """Bytes that do not continue the stream (the log restarted) never complete a character."""
    stream = OutputStream()
    assert stream.feed(b"a\xe2\x82", 3) == "a"
    assert stream.feed(b"b", 10) == "b"
    assert stream.complete_offset == 10


def test_flush_gives_up_on_an_unfinished_character() -> None:
    """When the process ends inside a character, its bytes are shown as a replacement."""
    stream = OutputStream(5)
    assert stream.feed(b"\xf0\x9f", 7) == ""
    assert stream.flush() == "\ufffd" and stream.complete_offset == 7
