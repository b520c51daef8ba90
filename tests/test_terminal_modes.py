"""Modes: the terminal modes at a point of the stream, and the sequence that restores them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agent_console.terminal_modes import Modes

SWITCHES = st.sampled_from(
    [b"\x1b[?1049h", b"\x1b[?1049l", b"\x1b[?1h", b"\x1b[?1l", b"\x1b[?25l", b"\x1b[?25h",
     b"\x1b[?2004h", b"\x1b[?1000;1006h", b"\x1b[?1000;1006l", b"\x1bc", b"text \x1b[31m red\r\n"]
)  # fmt: skip


def test_defaults_need_no_sequence() -> None:
    """A fresh stream (or one that put everything back) restores to nothing."""
    modes = Modes()
    modes.feed(b"\x1b[?1049h\x1b[?1h hello \x1b[?1l\x1b[?1049l")
    assert modes.restore() == ""


def test_the_alternate_screen_and_keys_come_back() -> None:
    """A full-screen program's switches are restored, alternate screen first."""
    modes = Modes()
    modes.feed(b"\x1b[?1049h\x1b[?1h\x1b[?25l\x1b[?2004h\x1b[?1000;1006h")
    assert modes.restore() == "\x1b[?1049h\x1b[?1h\x1b[?25l\x1b[?1000h\x1b[?1006h\x1b[?2004h"


def test_a_scrolling_region_is_found_near_the_point() -> None:
    """feed_region follows ESC [ t ; b r; a bare ESC [ r resets it."""
    modes = Modes()
    modes.feed_region(b"\x1b[2;20r some output")
    assert modes.restore() == "\x1b[2;20r"
    modes.feed_region(b"\x1b[r")
    assert modes.restore() == ""


@given(st.lists(SWITCHES, max_size=30), st.integers(1, 9))
def test_chunking_never_changes_the_result(parts: list[bytes], cut: int) -> None:
    """A switch split across two chunks is still seen; chunks give what the whole gives."""
    data = b"".join(parts)
    whole, chunked = Modes(), Modes()
    whole.feed(data)
    for start in range(0, len(data), cut):
        chunked.feed(data[start : start + cut])
    assert chunked.restore() == whole.restore()


def test_a_reset_among_switches_applies_in_order() -> None:
    """ESC c in the same chunk as switches resets what came before it, not what came after."""
    modes = Modes()
    modes.feed(b"\x1b[?1049h\x1b[?1h plain text \x1bc\x1b[?2004h")
    assert modes.restore() == "\x1b[?2004h"
    modes.feed(b"only plain text, no escape at all\r\n" * 100)
    assert modes.restore() == "\x1b[?2004h"


def test_leave_takes_a_full_screen_program_s_modes_back_to_the_defaults() -> None:
    """What a client writes as it stops showing a worker: every mode back, the scrolling region
    reset with the cursor kept, the alternate screen left last; nothing when all is default."""
    modes = Modes()
    assert modes.leave() == ""
    data = b"\x1b[?1049h\x1b[?1h\x1b[?25l\x1b[?2004h\x1b[?1000;1006h\x1b[3;20r"
    modes.feed(data)
    modes.feed_region(data)
    assert modes.leave() == ("\x1b[?1l\x1b[?25h\x1b[?1000l\x1b[?1006l\x1b[?2004l\x1b[r\x1b[?1049l")
    normal = Modes()
    normal.feed_region(b"\x1b[2;10r")
    assert normal.leave() == "\x1b7\x1b[r\x1b8"  # DECSTBM homes the cursor: saved around it


@given(st.lists(SWITCHES | st.just(b"\x1b[4;18r"), max_size=30))
def test_after_leave_nothing_needs_restoring(parts: list[bytes]) -> None:
    """Whatever the output set, writing `leave()` after it puts every tracked mode back."""
    data = b"".join(parts)
    modes = Modes()
    modes.feed(data)
    modes.feed_region(data)
    back = modes.leave().encode()
    modes.feed(back)
    modes.feed_region(back)
    assert modes.restore() == ""
