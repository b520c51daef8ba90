"""Pattern risk: why an asking pattern could keep the regex engine busy too long (static).

Asking patterns are searched over the bottom of an agent's screen on the event loop: at most
MATCH_CHARS characters in lines of at most MAX_COLS (screen_text.py). Python's engine backtracks,
so a pattern whose backtracking explodes would freeze the server. The check reads the parsed
pattern and never runs it. It is conservative (a refused pattern can always be rewritten):

1. Nested repetition, exponential: a repeat (max > 1) of a group that holds a variable-count
   repeat, like (a+)+ or (.*,)*, or alternatives that can start alike or match empty, (a|ab)*.
2. Counts. At most MAX_UNBOUNDED repeats without a bound (or varying by more than a line) and
   MAX_VARIABLE variable-count repeats; one inside a fixed count {n} counts n times.
3. Competing repeats. A variable-count repeat A is linked to a later one C of the same sequence
   when A can match C's first character and every mandatory element between them has a
   character A can match: A can run over them into C's text, so the engine tries every split of
   that text between them. In `.*foo.*bar` the two `.*` are linked (`.*` can match foo); in
   `\\s*Do\\s*you` nothing is (`\\s` cannot match D). Linked repeats side by side (only optional
   elements between them: `.*.*`, `a*a*`, `\\w+\\d+`) are refused: one of them is redundant.
   Otherwise each linked repeat multiplies the work at every start position by its length: a
   line for one that cannot match a line break (weight 1), the whole screen for one that can
   (weight 2, as MATCH_CHARS ~ MAX_COLS ** 1.6). The weight of the linked repeats, plus that of
   the widest unlinked repeat after the first linked one (scanned again for every split), may be
   at most 2, so a search visits at most about MATCH_CHARS * MAX_COLS ** 2 / 6 backtracking
   states. The worst accepted case, `.*=.*=x` on a screen full of `=`, takes ~0.7 s on a slow
   core; `.*foo.*bar` on a screen of `foo` 0.01 s; degree 3 (`.*=.*=.*=x`) would take minutes.
   Each mandatory character right after the last linked repeat that it and the characters before
   it can all match scans every split once more (`.*=.*==x` costs half as much again as
   `.*=.*=x`): at most one is accepted.

Groups are looked through, each alternative continues the sequence and a lookaround's repeats
count where it stands; atomic and possessive repeats count like others there. Character sets
are exact (categories as Python's re defines them over all of Unicode), except that under
IGNORECASE any cased character is assumed to match any other.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from agent_console.screen_text import MAX_COLS

MAX_UNBOUNDED = 6
MAX_VARIABLE = 20
MAX_WEIGHT = 2
UNROLL = 3  # copies of a fixed-count group looked at: enough for three repeats to link

_sre: Any = importlib.import_module("re._constants")
_sre_module: Any = importlib.import_module("_sre")
_BACKTRACKING_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT}  # possessive ones never backtrack
_ALL_REPEATS = {*_BACKTRACKING_REPEATS, _sre.POSSESSIVE_REPEAT}
_ZERO_WIDTH = {_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT}
_CATEGORIES = {
    _sre.CATEGORY_DIGIT: (r"\d", False),
    _sre.CATEGORY_NOT_DIGIT: (r"\d", True),
    _sre.CATEGORY_SPACE: (r"\s", False),
    _sre.CATEGORY_NOT_SPACE: (r"\s", True),
    _sre.CATEGORY_WORD: (r"\w", False),
    _sre.CATEGORY_NOT_WORD: (r"\w", True),
}

Chars = tuple[tuple[int, int], ...]  # sorted, disjoint ranges of code points
NOTHING: Chars = ()
EVERYTHING: Chars = ((0, sys.maxunicode),)
NEWLINE = ord("\n")


def backtracking_risk(parsed: Any) -> str | None:
    """Why the parsed pattern (re._parser.parse) may backtrack for too long, or None."""
    items, flags = list(parsed), parsed.state.flags
    if risk := _nested_risk(items, flags):
        return risk
    variable, unbounded = _repeat_counts(items, flags)
    if unbounded > MAX_UNBOUNDED:
        return f"it has more than {MAX_UNBOUNDED} unbounded repetitions"
    if variable > MAX_VARIABLE:
        return f"it has more than {MAX_VARIABLE} repetitions of variable length"
    links = _Links()
    links.sequence(items, flags, [])
    if links.side_by_side:
        return "two repetitions side by side can match the same characters, like .*.* or \\w+\\d+"
    if links.weight() > MAX_WEIGHT:
        return (
            "more than two repetitions compete for the same text, like .*=.*=.*= "
            "(one that can match a line break counts as two)"
        )
    if links.long_trail():
        return (
            "two competing repetitions are followed by more than one character they can "
            "match, like .*=.*==x"
        )
    return None


# -- rule 1: nested repetition ----------------------------------------------------------------


def _nested_risk(items: list[Any], flags: int) -> str | None:
    for op, av in items:
        if op in _BACKTRACKING_REPEATS and av[1] > 1:
            if _contains(av[2], _is_variable_repeat, flags):
                return "a repeated group contains another repetition, like (a+)+"
            if _contains(av[2], _is_ambiguous_branch, flags):
                return "a repeated group has alternatives that overlap, like (a|ab)*"
        for child, child_flags in _children(op, av, flags):
            if risk := _nested_risk(child, child_flags):
                return risk
    return None


def _children(op: Any, av: Any, flags: int) -> list[tuple[list[Any], int]]:
    """The sub-patterns of one node, each with the flags it is matched with."""
    if op is _sre.SUBPATTERN:
        _group, add, remove, body = av
        return [(list(body), (flags | add) & ~remove)]
    if op in _ALL_REPEATS:
        return [(list(av[2]), flags)]
    if op is _sre.BRANCH:
        return [(list(alt), flags) for alt in av[1]]
    if op is _sre.ATOMIC_GROUP:
        return [(list(av), flags)]
    if op in (_sre.ASSERT, _sre.ASSERT_NOT):
        return [(list(av[1]), flags)]
    if op is _sre.GROUPREF_EXISTS:
        return [(list(part) if part is not None else [], flags) for part in av[1:]]
    return []


def _contains(items: Any, test: Any, flags: int) -> bool:
    """Whether a node satisfying `test` appears, not looking inside atomic or possessive parts
    (they never give back what they matched)."""
    for op, av in items:
        if test(op, av, flags):
            return True
        if op is _sre.ATOMIC_GROUP or op is _sre.POSSESSIVE_REPEAT:
            continue
        if any(_contains(child, test, f) for child, f in _children(op, av, flags)):
            return True
    return False


def _is_variable_repeat(op: Any, av: Any, flags: int) -> bool:
    return op in _BACKTRACKING_REPEATS and av[0] != av[1]


def _is_ambiguous_branch(op: Any, av: Any, flags: int) -> bool:
    if op is not _sre.BRANCH and op is not _sre.GROUPREF_EXISTS:
        return False
    firsts = [_first(alt, f) for alt, f in _children(op, av, flags)]
    if any(nullable for _, nullable in firsts):
        return True
    sets = [chars for chars, _ in firsts]
    return any(_overlap(a, b) for i, a in enumerate(sets) for b in sets[i + 1 :])


# -- rule 2: counts ---------------------------------------------------------------------------


def _repeat_counts(items: list[Any], flags: int) -> tuple[int, int]:
    """(variable-count repeats, unbounded ones), counting those inside a fixed {n} n times."""
    variable = unbounded = 0
    for op, av in items:
        times = 1
        if op in _ALL_REPEATS and av[0] != av[1]:
            variable += 1
            unbounded += _wide(av[0], av[1])
        elif op in _ALL_REPEATS:
            times = av[0]
        for child, child_flags in _children(op, av, flags):
            child_variable, child_unbounded = _repeat_counts(child, child_flags)
            variable += times * child_variable
            unbounded += times * child_unbounded
    return variable, unbounded


def _wide(low: int, high: int) -> bool:
    """Whether a repeat's length can vary by more than a screen line (or without a bound)."""
    return high - low > MAX_COLS


