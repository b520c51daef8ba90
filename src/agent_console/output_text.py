"""A terminal's raw output as plain lines, each with the offset where it starts (pure).

What search looks at: escape sequences (colours, cursor moves, titles) and other controls are
removed, and a carriage return starts the line over (a progress bar leaves its last state), so
the text is what a person read on the screen, line by line. Offsets stay those of the raw stream,
so a match can be shown at its place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (titles, hyperlinks)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[ #%()*+\-./]."  # charset selections
    r"|\x1b."  # other two-character escapes
    r"|[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]"  # controls but TAB, LF and CR
)
MAX_LINE = 2000  # longer lines are cut for search and display


def plain(raw: str) -> str:
    """One raw line (no LF) as the screen showed it: escapes gone, each CR writing over the
    start of the line (as a terminal does)."""
    shown = ""
    for part in _ESCAPES.sub("", raw).rstrip("\r").split("\r"):
        shown = part + shown[len(part) :]
    return shown.rstrip()[:MAX_LINE]


def lines(data: bytes, base: int) -> Iterator[tuple[int, str]]:
    """(offset of the line's first byte, its plain text) for each complete line of `data`,
    whose first byte is at offset `base`; the bytes after the last LF are not a line yet."""
    start = 0
    while (end := data.find(b"\n", start)) >= 0:
        yield base + start, plain(data[start:end].decode("utf-8", "replace"))
        start = end + 1


def complete(data: bytes) -> int:
    """How many bytes of `data` form complete lines (up to and including its last LF)."""
    return data.rfind(b"\n") + 1
