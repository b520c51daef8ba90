"""What the script saw on a worker's terminal: the raw output stream with its arrival times, and
phrase matchers over it. This is the script's own view, independent of the product's detector.

Escape sequences (colours, cursor moves, titles) and all whitespace are dropped before matching,
so a phrase matches however a TUI paints it: word by word in separate colours, with cursor moves
for spaces, or wrapped. A phrase is found in output that arrived after a given position.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

# CSI, OSC (to BEL or ST), DCS/SOS/PM/APC strings, two-byte escapes, and other C0 controls.
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b]*\x1b\\"
    r"|\x1b[ -/]*[0-~]"
    r"|[\x00-\x08\x0b-\x1f\x7f]"
)
_UNFINISHED = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|[PX^_][^\x1b]*|[ -/]*)?$")
_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """`text` as matched: no whitespace."""
    return _SPACE.sub("", text)


@dataclass(frozen=True)
class Sighting:
    position: int  # in the seen text, just after the phrase
    at: float  # when the output that completed it arrived


class Seen:
    """The text of a terminal's output so far, and when each piece of it arrived."""

    def __init__(self) -> None:
        self.text = ""
        self._ends: list[int] = []  # text length after each chunk
        self._times: list[float] = []
        self._carry = ""  # an escape sequence cut by the chunk boundary

    @property
    def position(self) -> int:
        return len(self.text)

    def feed(self, data: str, now: float) -> None:
        data = self._carry + data
        unfinished = _UNFINISHED.search(data)
        cut = unfinished.start() if unfinished else len(data)
        self._carry = data[cut:]
        self.text += squeeze(_ESCAPE.sub("", data[:cut]))
        self._ends.append(len(self.text))
        self._times.append(now)

    def find(self, phrase: str, since: int = 0) -> Sighting | None:
        """The first sighting of `phrase` in text that arrived after position `since`."""
        at = self.text.find(squeeze(phrase), since)
        if at < 0:
            return None
        end = at + len(squeeze(phrase))
        return Sighting(end, self._times[bisect_left(self._ends, end)])

    def find_any(self, phrases: dict[str, str], since: int = 0) -> tuple[str, Sighting] | None:
        """The earliest sighting among `phrases` (name → phrase), with its name."""
        found = [(s, name) for name, p in phrases.items() if (s := self.find(p, since))]
        if not found:
            return None
        sighting, name = min(found, key=lambda pair: pair[0].position)
        return name, sighting