# -- rule 3: competing repeats ----------------------------------------------------------------


@dataclass(eq=False)
class _Repeat:
    chars: Chars  # every character it can match
    weight: int
    linked: bool = False
    trail: int = 0  # mandatory characters right after it that it and they can all match


# Repeats that a later repeat may still be linked to, each with whether a mandatory element
# has come since (if none has, a repeat linked to it is side by side with it).
Open = list[tuple[_Repeat, bool]]


class _Links:
    """One left-to-right pass over a pattern, linking its variable-count repeats."""

    def __init__(self) -> None:
        self.repeats: list[_Repeat] = []  # in pattern order
        self.side_by_side = False
        self._trailing: tuple[_Repeat, Chars] | None = None  # the repeat whose trail grows

    def long_trail(self) -> bool:
        """Whether the last linked repeat is followed by more than one character that it and
        they can all match (`.*=.*==x`): each one scans every split of the two repeats again."""
        linked = [r for r in self.repeats if r.linked]
        return bool(linked) and linked[-1].trail > 1

    def weight(self) -> int:
        first = next((i for i, r in enumerate(self.repeats) if r.linked), None)
        if first is None:
            return 0
        linked = sum(r.weight for r in self.repeats if r.linked)
        return linked + max((r.weight for r in self.repeats[first:] if not r.linked), default=0)

    def sequence(self, items: list[Any], flags: int, open_: Open) -> Open:
        for op, av in items:
            open_ = self._element(op, av, flags, open_)
        return open_

    def _element(self, op: Any, av: Any, flags: int, open_: Open) -> Open:
        single = _char_set(op, av, flags)
        fixed = op in _ALL_REPEATS and av[0] == av[1] and len(av[2]) == 1
        if fixed and (inner := _char_set(av[2][0][0], av[2][0][1], flags)) is not None:
            single, times = inner, av[0]  # ={3}: three mandatory characters
        else:
            times = 1
        if single is not None:
            self._extend_trail(single, times)
            return _mandatory(single, open_)
        self._trailing = None
        if op in _ALL_REPEATS and av[0] != av[1]:
            return self._repeat(av, flags, open_)
        if op in _ALL_REPEATS and _repeat_counts(list(av[2]), flags)[0]:
            for _ in range(min(av[0], UNROLL)):  # (.*,){10}: each copy's .* meets the next one
                open_ = self.sequence(list(av[2]), flags, open_)
            return open_
        if op in (_sre.ASSERT, _sre.ASSERT_NOT):  # zero width: the text stays where it was
            self.sequence(list(av[1]), flags, open_)
            return open_
        if op in (_sre.SUBPATTERN, _sre.ATOMIC_GROUP, _sre.BRANCH, _sre.GROUPREF_EXISTS):
            return self._alternatives(_children(op, av, flags), open_)
        _, nullable = _first([(op, av)], flags)  # a fixed-count repeat, a group reference
        return open_ if nullable else _mandatory(_reach([(op, av)], flags), open_)

    def _repeat(self, av: Any, flags: int, open_: Open) -> Open:
        low, high, body = av[0], av[1], list(av[2])
        chars = _reach(body, flags)
        first, nullable = _first(body, flags)
        new = _Repeat(chars, 2 if _wide(low, high) and _has(chars, NEWLINE) else 1)
        for earlier, passed in open_:
            if _overlap(earlier.chars, first):
                earlier.linked = new.linked = True
                self.side_by_side |= not passed
        self.repeats.append(new)
        self._trailing = (new, chars)
        if low > 0 and not nullable:
            open_ = _mandatory(chars, open_)
        return [*open_, (new, False)]

    def _alternatives(self, alternatives: list[tuple[list[Any], int]], open_: Open) -> Open:
        merged: dict[int, tuple[_Repeat, bool]] = {}
        for items, flags in alternatives:
            for repeat, passed in self.sequence(items, flags, list(open_)):
                known = merged.get(id(repeat))
                merged[id(repeat)] = (repeat, passed and (known is None or known[1]))
        return list(merged.values())

    def _extend_trail(self, chars: Chars, times: int) -> None:
        if self._trailing is None or times == 0:
            return
        repeat, common = self._trailing
        common = _intersection(common, chars)
        if common:
            repeat.trail += times
            self._trailing = (repeat, common)
        else:
            self._trailing = None


