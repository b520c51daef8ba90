"""Tests for the static backtracking check of asking patterns: what it refuses, what it keeps,
and a step-counting model showing that what it keeps stays cheap on a full screen."""

from __future__ import annotations

import re
from itertools import accumulate
from operator import sub

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from agent_console.activity import compile_patterns
from agent_console.agents import BUILT_IN_AGENTS
from agent_console.errors import InvalidRequest
from agent_console.pattern_risk import MAX_UNBOUNDED
from agent_console.screen_text import MATCH_CHARS, MAX_COLS, ScreenText

# The most work an accepted pattern may cause in one search of a full screen, in backtracking
# states: three times the degree-2 bound MATCH_CHARS * MAX_COLS**2 / 6 (about a second of re).
BUDGET = MATCH_CHARS * MAX_COLS**2 // 2


def screen(output: str) -> str:
    """The text an agent's screen gives the asking patterns after `output`."""
    s = ScreenText()
    s.feed(output)
    return s.text()


# Full screens that make repeats and separators match everywhere (lines are cut at MAX_COLS).
SCREENS = [
    screen(("=" * 300 + "\r\n") * 40),
    screen(("a= " * 100 + "\r\n") * 40),
    screen(("a" * 81 + "\r\n") * 120),  # short lines: the most line breaks in MATCH_CHARS
    screen("\r\n" * 200),
]


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (".*.*.*.*.*.*.*.*.*.*.*=x", f"more than {MAX_UNBOUNDED} unbounded repetitions"),
        (".*.*=x", "side by side"),
        (r"\s*\s*x", "side by side"),
        ("a*a*b", "side by side"),
        (r"\w+\d+", "side by side"),
        ("a?" * 20 + "a" * 20, "side by side"),
        (".*=.*=.*=x", "more than two repetitions compete"),
        (".*a.*b.*c", "more than two repetitions compete"),
        (".*=.*==x", "followed by more than one character they can match"),
        (".*[a=].*[a=][a=]", "followed by more than one character they can match"),
        (".*=.*={2}x", "followed by more than one character they can match"),
        (r"[^x]*y[^x]*x", "more than two repetitions compete"),  # each can span the screen
        (r"(?s).*foo.*bar", "more than two repetitions compete"),
        (r".*: [^\n]*\n[^x]*x", "more than two repetitions compete"),  # rescans [^x]*
        (r".*a.*b(?=.*x)", "more than two repetitions compete"),
        ("(.*,){10}", "contains another repetition"),
        ("(a+)+", "contains another repetition"),
        ("(a*)*", "contains another repetition"),
        ("(a|a)*", "alternatives that overlap"),
        ("(.*a)*", "contains another repetition"),
        ("(a|ab)+x", "alternatives that overlap"),
        (r"(\w+\s?)*$", "contains another repetition"),
        ("(a?){20}", "contains another repetition"),
        ("(x+x+)+y", "contains another repetition"),
    ],
)
def test_slow_patterns_are_refused(pattern: str, reason: str) -> None:
    """Nested, side-by-side or three competing repetitions are refused, saying which rule."""
    with pytest.raises(InvalidRequest, match=f"catastrophic backtracking: .*{reason}"):
        compile_patterns([pattern])


@pytest.mark.parametrize(
    "pattern",
    [
        ".*foo.*bar",
        ".*=.*=x",
        ".*?foo.*?bar",
        r"^\s*Do you\s*want\s*to\s*proceed\?\s*$",
        r"^ *(?:❯ )?1\. Yes\b",
        r"\w+\s+\w+\s+\w+",
        r"\d+\.\d+\.\d+",
        r".*foo(?=.*x)",
        r"(?i)do you want .* \(y/n\)",
        r"(?:ab|ac)+",
        r"(\d{3}-)+",
        "(?>a+)+",
        "(a+)++",
        "[ab]+c",
        r"(?i)(a|A)+",
    ],
)
def test_cheap_patterns_are_accepted(pattern: str) -> None:
    """One or two competing repetitions, separated ones, atomic and possessive ones compile."""
    assert compile_patterns([pattern])


