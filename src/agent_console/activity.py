"""Agent activity: the unknown/active/idle/asking state machine of one agent worker (pure).

The shell feeds output and input with `now`, calls `poll(now)` at `next_deadline` (None: no timer
needed, so idle workers cost no CPU) and publishes the state each call returns. Rules (SPEC §7),
with Q the quiet period:

- Echo. Output within ECHO_WINDOW of an input, while it fits the echo budget (the input's length
  plus ECHO_OVERHEAD per input, for TUIs that redraw their input box on each key), or whatever its
  size when it changes at most ECHO_LINES lines of the screen (Gemini CLI draws ~1.2 KB per key),
  is the user's typing echoed back. It is drawn on the screen but never counts as work.
- Redraws. Output within REDRAW_WINDOW of a resize or of a terminal reply is the program redrawing
  its screen, not working. Nor is output that leaves the screen looking the same, or that only
  changes the CLI's input box and what is below it (its status line), where the agent says where
  that box starts (`input_area`). Terminal replies (terminal_replies.py: colour and cursor reports,
  device attributes, focus events) are what the client's terminal answers by itself: they are
  neither typing nor an answer.
- unknown → active on sustained agent output (below); a lone startup banner followed by quiet is
  unknown → idle after Q, so a freshly started agent never looks like it just finished work.
- active → idle once the agent has been quiet for Q (`quiet`, see hysteresis).
- idle → active needs sustained output: agent output spanning at least MIN_SPAN within one run
  (a run is output whose gaps are all <= 2Q), or a burst of BURST_CHARS. One redraw, or a short
  burst every few seconds after a long silence, leaves an idle agent idle.
- Hysteresis. Every active stretch lasts at least Q. If an idle agent becomes active again through
  a run that began before it went idle (periodic output with period p <= 2Q, e.g. a tool printing
  every 3 s), that was a flap: the quiet period becomes clamp(2p, Q, 4Q), longer than p, so the
  same rhythm cannot flap again. It returns to Q on the next unrelated activation; the user's
  Enter starts a new turn, which breaks the run. A spinner ticking more often than Q never lets
  the agent go idle at all.
- asking. The output is kept as screen text (screen_text.py). Once it settles (SETTLE after the
  last output, at most MAX_SETTLE after the first unchecked one, so half-drawn frames are not
  judged) the bottom of the screen is matched against the asking patterns: a match enters
  asking from any state. Output while asking changes nothing by itself.
- Leaving asking. Input with Enter ("\\r") or a lone Esc (not an escape sequence such as an arrow
  key, which navigates inside the prompt) is an answer: active, idle after Q unless output
  resumes. The answered prompt, identified by its line and that line's stamp, cannot put the
  agent back in asking; a redraw of it (a new stamp) or another prompt can, except when the
  same text is drawn again by echo or a redraw (a prompt drawing its answered line once more as
  Enter takes the default, a resize): that is still the answered prompt. When a settled screen
  no longer matches, the prompt has gone: active, idle Q after the agent's last output.
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Sequence
from typing import Any

from agent_console.errors import InvalidRequest
from agent_console.model import ActivityState
from agent_console.pattern_risk import backtracking_risk
from agent_console.question import Question, from_screen
from agent_console.screen_text import Evidence, Rows, ScreenText
from agent_console.terminal_replies import without_replies

ECHO_WINDOW = 0.15
ECHO_OVERHEAD = 512
ECHO_LINES = 3  # echo redrawn by a TUI: at most this many lines change (input line, hints)
MIN_SPAN = 0.1
BURST_CHARS = 4096
SETTLE = 0.1
MAX_SETTLE = 0.5
REDRAW_WINDOW = 0.5  # after a resize or a terminal reply: the program redraws, it does not work
MAX_QUIET_FACTOR = 4
RUN_GAP_FACTOR = 2  # output gaps up to 2Q keep a run going
MAX_PATTERNS = 50
MAX_PATTERN_LENGTH = 500

ANSWER = re.compile(r"\r|\x1b(?![\[O])")  # Enter, or Esc not starting a CSI/SS3 key sequence


class ActivityDetector:
    """The activity state of one agent worker, driven by its output, input and the clock."""

    def __init__(
        self,
        asking_patterns: Sequence[re.Pattern[str]],
        quiet_period: float = 2.0,
        input_area: re.Pattern[str] | None = None,
    ) -> None:
        if not quiet_period > 0:
            raise ValueError("quiet_period must be positive")
        self.state = ActivityState.UNKNOWN
        self.reason = "started"  # why the state last changed: "output", "quiet 2 s", ...
        self.since = -math.inf  # when it last changed
        self._patterns = list(asking_patterns)
        self._input_area = input_area  # matches the first line of the CLI's input box
        self._screen = ScreenText() if self._patterns else None
        self._base_quiet = self._quiet = quiet_period
        self._now = -math.inf
        self._echo_until = -math.inf
        self._echo_budget = 0
        self._last_output: float | None = None  # last agent (non-echo) output
        self._run_start = self._busy_at = 0.0  # busy_at: the agent was last seen working
        self._run_chars = 0
        self._seen_output = False
        self._idle_since: float | None = None
        self._check_at: float | None = None
        self._dirty_since: float | None = None
        self._answered: Evidence | None = None
        self._answered_text: str | None = None  # the answered prompt's line, as it read then
        self._redraw_until = -math.inf

    @property
    def next_deadline(self) -> float | None:
        """When `poll` must be called next; None when nothing is pending."""
        deadlines = [t for t in (self._check_at, self._idle_at) if t is not None]
        return min(deadlines, default=None)

    def printing(self, now: float) -> bool:
        """Whether the agent printed (not echo, not a redraw) within the base quiet period: the
        state may stay active longer (a run that flapped waits up to MAX_QUIET_FACTOR Q)."""
        return self._last_output is not None and now - self._last_output <= self._base_quiet

    # -- events ----------------------------------------------------------------------------

    def on_output(self, data: str, now: float) -> ActivityState | None:
        """The worker printed `data`; returns the new state if it changed."""
        before, now = self.state, self._advance(now)
        if data:
            rows = self._screen.rows() if self._screen is not None else None
            if self._screen is not None:
                self._screen.feed(data)
            echo = now <= self._echo_until and len(data) <= self._echo_budget
            if now <= self._redraw_until:
                pass  # the program redrawing after a resize or a terminal reply
            elif echo:
                self._echo_budget -= len(data)
            elif rows is None or self._shows_work(rows, now):
                self._agent_output(len(data), now)
            if self._screen is not None:
                if echo or now <= self._redraw_until:
                    self._follow_answered()
                self._schedule_check(now)
        return self._changed(before)

    def on_input(self, data: str, now: float) -> ActivityState | None:
        """The client sent `data`: the user's keys, or its terminal's replies (never typing nor
        an answer, but the program may redraw on them); returns the new state if it changed."""
        before, now = self.state, self._advance(now)
        typed, replied = without_replies(data)
        if replied:
            self._redraw_until = now + REDRAW_WINDOW
        if typed:
            if now > self._echo_until:
                self._echo_budget = 0
            self._echo_until = now + ECHO_WINDOW
            self._echo_budget += len(typed) + ECHO_OVERHEAD
            if "\r" in typed:  # a new turn: output after it is not the old run resuming
                self._last_output = None
            if self.state is ActivityState.ASKING and ANSWER.search(typed):
                self._answer(now)
        return self._changed(before)

    def on_resize(self, now: float) -> ActivityState | None:
        """The terminal was resized: what the program draws next is a redraw, not work."""
        before, now = self.state, self._advance(now)
        self._redraw_until = now + REDRAW_WINDOW
        return self._changed(before)

    def answered(self, now: float) -> ActivityState | None:
        """The user answered a question this screen did not show (a structured signal's): the
        agent acts on the answer, as after any answer."""
        before, now = self.state, self._advance(now)
        self._answer(now)
        return self._changed(before)

    def poll(self, now: float) -> ActivityState | None:
        """Run the transitions due by `now`; returns the new state if it changed."""
        before = self.state
        self._advance(now)
        return self._changed(before)

    # -- transitions -----------------------------------------------------------------------

    @property
    def _idle_at(self) -> float | None:
        if self.state is ActivityState.ACTIVE:
            return self._busy_at + self._quiet
        if self.state is ActivityState.UNKNOWN and self._seen_output:
            return self._busy_at + self._base_quiet  # it printed, then settled without working
        return None

    def _changed(self, before: ActivityState) -> ActivityState | None:
        return self.state if self.state is not before else None

    def _advance(self, now: float) -> float:
        """Apply every timed transition due by `now`, in time order; returns the clock."""
        now = self._now = max(now, self._now)
        while True:
            check_at, idle_at = self._check_at, self._idle_at
            if (
                check_at is not None
                and check_at <= now
                and (idle_at is None or check_at <= idle_at)
            ):
                self._check_screen()
            elif idle_at is not None and idle_at <= now:
                self.state, self._idle_since = ActivityState.IDLE, idle_at
                self._because(f"quiet {self._quiet:g} s", idle_at)
            else:
                return now

    def _agent_output(self, size: int, now: float) -> None:
        gap = math.inf if self._last_output is None else now - self._last_output
        linked = gap <= RUN_GAP_FACTOR * self._base_quiet
        if not linked:
            self._run_start, self._run_chars = now, 0
        self._run_chars += size
        self._last_output = self._busy_at = now
        self._seen_output = True
        if self.state is ActivityState.UNKNOWN and self._sustained(now):
            self._activate(now, self._base_quiet, "output")
        elif self.state is ActivityState.IDLE and self._sustained(now):
            flap = self._idle_since is not None and self._run_start < self._idle_since
            quiet = min(max(2 * gap, self._base_quiet), MAX_QUIET_FACTOR * self._base_quiet)
            self._activate(now, quiet if flap else self._base_quiet, "output")

    def _shows_work(self, rows: Rows, now: float) -> bool:
        """Whether output changed the screen (which was `rows` before it) in a way that shows
        the agent working. A redraw that looks the same does not; nor does typing echoed by a
        TUI that draws its whole input box again on each key (at most ECHO_LINES lines change,
        whatever the bytes), nor a change confined to the CLI's input box and status line."""
        assert self._screen is not None
        depth, count = self._screen.changes_since(rows, ECHO_LINES)
        if depth == 0 or (now <= self._echo_until and count <= ECHO_LINES):
            return False
        return self._input_area is None or depth > self._screen.depth_of_last(self._input_area)

    def _sustained(self, now: float) -> bool:
        return now - self._run_start >= MIN_SPAN or self._run_chars >= BURST_CHARS

    def _activate(self, now: float, quiet: float, reason: str) -> None:
        self.state, self._busy_at, self._quiet = ActivityState.ACTIVE, now, quiet
        self._idle_since = None
        self._because(reason, now)

    def _because(self, reason: str, at: float) -> None:
        self.reason, self.since = reason, at

    # -- the screen ------------------------------------------------------------------------

    def _schedule_check(self, now: float) -> None:
        if self._dirty_since is None:
            self._dirty_since = now
        self._check_at = min(now + SETTLE, self._dirty_since + MAX_SETTLE)

    def _evidence(self) -> Evidence | None:
        return self._screen.find(self._patterns) if self._screen is not None else None

    def question(self) -> Question | None:
        """The question on screen, read around the line where an asking pattern matches."""
        if self._screen is None:
            return None
        found = self._screen.match(self._patterns)
        index = self._screen.index_of(found[0][0]) if found is not None else None
        return from_screen(self._screen.lines(), index) if index is not None else None

    def screen_matches(self) -> bool:
        """Whether an asking pattern matches the screen as it is now."""
        return self._evidence() is not None

    def _answer(self, now: float) -> None:
        self._answered = self._evidence()
        self._answered_text = self._line_text(self._answered)
        self._activate(now, self._base_quiet, "input:answer")

    def _line_text(self, evidence: Evidence | None) -> str | None:
        if evidence is None or self._screen is None:
            return None
        return self._screen.line_text(evidence[0])

    def _follow_answered(self) -> None:
        """The answered prompt drawn again as it was, by output that is no work (the echo of the
        answer: a prompt redrawing its answered line; a redraw after a resize), stays answered;
        so does its line with the answer's key echoed after it (a key that answers at once),
        which is then the text a prompt drawn again must have to be that one."""
        if self._answered is None or self._answered_text is None:
            return
        evidence = self._evidence()
        text = self._line_text(evidence)
        if evidence is None or text is None:
            return
        echoed = evidence[0] == self._answered[0] and text.startswith(self._answered_text)
        if text == self._answered_text or echoed:
            self._answered, self._answered_text = evidence, text

    def _check_screen(self) -> None:
        at = self._check_at if self._check_at is not None else self._now
        self._check_at = self._dirty_since = None
        assert self._screen is not None
        found = self._screen.match(self._patterns)
        evidence = found[0] if found is not None else None
        if found is None:
            self._answered = None
            if self.state is ActivityState.ASKING:  # the prompt went away
                self.state, self._quiet = ActivityState.ACTIVE, self._base_quiet
                self._because("screen:prompt gone", at)
        elif self.state is not ActivityState.ASKING and evidence != self._answered:
            self.state, self._answered = ActivityState.ASKING, None
            self._because(f"screen:pattern {found[1] + 1}", at)


# -- asking patterns -------------------------------------------------------------------------

_parser: Any = importlib.import_module("re._parser")


def compile_patterns(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    """Compile asking patterns (MULTILINE: ^ and $ match at each screen line), refusing any
    that is invalid, too long, matches empty text or risks catastrophic backtracking
    (pattern_risk.py)."""
    if isinstance(patterns, str) or not isinstance(patterns, Sequence):
        raise InvalidRequest("askingPatterns must be a list of regular expressions")
    if len(patterns) > MAX_PATTERNS:
        raise InvalidRequest(f"askingPatterns allows at most {MAX_PATTERNS} patterns")
    return [
        compile_pattern(pattern, f"askingPatterns[{index}]")
        for index, pattern in enumerate(patterns)
    ]


def compile_pattern(pattern: object, name: str) -> re.Pattern[str]:
    """One asking pattern, compiled or refused with a message that starts with `name`."""
    if not isinstance(pattern, str) or not pattern:
        raise InvalidRequest(f"{name} must be a non-empty string")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise InvalidRequest(f"{name} is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        parsed = _parser.parse(pattern, re.MULTILINE)
        compiled = re.compile(pattern, re.MULTILINE)
    except (re.error, RecursionError, OverflowError) as error:
        raise InvalidRequest(f"{name} is not a valid regular expression: {error}") from None
    try:
        risk = backtracking_risk(parsed)
    except RecursionError:
        risk = "it is nested too deeply"
    if risk:
        raise InvalidRequest(f"{name} risks catastrophic backtracking: {risk}")
    if compiled.search("") is not None:
        raise InvalidRequest(f"{name} matches empty text, so it would match every screen")
    return compiled
