"""Hypothesis strategies shared by tests: what a terminal sends on its own, and what a user's
keys send (xterm.js's encodings)."""

from __future__ import annotations

from hypothesis import strategies as st

_NUMBER = st.integers(0, 9999).map(str)
_HEX = st.text("0123456789abcdef", min_size=1, max_size=4)

# What xterm.js answers to the queries programs send (and focus events, once asked for).
REPLIES = st.one_of(
    st.builds(
        lambda n, r, end: f"\x1b]{n};rgb:{r}/{r}/{r}{end}",
        st.sampled_from(["10", "11", "12", "4;1"]),
        _HEX,
        st.sampled_from(["\x07", "\x1b\\"]),
    ),
    st.sampled_from(
        [
            "\x1bP1$r0m\x1b\\",
            "\x1bP>|xterm.js(6.0.0)\x1b\\",
            "\x1bP0+r\x1b\\",
            "\x1bP!|00000000\x1b\\",
        ]
    ),
    st.builds(lambda r, c: f"\x1b[{r};{c}R", _NUMBER, _NUMBER),  # cursor position
    st.builds(lambda r, c: f"\x1b[?{r};{c};1R", _NUMBER, _NUMBER),  # DECXCPR
    st.sampled_from(["\x1b[?1;2c", "\x1b[?62;4;9;22c", "\x1b[>0;276;0c", "\x1b[=0c"]),
    st.sampled_from(["\x1b[I", "\x1b[O", "\x1b[0n", "\x1b[?0u", "\x1b[?7u"]),
    st.builds(lambda m, v: f"\x1b[?{m};{v}$y", _NUMBER, st.sampled_from("01234")),  # modes
    st.builds(lambda h, w: f"\x1b[8;{h};{w}t", _NUMBER, _NUMBER),  # window size
)

_SPECIAL_KEYS = [
    "\r", "\x7f", "\t", "\x1b", "\x03", "\x04", "\x1a", "\x1b\r", "\x1bb", "\x1bP", "\x1b]",
    "\x1b\\", "\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1bOA", "\x1bOD", "\x1b[H", "\x1b[F",
    "\x1bOH", "\x1bOF", "\x1bOP", "\x1bOQ", "\x1bOR", "\x1bOS", "\x1b[2~", "\x1b[3~", "\x1b[5~",
    "\x1b[6~", "\x1b[15~", "\x1b[24~", "\x1b[1;5A", "\x1b[1;2D", "\x1b[3;5~", "\x1b[1;5P",
    "\x1b[Z", "\x1b[<0;12;5M", "\x1b[<0;12;5m", "\x1b[M !!",
]  # fmt: skip
# Every key xterm.js sends, but Shift..Ctrl+Alt+F3 (`ESC [ 1 ; mod R`, the same bytes as a cursor
# position report for row 1: see the module's doc).
_CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="\x1b")
KEYS = st.one_of(
    st.sampled_from(_SPECIAL_KEYS),
    st.text(_CHARACTERS, min_size=1, max_size=20),
    st.text(_CHARACTERS, max_size=40).map(
        lambda text: f"\x1b[200~{text}\x1b[201~"  # a bracketed paste
    ),
)
