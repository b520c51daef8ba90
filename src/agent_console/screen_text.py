"""Screen text: the plain lines an agent's terminal shows, rebuilt from its output stream (pure).

A deliberately small line model of a terminal — enough to tell whether a question is on screen,
not to render it. Text overwrites at the cursor; CR, LF, BS and TAB move it; CSI cursor moves
(A B C D E F G H f d), erases (J K X P), line insert/delete (L M), save/restore cursor, and
alternate-screen switches apply; everything else (SGR colours, OSC titles and hyperlinks, DCS,
charset selections, modes) is dropped. An escape sequence split across two chunks is held until
it completes. At most MAX_LINES lines of MAX_COLS characters are kept, and `find` searches at most
MATCH_CHARS characters, so both memory and regex time are bounded.

Every line carries a stamp that changes when the line is created or erased, never when text is
merely written on it (typing, echo). The activity detector uses (absolute line, stamp) of a match
to tell a prompt that was redrawn from one that merely stayed on screen after it was answered.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence

MAX_LINES = 100
MAX_COLS = 240
MATCH_CHARS = 8192
BIG_CHUNK = 16384  # a chunk this big is reduced to its last BIG_TAIL characters (after a newline)
BIG_TAIL = 8192
PARTIAL_LIMIT = 1024  # longest incomplete escape sequence held for the next chunk
MAX_COUNT = 1000  # a CSI count beyond the model's size means the same as this

Evidence = tuple[int, int]  # (absolute line number, stamp) of a match
Rows = tuple[list[str], int]  # the lines at one moment, and the clipped writes until then

# Sequences with no effect on the lines, removed in one C-level pass before the walk below.
_INVISIBLE = re.compile(
    r"\x1b\[[0-9;:]*m"  # SGR: colours and attributes
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC ... BEL or ST: titles, hyperlinks
    r"|\x1b[PX^_][^\x1b]*\x1b\\"  # DCS, SOS, PM, APC ... ST
    r"|\x1b[ #%()*+\-./][^\x1b]"  # ESC intermediate final: charset selections, DEC tests
    r"|[\x00-\x07\x0e-\x1a\x1c-\x1f\x7f-\x9f]"  # controls other than BS HT LF VT FF CR ESC
)
_CONTROL = re.compile(
    r"\r?\n"  # the common line end, as one token
    r"|\x1b\[([0-?]*)[ -/]*([@-~])"  # CSI: parameters, final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, possibly unterminated
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC, possibly unterminated
    r"|\x1b[ #%()*+\-./][^\x1b]?"  # ESC intermediate final
    r"|\x1b([^\x1b]?)"  # two-character escapes: 7 8 M D E c = >
    r"|[\x00-\x1a\x1c-\x1f\x7f-\x9f]"  # C0, DEL and C1 controls
)
_PARTIAL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|[PX^_][^\x1b]*|[ #%()*+\-./])?\Z")
_ALT_SCREEN_MODES = {"?47", "?1047", "?1049"}


class ScreenText:
    """What the terminal shows, as lines of text with stamps."""

    def __init__(self) -> None:
        self._partial = ""
        self._next_stamp = 0
        self._dropped = 0  # lines dropped from the top: absolute number of lines[0]
        self._lines: list[str] = []
        self._stamps: list[int] = []
        self._row = self._col = self._home = 0
        self._saved = (0, 0)
        self._clipped = 0  # writes cut at MAX_COLS: changes the lines cannot show
        self._csi: dict[str, Callable[[str], None]] = {
            "A": lambda p: self._move_row(-_count(p)),
            "B": lambda p: self._move_row(_count(p)),
            "e": lambda p: self._move_row(_count(p)),
            "C": lambda p: self._set_col(self._col + _count(p)),
            "a": lambda p: self._set_col(self._col + _count(p)),
            "D": lambda p: self._set_col(self._col - _count(p)),
            "E": lambda p: self._next_line(_count(p)),
            "F": lambda p: self._next_line(-_count(p)),
            "G": lambda p: self._set_col(_count(p) - 1),
            "`": lambda p: self._set_col(_count(p) - 1),
            "d": lambda p: self._set_row(_count(p)),
            "H": self._position,
            "f": self._position,
            "J": self._erase_display,
            "K": self._erase_line,
            "X": lambda p: self._replace(self._col, self._col + _count(p), " " * _count(p)),
            "P": lambda p: self._replace(self._col, self._col + _count(p), ""),
            "L": lambda p: self._insert_lines(_count(p)),
            "M": lambda p: self._delete_lines(_count(p)),
            "h": self._mode,
            "l": self._mode,
            "s": lambda p: self._save(),
            "u": lambda p: self._restore(),
        }
        self._clear()

    # -- input -----------------------------------------------------------------------------

    def feed(self, data: str) -> None:
        """Apply a chunk of terminal output to the lines."""
        data = self._partial + data
        self._partial = ""
        last = data.rfind("\x1b")
        if last >= 0 and _PARTIAL.match(data, last):
            held = data[last:]
            self._partial = held if len(held) <= PARTIAL_LIMIT else ""
            data = data[:last]
        if len(data) > BIG_CHUNK:
            cut = data.find("\n", len(data) - BIG_TAIL)
            if cut >= 0:  # what scrolled past long ago cannot be the question on screen now
                self._clear()
                data = data[cut + 1 :]
        data = _INVISIBLE.sub("", data)
        position = 0
        for control in _CONTROL.finditer(data):
            start = control.start()
            if start > position:
                self._write(data[position:start])
            self._control(control)
            position = control.end()
        if position < len(data):
            self._write(data[position:])

    def _control(self, control: re.Match[str]) -> None:
        text = control.group()
        if text[0] != "\x1b":
            self._c0(text)
        elif control.group(2) is not None:
            handler = self._csi.get(control.group(2))
            if handler is not None:
                handler(control.group(1))
        elif control.group(3) is not None:
            self._escape(control.group(3))

    def _c0(self, char: str) -> None:
        if char[-1] == "\n" or char in "\x0b\x0c":
            self._next_line(1)  # as with ONLCR, which every PTY has on by default
        elif char == "\b":
            self._set_col(self._col - 1)
        elif char == "\t":
            self._set_col((self._col // 8 + 1) * 8)
        elif char == "\r":
            self._col = 0

    def _escape(self, final: str) -> None:
        if final == "7":
            self._save()
        elif final == "8":
            self._restore()
        elif final == "M":
            self._move_row(-1)
        elif final == "D":
            self._move_row(1)
        elif final == "E":
            self._next_line(1)
        elif final == "c":
            self._clear()

    # -- output ----------------------------------------------------------------------------

    def text(self) -> str:
        """The bottom of the screen (at most MATCH_CHARS characters), trailing spaces removed."""
        return self._tail()[0]

    def lines(self) -> list[str]:
        """Every line kept (the screen and up to MAX_LINES above it), trailing spaces removed."""
        return [line.rstrip() for line in self._lines]

    def find(self, patterns: Sequence[re.Pattern[str]]) -> Evidence | None:
        """(absolute line, stamp) of the line where the last match of any pattern starts."""
        found = self.match(patterns)
        return found[0] if found is not None else None

    def match(self, patterns: Sequence[re.Pattern[str]]) -> tuple[Evidence, int] | None:
        """`find`, with the index of the pattern whose match it is."""
        text, starts, first = self._tail()
        best, which = -1, -1
        for number, pattern in enumerate(patterns):
            for match in pattern.finditer(text):
                if match.start() > best:
                    best, which = match.start(), number
        if best < 0:
            return None
        index = first + bisect_right(starts, best) - 1
        return (self._dropped + index, self._stamps[index]), which

    def rows(self) -> Rows:
        """The lines as they are now (a copy, cheap: the strings are shared), for `changes_since`."""
        return self._lines.copy(), self._clipped

    def changes_since(self, rows: Rows, limit: int = MAX_LINES) -> tuple[int, int]:
        """(depth, count): how many lines up from the bottom the screen differs from `rows` (an
        earlier `rows()`), and in how many lines (counted up to limit + 1), the lines compared
        bottom to bottom. (0, 0) when it looks just the same."""
        before, clipped = rows
        after = self._lines
        top = max(len(before), len(after), 1)
        if clipped != self._clipped:  # text went past the kept width: a terminal wraps it
            return top, MAX_LINES
        depth = count = 0
        for up in range(top, 0, -1):  # from the top: a scrolled screen differs at once
            old = before[-up] if up <= len(before) else ""
            new = after[-up] if up <= len(after) else ""
            if old is not new and old.rstrip() != new.rstrip():
                depth, count = max(depth, up), count + 1
                if count > limit:
                    break
        return depth, count

    def depth_of_last(self, pattern: re.Pattern[str]) -> int:
        """How many lines up from the bottom the last line matching `pattern` is (0: none)."""
        for depth in range(1, len(self._lines) + 1):
            if pattern.search(self._lines[-depth]):
                return depth
        return 0

    def index_of(self, line: int) -> int | None:
        """The index in `lines()` of absolute line `line`; None once it is gone."""
        index = line - self._dropped
        return index if 0 <= index < len(self._lines) else None

    def line_text(self, line: int) -> str | None:
        """The text of absolute line `line` (trailing spaces removed); None once it is gone."""
        index = line - self._dropped
        return self._lines[index].rstrip() if 0 <= index < len(self._lines) else None

    def _tail(self) -> tuple[str, list[int], int]:
        """(text, start of each line in it, index of its first line) of the bottom lines."""
        lines: list[str] = []
        size = 0
        first = len(self._lines)
        while first > 0 and size < MATCH_CHARS:
            first -= 1
            lines.append(self._lines[first].rstrip())
            size += len(lines[-1]) + 1
        lines.reverse()
        starts, position = [], 0
        for line in lines:
            starts.append(position)
            position += len(line) + 1
        skip = max(0, size - 1 - MATCH_CHARS)
        return "\n".join(lines)[skip:], [max(0, s - skip) for s in starts], first

    # -- lines -----------------------------------------------------------------------------

    def _stamp(self) -> int:
        self._next_stamp += 1
        return self._next_stamp

    def _clear(self) -> None:
        self._dropped += len(self._lines)
        self._lines, self._stamps = [""], [self._stamp()]
        self._row = self._col = self._home = 0
        self._saved = (0, 0)

    def _write(self, text: str) -> None:
        if self._col + len(text) > MAX_COLS:
            self._clipped += 1  # a terminal would show it on the next lines (it wraps)
        if self._col >= MAX_COLS:
            return
        text = text[: MAX_COLS - self._col]
        line = self._lines[self._row].ljust(self._col)
        self._lines[self._row] = line[: self._col] + text + line[self._col + len(text) :]
        self._col += len(text)

    def _replace(self, start: int, end: int, text: str) -> None:
        """Erase columns [start, end) of the cursor line, putting `text` there."""
        line = self._lines[self._row]
        if start < len(line):
            self._lines[self._row] = (line[:start] + text + line[end:]).rstrip()
        self._stamps[self._row] = self._stamp()

    def _set_col(self, col: int) -> None:
        self._col = max(0, min(col, MAX_COLS))

    def _set_row(self, row: int) -> None:
        """Go to 1-based screen row `row` (counted from the last clear)."""
        self._row = self._home + max(0, min(row, MAX_LINES) - 1)
        self._extend()

    def _move_row(self, delta: int) -> None:
        self._row = max(0, self._row + delta)
        self._extend()

    def _next_line(self, delta: int) -> None:
        self._move_row(delta)
        self._col = 0

    def _position(self, params: str) -> None:
        row, col = [*_numbers(params), 1, 1][:2]
        self._set_row(row or 1)
        self._set_col((col or 1) - 1)

    def _extend(self) -> None:
        """Create lines down to the cursor, dropping the oldest beyond MAX_LINES."""
        while self._row >= len(self._lines):
            self._lines.append("")
            self._stamps.append(self._stamp())
        excess = len(self._lines) - MAX_LINES
        if excess > 0:
            del self._lines[:excess], self._stamps[:excess]
            self._dropped += excess
            self._row -= excess
            self._home = max(0, self._home - excess)
            self._saved = (max(0, self._saved[0] - excess), self._saved[1])

    def _erase_display(self, params: str) -> None:
        mode = _count(params, default=0)
        if mode == 0:
            self._replace(self._col, MAX_COLS, "")
            del self._lines[self._row + 1 :], self._stamps[self._row + 1 :]
        elif mode == 1:
            for row in range(self._home, self._row):
                self._lines[row], self._stamps[row] = "", self._stamp()
            self._replace(0, self._col + 1, " " * (self._col + 1))
        else:  # 2 and 3: the whole screen (the cursor goes home: apps home it anyway)
            col = self._col
            self._clear()
            self._col = col

    def _erase_line(self, params: str) -> None:
        mode = _count(params, default=0)
        if mode == 0:
            self._replace(self._col, MAX_COLS, "")
        elif mode == 1:
            self._replace(0, self._col + 1, " " * (self._col + 1))
        else:
            self._replace(0, MAX_COLS, "")

    def _insert_lines(self, count: int) -> None:
        count = min(count, MAX_LINES)
        self._lines[self._row : self._row] = [""] * count
        self._stamps[self._row : self._row] = [self._stamp() for _ in range(count)]
        self._extend()

    def _delete_lines(self, count: int) -> None:
        del self._lines[self._row : self._row + count], self._stamps[self._row : self._row + count]
        self._extend()

    def _mode(self, params: str) -> None:
        if params in _ALT_SCREEN_MODES:  # entering or leaving the alternate screen
            self._clear()

    def _save(self) -> None:
        self._saved = (self._row, self._col)

    def _restore(self) -> None:
        self._row, self._col = self._saved
        self._extend()


def _numbers(params: str) -> list[int]:
    """CSI parameters as integers (missing or odd ones are 0)."""
    return [int(part) if part.isdigit() else 0 for part in params.lstrip("<=>?").split(";")]


def _count(params: str, default: int = 1) -> int:
    """The first CSI parameter, `default` when missing or 0, at most MAX_COUNT."""
    value = _numbers(params)[0]
    return min(value or default, MAX_COUNT)
