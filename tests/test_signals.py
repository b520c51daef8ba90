"""Structured signals in the output stream: window titles and Codex's OSC 7501, found whatever
the chunking, and what each says of the agent's state."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from agent_console.signals import (
    MAX_HELD,
    Claim,
    OscScanner,
    from_terminal,
    osc7501_claim,
    title_claim,
)

STREAM = (
    "text \x1b]0;⠋ Claude Code\x07 more \x1b]2;✳ Claude Code\x1b\\ "
    "\x1b]7501;state=blocked:app=codex:kind=permission\x07 \x1b]8;;http://x\x07link"
)
FOUND = [("0", "⠋ Claude Code"), ("2", "✳ Claude Code"),
         ("7501", "state=blocked:app=codex:kind=permission")]  # fmt: skip


def test_titles_and_osc_7501_are_found() -> None:
    """OSC 0, 2 and 7501 (BEL or ST ended) are found; other OSC (hyperlinks) are not."""
    assert OscScanner().feed(STREAM) == FOUND


@given(st.lists(st.integers(0, len(STREAM)), max_size=6))
def test_any_chunking_finds_the_same_sequences(cuts: list[int]) -> None:
    """A sequence cut across reads is held until it completes."""
    scanner, points = OscScanner(), sorted({0, *cuts, len(STREAM)})
    found = [f for a, b in itertools.pairwise(points) for f in scanner.feed(STREAM[a:b])]
    assert found == FOUND


def test_an_unterminated_sequence_is_not_held_forever() -> None:
    """A sequence that never ends is dropped past MAX_HELD characters."""
    scanner = OscScanner()
    scanner.feed("\x1b]0;" + "x" * MAX_HELD)
    assert scanner.feed("\x07\x1b]0;⠋ ok\x07") == [("0", "⠋ ok")]


def test_what_titles_say() -> None:
    """Spinners and Working… are work, Action Required asks, ✳ has stopped, ◇ Ready is idle;
    other titles say nothing."""
    titles = {"⠋ Claude Code": Claim.WORKING, "⠹ acc1 | project": Claim.WORKING,
              "✦  Working… (project)": Claim.WORKING, "✳ Claude Code": Claim.STOPPED,
              "[ ! ] Action Required | acc1 | project": Claim.ASKING,
              "✋  Action Required (project)": Claim.ASKING, "◇  Ready (project)": Claim.IDLE,
              "project": None, "OpenCode": None, "⠀ blank braille": None, "": None}  # fmt: skip
    assert {t: title_claim(t) for t in titles} == titles


def test_what_osc_7501_says() -> None:
    """Codex's states: working, blocked (asking), done and idle (idle); nothing else."""
    cases = {"state=working:app=codex": (Claim.WORKING, "working"),
             "state=blocked:app=codex:kind=permission": (Claim.ASKING, "blocked"),
             "state=done:app=codex": (Claim.IDLE, "done"), "state=idle:app=codex": (Claim.IDLE, "idle"),
             "state=weird:app=codex": None, "garbage": None, "": None}  # fmt: skip
    assert {text: osc7501_claim(text) for text in cases} == cases


def test_observations_carry_a_reason_and_a_question_when_asking() -> None:
    """OSC 7501 blocked with kind=permission asks a permission question; a title asks a generic
    one; each observation names its source and reason."""
    blocked = from_terminal("7501", "state=blocked:app=codex:kind=permission", 1.0)
    assert blocked is not None and (blocked.source, blocked.reason) == ("osc", "osc:7501 blocked")
    assert blocked.question is not None and blocked.question.kind == "permission"
    title = from_terminal("0", "✋  Action Required (x)", 2.0)
    assert title is not None and (title.source, title.reason, title.at) == ("title", "title", 2.0)
    assert from_terminal("0", "project", 3.0) is None
