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
