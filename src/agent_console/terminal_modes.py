"""The terminal modes in effect at a point of a worker's output, and the escape sequence that
puts a fresh terminal into them (pure).

A client that renders only the recent tail of a worker's output (opening a terminal at once,
paging back) starts in the middle of the stream: modes the program set earlier — the alternate
screen of a full-screen program, application cursor keys, mouse reporting, bracketed paste, a
hidden cursor, a scrolling region — would be missing, and the screen or the keys would be wrong.
`Modes.feed` follows the DEC private mode switches (`ESC [ ? n h` / `l`) over the bytes before
that point, `feed_region` the scrolling region (`ESC [ t ; b r`) over the last stretch before it;
`restore()` is the sequence to write first; `leave()` the one that undoes them all.
"""

from __future__ import annotations

import re

# Private modes a client must see set: (mode, set by default).
TRACKED = {
    1: False,  # application cursor keys (arrows send ESC O A)
    7: True,  # autowrap
    25: True,  # cursor visible
    1000: False,  # mouse: clicks
    1002: False,  # mouse: drags
    1003: False,  # mouse: all motion
    1004: False,  # focus in/out reports
    1005: False,  # mouse: UTF-8 coordinates
    1006: False,  # mouse: SGR coordinates
    1015: False,  # mouse: urxvt coordinates
    2004: False,  # bracketed paste
}
ALT_SCREEN = (47, 1047, 1049)
CARRY = 64
_PRIVATE = re.compile(rb"\x1b\[\?([0-9;]{1,40})([hl])")  # a literal prefix: a fast search
_RESET = re.compile(rb"\x1bc")
_SWITCH = re.compile(_PRIVATE.pattern + rb"|" + _RESET.pattern)  # no prefix: a byte-by-byte scan
_REGION = re.compile(rb"\x1b\[([0-9]{0,4};[0-9]{0,4})?r")  # slower: only near the point


class Modes:
    """The modes set by everything fed so far."""

    def __init__(self) -> None:
        self._reset()
        self._carry = b""  # the end of the last chunk: a switch may straddle two chunks

    def _reset(self) -> None:
        self.private: dict[int, bool] = dict(TRACKED)
        self.alt_screen = False
        self.region: bytes | None = None  # the last scrolling region, None when full screen

    def feed(self, data: bytes) -> None:
        """Follows the switches in `data`, the bytes after those fed before. (Switches near the
        seam may be applied twice, in order: re-applying the last switches is a no-op.)"""
        self._apply(self._carry + data[:CARRY])  # the seam: a switch split between chunks
        self._apply(data)  # scanned in place (no copy of a large chunk)
        self._carry = (self._carry + data)[-CARRY:] if len(data) < CARRY else data[-CARRY:]

    def _apply(self, data: bytes) -> None:
        if data.find(b"\x1b") < 0:
            return  # plain text: one memchr
        # Two searches for a literal (~0.35 ms/MiB each) cost half the scan for either of them
        # (~1.5 ms/MiB of agent TUI output); a full reset is rare.
        switches = _SWITCH if _RESET.search(data) else _PRIVATE
        for match in switches.finditer(data):
            params, switch = match.groups()
            if params is not None:
                self._switch(params, switch == b"h")
            else:  # ESC c: a full reset
                self._reset()

    def feed_region(self, data: bytes) -> None:
        """Follows scrolling-region changes too (slower: meant for the last stretch before the
        point, where a full-screen program sets its region again on every redraw)."""
        for match in _REGION.finditer(data):
            region = match.group(1)
            self.region = region if region and region.strip(b";") else None

    def copy(self) -> Modes:
        twin = Modes()
        twin.private, twin.alt_screen, twin.region = (
            dict(self.private),
            self.alt_screen,
            self.region,
        )
        twin._carry = self._carry
        return twin

    def _switch(self, params: bytes, on: bool) -> None:
        for param in params.split(b";"):
            if not param.isdigit():
                continue
            mode = int(param)
            if mode in TRACKED:
                self.private[mode] = on
            elif mode in ALT_SCREEN:
                self.alt_screen = on
                if mode == 1049 or not on:
                    self.region = None

    def leave(self) -> str:
        """The sequence that takes a terminal in these modes back to the defaults ('' when it is
        in them): what a client writes as it stops showing the worker (`attach` detaching), so
        the user's own terminal is not left on the alternate screen, with a hidden cursor, a
        scrolling region, mouse reports or application keys."""
        parts = [f"\x1b[?{mode}{'h' if default else 'l'}" for mode, default in TRACKED.items()
                 if self.private[mode] != default]  # fmt: skip
        if self.region is not None:  # the full screen again; resetting moves the cursor home:
            parts.append("\x1b[r" if self.alt_screen else "\x1b7\x1b[r\x1b8")  # keep it on this one
        if self.alt_screen:
            parts.append("\x1b[?1049l")  # the normal screen and its cursor, as before
        return "".join(parts)

    def restore(self) -> str:
        """The sequence that puts a fresh terminal into these modes ('' for the defaults)."""
        parts = ["\x1b[?1049h"] if self.alt_screen else []
        for mode, default in TRACKED.items():
            if self.private[mode] != default:
                parts.append(f"\x1b[?{mode}{'h' if self.private[mode] else 'l'}")
        if self.region is not None:
            parts.append(f"\x1b[{self.region.decode()}r")
        return "".join(parts)