def test_every_built_in_pattern_compiles() -> None:
    """The built-in agents' asking patterns all pass the check."""
    for agent in BUILT_IN_AGENTS:
        patterns = agent.activity_patterns.asking_patterns if agent.activity_patterns else None
        compile_patterns(patterns or [])  # raises InvalidRequest if one is refused


def test_the_worst_accepted_pattern_finishes_on_a_full_screen() -> None:
    """Degree 2 at its worst — every character a separator — still searches a full screen."""
    s = ScreenText()
    s.feed(("=" * 300 + "\r\n") * 40)
    assert s.find(compile_patterns([".*=.*=x"])) is None


# -- a step-counting model -------------------------------------------------------------------

# A family of patterns: each token is (source, character class, min, max; None: unbounded).
TOKENS = [
    (".*", ".", 0, None),
    (".+", ".", 1, None),
    (".*?", ".", 0, None),
    (r"\s*", r"\s", 0, None),
    (r"\s+", r"\s", 1, None),
    ("[^=]*", "[^=]", 0, None),
    ("[^=]+", "[^=]", 1, None),
    ("=*", "=", 0, None),
    ("a+", "a", 1, None),
    ("a?", "a", 0, 1),
    ("=", "=", 1, 1),
    ("a", "a", 1, 1),
    (" ", " ", 1, 1),
    ("x", "x", 1, 1),
    (r"\n", r"\n", 1, 1),
    ("[a=]", "[a=]", 1, 1),
]
Token = tuple[str, str, int, int | None]


def backtracking_states(tokens: list[Token], text: str) -> int:
    """States a backtracking search of the token sequence visits over `text` from every start
    when no match succeeds: the number of (start, path) pairs reaching each (token, position),
    counted by dynamic programming rather than by running a matcher."""
    n = len(text)
    counts = [1] * (n + 1)  # ways to stand at each position before the next token
    total = 0
    for _source, char_class, low, high in tokens:
        run = list(range(n + 1))  # run[q]: where the run of class characters ending at q starts
        for m in re.finditer(f"(?:{char_class})+", text):
            run[m.start() + 1 : m.end() + 1] = [m.start()] * (m.end() - m.start())
        starts = run if high is None else list(map(max, run, range(-high, n + 1 - high)))
        sums = [0, *accumulate(counts)]
        counts = list(map(sub, sums[1 - low : n + 2 - low], map(sums.__getitem__, starts)))
        total += sum(counts)
    return total


def tokens_of(sources: list[str]) -> list[Token]:
    by_source = {token[0]: token for token in TOKENS}
    return [by_source[source] for source in sources]


@pytest.mark.parametrize(
    "sources", [[".*", "=", ".*", "=", ".*", "=", "x"], [".*", ".*", ".*", "x"], ["a?"] * 16]
)
def test_the_model_counts_refused_patterns_over_budget(sources: list[str]) -> None:
    """The model agrees that degree-3 and exponential patterns blow the budget on some screen."""
    tokens = tokens_of(sources)
    assert max(backtracking_states(tokens, text) for text in SCREENS) > BUDGET


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6))
@example(tokens_of([".*", "=", ".*", "=", "x"]))
@example(tokens_of([".*", "x", "[^=]*", "=", "x"]))
@example(tokens_of([r"\s*", "=", r"\s*", "=", r"\s*", "x"]))
@example(tokens_of([".*", "[a=]", ".*", "[a=]", "[a=]"]))  # found by CI's run: 1.004 budgets
def test_accepted_patterns_stay_within_budget(tokens: list[Token]) -> None:
    """Every pattern of the family that the check accepts visits at most BUDGET backtracking
    states searching any adversarial full screen."""
    pattern = "".join(source for source, *_ in tokens)
    try:
        compile_patterns([pattern])
    except InvalidRequest:
        return
    for text in SCREENS:
        assert backtracking_states(tokens, text) <= BUDGET, (pattern, text[:20])