def _mandatory(chars: Chars, open_: Open) -> Open:
    """After a mandatory element: a repeat that cannot match any of its characters must stop
    before it, so it cannot be linked to any repeat after it."""
    return [(repeat, True) for repeat, _ in open_ if _overlap(repeat.chars, chars)]


# -- what parts of a pattern can match --------------------------------------------------------


def _char_set(op: Any, av: Any, flags: int) -> Chars | None:
    """The characters a single-character element can match (a superset); None for others."""
    if op is _sre.LITERAL:
        return _folded(((av, av),), flags)
    if op is _sre.NOT_LITERAL:  # under IGNORECASE the exact set is smaller: a superset
        return _complement(((av, av),))
    if op is _sre.ANY:
        return EVERYTHING if flags & re.DOTALL else _complement(((NEWLINE, NEWLINE),))
    if op is not _sre.IN:
        return None
    negate = any(item_op is _sre.NEGATE for item_op, _ in av)
    positive = _normal(r for op_, av_ in av for r in _class_item(op_, av_, flags))
    return _complement(positive) if negate else _folded(positive, flags)


def _class_item(op: Any, av: Any, flags: int) -> Chars:
    if op is _sre.LITERAL:
        return ((av, av),)
    if op is _sre.RANGE:
        return (av,)
    if op is _sre.CATEGORY and av in _CATEGORIES:
        source, negated = _CATEGORIES[av]
        chars = _matched_by(source, flags & re.ASCII)
        return _complement(chars) if negated else chars
    return NOTHING if op is _sre.NEGATE else EVERYTHING


