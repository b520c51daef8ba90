"""What the script saw on a worker's terminal: the raw output stream with its arrival times, and
phrase matchers over it. This is the script's own view, independent of the product's detector.

Escape sequences (colours, cursor moves, titles) and all whitespace are dropped before matching,
so a phrase matches however a TUI paints it: word by word in separate colours, with cursor moves
for spaces, or wrapped. A phrase is found in output that arrived after a given position.

A TUI that repaints only the cells that changed (Claude Code does) may never send a phrase whole:
"Do you want to proceed?" drawn over a line whose "n" and "p" already sat in the right columns
arrives as "Do you wa", a cursor move, " to ", a cursor move, "roceed?". So each chunk is also
played on a terminal emulator (pyte), and every screen line whose text is new after the chunk
(not merely scrolled or repainted unchanged) is appended to a second text, `painted`; a phrase
missing from the stream is looked for there, in the lines the same chunks painted.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import pyte

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


class _Screen(pyte.Screen):
    """pyte's screen, told to ignore xterm's private SGR (`CSI > 4 ; 2 m`, modifyOtherKeys), which
    Gemini CLI sends and pyte's own screen rejects with a TypeError."""

    def select_graphic_rendition(self, *attrs: int, private: bool = False) -> None:
        if not private:
            super().select_graphic_rendition(*attrs)


@dataclass(frozen=True)
class Sighting:
    position: int  # in the seen text, just after the phrase
    at: float  # when the output that completed it arrived


class Seen:
    """The text of a terminal's output so far, and when each piece of it arrived."""

    def __init__(self, cols: int = 80, rows: int = 24) -> None:
        self.text = ""
        self._ends: list[int] = []  # text length after each chunk
        self._times: list[float] = []
        self._carry = ""  # an escape sequence cut by the chunk boundary
        self.painted = ""  # the screen lines each chunk made new, squeezed, in order
        self._painted_ends: list[int] = []  # painted length after each chunk
        self._screen = _Screen(cols, rows)
        self._stream = pyte.Stream(self._screen)
        self._rows: list[str] = []  # the screen's squeezed lines after the last chunk

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
        self._paint(data[:cut])

    def resize(self, cols: int, rows: int) -> None:
        self._screen.resize(rows, cols)

    def _paint(self, data: str) -> None:
        screen = self._screen
        self._stream.feed(data)
        if len(self._rows) != screen.lines:
            self._rows = [""] * screen.lines
            screen.dirty.update(range(screen.lines))
        before = set(self._rows)
        new = []
        for y in sorted(screen.dirty):
            if y < screen.lines:
                row = screen.buffer[y]
                self._rows[y] = line = squeeze("".join(row[x].data for x in range(screen.columns)))
                if line not in before:
                    new.append(line)
        screen.dirty.clear()
        self.painted += "".join(new)
        self._painted_ends.append(len(self.painted))

    def find(self, phrase: str, since: int = 0) -> Sighting | None:
        """The first sighting of `phrase` after position `since`: in the stream, or in the screen
        lines painted by the chunks after the one that holds `since`, whichever came first."""
        wanted = squeeze(phrase)
        streamed = painted = None
        at = self.text.find(wanted, since)
        if at >= 0:
            end = at + len(wanted)
            streamed = Sighting(end, self._times[bisect_left(self._ends, end)])
        first = self._chunks_after(since)
        if first < len(self._painted_ends):
            start = self._painted_ends[first - 1] if first else 0
            at = self.painted.find(wanted, start)
            if at >= 0:
                chunk = bisect_left(self._painted_ends, at + len(wanted))
                painted = Sighting(self._ends[chunk], self._times[chunk])
        if streamed is None or (painted is not None and painted.at < streamed.at):
            return painted
        return streamed

    def _chunks_after(self, since: int) -> int:
        """The index of the first chunk that arrived wholly after position `since`."""
        if since <= 0:
            return 0
        holder = bisect_left(self._ends, since)
        if holder < len(self._ends) and self._ends[holder] == since:
            return bisect_right(self._ends, since)  # later chunks without text came before it
        return holder + 1

    def find_any(self, phrases: dict[str, str], since: int = 0) -> tuple[str, Sighting] | None:
        """The earliest sighting among `phrases` (name → phrase), with its name."""
        found = [(s, name) for name, p in phrases.items() if (s := self.find(p, since))]
        if not found:
            return None
        sighting, name = min(found, key=lambda pair: pair[0].position)
        return name, sighting
