"""A terminal's raw output as plain lines, each with the offset where it starts (pure).

What search looks at: escape sequences (colours, cursor moves, titles) and other controls are
removed (but the text of the server's out-of-band notes), and a carriage return starts the line over (a progress bar leaves its last state), so
the text is what a person read on the screen, line by line. Offsets stay those of the raw stream,
so a match can be shown at its place.

`indexed` is the cheap form the search index takes (whole pieces at C speed, no per-line work
for the common case): the same words, each distinct raw line once (a TUI redrawing its screen
prints the same lines again and again), escapes gone, every CR a line break. It may hold more
words than `lines` shows (what a CR wrote over), never fewer, so the index only ever points at
too many places, which the exact `lines` then sorts out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import accumulate

# Escape sequences, none crossing a line end (so one pass serves one line or many), on bytes.
_ESCAPES = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\]6973;"  # the server's notes (workers.NOTE_OSC): their text is kept, BEL goes below
    rb"|\][^\x07\x1b\n]*(?:\x07|\x1b\\)?"  # OSC (titles, hyperlinks)
    rb"|[PX^_][^\x1b\n]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    rb"|[ #%()*+\-./][^\n]"  # charset selections
    rb"|[^\n])"  # other two-byte escapes
)
_CONTROLS = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])  # but TAB, LF and CR
MAX_LINE = 2000  # longer lines are cut for search and display
_LONE_CR = re.compile(r"\r(?=[^\r\n])")  # a CR that writes over text after it


def _stripped(raw: bytes) -> bytes:
    """`raw` without escape sequences, then without the other controls (TAB, LF, CR stay)."""
    if b"\x1b" in raw:
        raw = _ESCAPES.sub(b"", raw)
    return raw.translate(None, _CONTROLS)


def _written_over(line: str) -> str:
    """A line as a terminal shows it: each CR starts writing again at its beginning."""
    shown = ""
    for part in line.rstrip("\r").split("\r"):
        shown = part + shown[len(part) :]
    return shown


def plain(raw: bytes) -> str:
    """One raw line (no LF) as the screen showed it: escapes gone, each CR writing over the
    start of the line (as a terminal does)."""
    return _written_over(_stripped(raw).decode("utf-8", "replace")).rstrip()[:MAX_LINE]


def lines(data: bytes, base: int) -> Iterator[tuple[int, str]]:
    """(offset of the line's first byte, its plain text) for each complete line of `data`,
    whose first byte is at offset `base`; the bytes after the last LF are not a line yet.
    Each text is `plain` of its line, found in one pass over all of them."""
    raw = data.split(b"\n")[:-1]
    text = _stripped(data[: complete(data)]).decode("utf-8", "replace").split("\n")[:-1]
    starts = accumulate((len(line) + 1 for line in raw), initial=base)
    shown = ((_written_over(t) if "\r" in t else t).rstrip()[:MAX_LINE] for t in text)
    return zip(starts, shown, strict=False)


def complete(data: bytes) -> int:
    """How many bytes of `data` form complete lines (up to and including its last LF)."""
    return data.rfind(b"\n") + 1


def indexed(data: bytes, recent: set[bytes] | None = None) -> str:
    """The text of `data` (whole lines of raw output) for the search index: each distinct raw
    line once, in no order — and none of `recent` (lines already indexed, which it then holds
    too) — stripped as `plain` strips it (in one pass over all of them); a line with a CR that
    writes over it comes again as `plain` shows it."""
    distinct = set(data.split(b"\n"))
    if recent is not None:
        distinct -= recent
        recent |= distinct
    text = _stripped(b"\n".join(distinct)).decode("utf-8", "replace")
    overwritten = _LONE_CR.finditer(text) if "\r" in text else ()
    starts = {text.rfind("\n", 0, cr.start()) + 1 for cr in overwritten}
    if not starts:
        return text  # no CR writes over text (one before an LF separates, as a space does)
    ends = [(start, text.find("\n", start)) for start in sorted(starts)]
    return "\n".join([text, *(_written_over(text[a : b if b >= 0 else None]) for a, b in ends)])
