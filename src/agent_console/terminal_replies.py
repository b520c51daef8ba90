"""Terminal replies: what a client's terminal sends by itself, told apart from the user's keys
(pure).

A program asks its terminal questions by printing them (the background colour `ESC ] 11 ; ?`,
the cursor position `ESC [ 6 n`, the device attributes `ESC [ c`), and the terminal (xterm.js in
the browser) answers on the input side, where the program reads keys. Those answers, and the
focus events a terminal sends when the program asked for them, are never the user typing or
answering a question. Each reply is a complete sequence no key produces:

- OSC and DCS strings (`ESC ]` … `BEL`/`ESC \\`, `ESC P` … `ESC \\`): colour and title
  reports, DECRQSS, XTGETTCAP and XTVERSION answers. A key sends at most `ESC ]` or `ESC P`
  (Alt+] or Alt+Shift+P) without a terminator.
- CSI reports: device attributes `ESC [ ? … c`, `ESC [ > … c`, `ESC [ = … c`; cursor position
  `ESC [ row ; col R` (and DECXCPR's `ESC [ ? row ; col ; page R`); status `ESC [ 0 n`; mode
  reports `ESC [ ? mode ; value $ y`; window reports `ESC [ … t`; keyboard flags `ESC [ ? … u`;
  focus `ESC [ I` and `ESC [ O`.

The one overlap: xterm encodes Shift..Ctrl+Alt+F3 as `ESC [ 1 ; mod R`, which is also a cursor
position report for row 1. It is taken for a reply; F3 answers no question, so nothing is lost.
"""

from __future__ import annotations

import re

REPLY = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC … BEL or ST
    r"|\x1bP[^\x1b]*\x1b\\"  # DCS … ST
    r"|\x1b\[(?:"
    r"[?>=][0-9;]*c"  # device attributes (primary, secondary, tertiary)
    r"|\??[0-9]+;[0-9]+(?:;[0-9]+)?R"  # cursor position (DECXCPR with ? and a page)
    r"|0n"  # device status: OK
    r"|\?[0-9]+;[0-9]+\$y"  # DEC private mode report
    r"|[0-9]+(?:;[0-9]+)*t"  # window size and position reports
    r"|\?[0-9]*u"  # keyboard protocol flags
    r"|[IO]"  # focus in, focus out
    r")"
)


def without_replies(data: str) -> tuple[str, bool]:
    """(what the user typed, whether `data` held any terminal reply)."""
    typed, count = REPLY.subn("", data)
    return typed, count > 0
