"""output_text: raw terminal output as the plain lines a person read, with their offsets."""

from __future__ import annotations

from agent_console.output_text import complete, lines, plain


def test_escapes_go_and_carriage_returns_write_over() -> None:
    """Colours, titles and cursor moves vanish; a CR starts the line over, as on screen."""
    assert plain("\x1b[1;31mred\x1b[0m \x1b]0;title\x07text\x1b[K\r") == "red text"
    assert plain("progress 10%\rprogress 100%\r") == "progress 100%"
    assert plain("abcdef\rXY") == "XYcdef"


def test_lines_keep_raw_offsets_and_wait_for_their_end() -> None:
    """Each complete line with the offset of its first raw byte; a partial last line waits."""
    data = "é one\r\n\x1b[32mtwo\x1b[0m\r\nthr".encode()
    assert list(lines(data, 1000)) == [(1000, "é one"), (1008, "two")]
    assert complete(data) == len(data) - 3
