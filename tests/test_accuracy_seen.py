"""bench/accuracy/seen.py: the script's own matcher over a worker's raw terminal stream."""

from __future__ import annotations

from bench.accuracy.seen import Seen


def test_a_phrase_painted_word_by_word_in_colours_is_found_when_its_last_piece_arrives() -> None:
    """Colours, cursor moves for spaces and a line break inside the phrase do not hide it."""
    seen = Seen()
    seen.feed("\x1b[38;5;246mDo\x1b[39m \x1b[1Cyou", 1.0)
    seen.feed(" want to\r\n \x1b[1mproceed?\x1b[0m", 2.0)
    found = seen.find("Do you want to proceed?")
    assert found is not None and found.at == 2.0


def test_an_escape_sequence_split_between_chunks_leaves_no_text_behind() -> None:
    """A CSI or OSC cut by a read boundary is joined, not matched as text."""
    seen = Seen()
    seen.feed("Allow\x1b[38;5", 1.0)
    seen.feed(";153m exec\x1b]0;title", 1.1)
    seen.feed("\x07ution of", 1.2)
    assert seen.text == "Allowexecutionof"
    assert seen.find("Allow execution of") is not None


def test_a_phrase_is_found_only_in_output_after_the_given_position() -> None:
    """The prompt answered before does not count as the next one being drawn."""
    seen = Seen()
    seen.feed("Permission required", 1.0)
    since = seen.position
    assert seen.find("Permission required", since) is None
    seen.feed("…Permission required", 5.0)
    found = seen.find("Permission required", since)
    assert found is not None and found.at == 5.0


def test_find_any_names_the_earliest_phrase() -> None:
    """Of several dialogs, the one drawn first is reported first."""
    seen = Seen()
    seen.feed("Trust this folder? … Do you want to use this API key?", 3.0)
    found = seen.find_any({"key": "use this API key", "trust": "Trust this folder"})
    assert found is not None and found[0] == "trust"


def test_a_phrase_repainted_only_where_cells_changed_is_found_on_the_screen() -> None:
    """Claude Code skips cells that already hold the right character: the stream never carries
    "Do you want to proceed?" whole, the screen does (the CI run that failed on this)."""
    seen = Seen(40, 5)
    seen.feed("\x1b[2;1H⎿ Tip: Srntart plan", 1.0)  # "n", "t" and "p" where the prompt has them
    since = seen.position
    seen.feed("\x1b[2;1HDo you wa\x1b[12G to \x1b[17Groceed?\x1b[K", 2.0)
    assert "Doyouwanttoproceed?" not in seen.text
    found = seen.find("Do you want to proceed?", since)
    assert found is not None and found.at == 2.0
    assert seen.find("Do you want to proceed?", found.position) is None


def test_lines_that_only_scroll_or_repaint_unchanged_are_not_seen_again() -> None:
    """A reply still on screen after the next prompt was submitted is not a new sighting."""
    seen = Seen(40, 3)
    seen.feed("Hello from the mock\r\n", 1.0)
    since = seen.position
    seen.feed("more\r\nlines\r\nscrolling\r\n", 2.0)  # the reply scrolls up, then off
    seen.feed("\x1b[H\x1b[2Jlines\r\nscrolling", 3.0)  # a full repaint of what was there
    assert seen.find("Hello from the mock", since) is None
    assert seen.find("Hello from the mock") is not None


def test_xterm_private_modes_do_not_stop_the_screen() -> None:
    """Gemini CLI's `CSI > 4 ; 2 m` (modifyOtherKeys) once raised inside pyte and silenced the
    script's view of the whole run."""
    seen = Seen()
    seen.feed("\x1b[>4;2m\x1b[>4;0mReady", 1.0)
    assert seen.find("Ready") is not None
    assert "Ready" in seen.painted