def _reach(items: list[Any], flags: int) -> Chars:
    """Every character the sequence can match."""
    sets: list[Chars] = []
    for op, av in items:
        single = _char_set(op, av, flags)
        if single is not None:
            sets.append(single)
        elif op is _sre.GROUPREF:
            sets.append(EVERYTHING)
        elif op not in _ZERO_WIDTH:
            sets += [_reach(child, f) for child, f in _children(op, av, flags)]
    return _normal(r for chars in sets for r in chars)


def _first(items: list[Any], flags: int) -> tuple[Chars, bool]:
    """(characters the sequence can start with, whether it can match empty text)."""
    chars: Chars = NOTHING
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        single = _char_set(op, av, flags)
        if single is not None:
            return _normal([*chars, *single]), False
        if op is _sre.GROUPREF:
            return EVERYTHING, True
        nullable = op in _ALL_REPEATS and av[0] == 0
        for child, child_flags in _children(op, av, flags):
            child_chars, child_nullable = _first(child, child_flags)
            chars, nullable = _normal([*chars, *child_chars]), nullable or child_nullable
        if not nullable:
            return chars, False
    return chars, True


def _folded(chars: Chars, flags: int) -> Chars:
    """Under IGNORECASE a cased character may match other cased ones: all of them, to be safe."""
    if not flags & re.IGNORECASE or not _overlap(chars, _cased()):
        return chars
    return _normal([*chars, *_cased()])


@functools.cache
def _cased() -> Chars:
    is_cased = _sre_module.unicode_iscased
    return _normal((c, c) for c in range(sys.maxunicode + 1) if is_cased(c))


@functools.cache
def _matched_by(char_class: str, flags: int) -> Chars:
    """The code points a one-character regex matches, found by running it over all of them."""
    ranges: list[tuple[int, int]] = []
    run = re.compile(f"(?:{char_class})+", flags)
    for base in range(0, sys.maxunicode + 1, 0x10000):
        chunk = "".join(map(chr, range(base, min(base + 0x10000, sys.maxunicode + 1))))
        ranges += ((base + m.start(), base + m.end() - 1) for m in run.finditer(chunk))
    return _normal(ranges)


def _normal(ranges: Iterable[tuple[int, int]]) -> Chars:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


def _complement(chars: Chars) -> Chars:
    gaps, start = [], 0
    for low, high in chars:
        if low > start:
            gaps.append((start, low - 1))
        start = high + 1
    if start <= sys.maxunicode:
        gaps.append((start, sys.maxunicode))
    return tuple(gaps)


def _intersection(a: Chars, b: Chars) -> Chars:
    return _complement(_normal([*_complement(a), *_complement(b)]))


def _overlap(a: Chars, b: Chars) -> bool:
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i][1] < b[j][0]:
            i += 1
        elif b[j][1] < a[i][0]:
            j += 1
        else:
            return True
    return False


def _has(chars: Chars, code: int) -> bool:
    return _overlap(chars, ((code, code),))
