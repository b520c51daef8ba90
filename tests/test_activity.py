"""Tests for agent activity detection: every transition on an injected clock, the screen text model
and the asking-pattern checks."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_console.activity import (
    ECHO_OVERHEAD,
    ECHO_WINDOW,
    MAX_PATTERN_LENGTH,
    MAX_PATTERNS,
    MAX_SETTLE,
    MIN_SPAN,
    REDRAW_WINDOW,
    SETTLE,
    ActivityDetector,
    compile_patterns,
)
from agent_console.agents import BUILT_IN_AGENTS
from agent_console.errors import InvalidRequest
from agent_console.model import ActivityState
from agent_console.screen_text import MATCH_CHARS, MAX_LINES, ScreenText
from tests.strategies import REPLIES

UNKNOWN, ACTIVE, IDLE, ASKING = (
    ActivityState.UNKNOWN,
    ActivityState.ACTIVE,
    ActivityState.IDLE,
    ActivityState.ASKING,
)
Q = 2.0
PROMPT = "Do you want to proceed?\r\n❯ 1. Yes\r\n  2. No\r\n"
ASKING_PATTERNS = compile_patterns([r"Do you want to proceed\?", r"\(y/n\)\s*$"])


def detector() -> ActivityDetector:
    return ActivityDetector(ASKING_PATTERNS, quiet_period=Q)


def active_at(t: float) -> ActivityDetector:
    """A detector that became active at time t (output sustained since t - 2 MIN_SPAN)."""
    d = detector()
    assert d.on_output("starting…\r\n", t - 2 * MIN_SPAN) is None
    assert d.on_output("working…\r\n", t) is ACTIVE
    return d


def idle_at(t: float) -> ActivityDetector:
    """A detector that went idle at time t."""
    d = active_at(t - Q)
    assert d.poll(t) is IDLE
    return d


def settle(d: ActivityDetector, now: float) -> ActivityState | None:
    """Call poll at every deadline up to `now`; returns the last change seen."""
    change = None
    while (deadline := d.next_deadline) is not None and deadline <= now:
        change = d.poll(deadline) or change
    return change


def asking_at(t: float) -> ActivityDetector:
    """A detector whose agent showed the permission prompt at time t."""
    d = active_at(t - 1)
    d.on_output(PROMPT, t)
    assert d.poll(t + SETTLE) is ASKING
    return d


# -- unknown, active, idle --------------------------------------------------------------------


def test_starts_unknown_with_no_deadline() -> None:
    """A new detector is unknown and needs no timer."""
    d = detector()
    assert d.state is UNKNOWN
    assert d.next_deadline is None
    assert d.poll(100.0) is None


def test_unknown_to_active_on_sustained_output() -> None:
    """Sustained agent output makes it active, with an idle deadline one quiet period later."""
    d = detector()
    assert d.on_output("Welcome\r\n", 10.0 - 2 * MIN_SPAN) is None
    assert d.on_output("Thinking…\r\n", 10.0) is ACTIVE
    assert d.state is ACTIVE
    assert d.next_deadline == 10.0 + SETTLE  # the screen check comes first
    assert d.poll(10.0 + SETTLE) is None
    assert d.next_deadline == 10.0 + Q


def test_unknown_to_idle_after_a_startup_banner() -> None:
    """A banner then quiet: unknown becomes idle after Q, never active (so no 'finished')."""
    d = detector()
    assert d.on_output("Welcome to the agent\r\n> ", 10.0) is None
    assert d.state is UNKNOWN
    assert settle(d, 10.0 + Q - 0.01) is None
    assert d.poll(10.0 + Q) is IDLE
    assert d.next_deadline is None


def test_unknown_to_active_on_a_large_burst() -> None:
    """A large first burst is work at once."""
    assert detector().on_output("x" * 5000, 1.0) is ACTIVE


def test_active_to_idle_at_the_deadline() -> None:
    """Active becomes idle exactly at the deadline, not before; then no timer is left."""
    d = active_at(0.0)
    settle(d, 1.0)
    assert d.poll(Q - 0.01) is None
    assert d.next_deadline == Q
    assert d.poll(Q) is IDLE
    assert d.next_deadline is None


def test_output_keeps_it_active() -> None:
    """Each agent output moves the idle deadline."""
    d = active_at(0.0)
    assert d.on_output("more", 1.5) is None
    settle(d, 1.9)
    assert d.next_deadline == 1.5 + Q
    assert d.poll(3.0) is None
    assert d.poll(3.5) is IDLE


def test_overdue_deadline_applies_before_new_output() -> None:
    """A late timer does not change the outcome: a gap of Q was idle even if poll was missed."""
    d = active_at(0.0)
    assert d.on_output("x", 5.0) is IDLE  # went idle at 2.0; one output after 5 s is no work


def test_idle_to_active_on_sustained_output() -> None:
    """An idle agent becomes active when its output spans two moments."""
    d = idle_at(10.0)
    assert d.on_output("Thinking", 20.0) is None
    assert d.state is IDLE
    assert d.on_output(".", 20.1) is ACTIVE


def test_idle_to_active_on_a_large_burst() -> None:
    """One big block of output counts as work too."""
    d = idle_at(10.0)
    assert d.on_output("x" * 5000, 20.0) is ACTIVE


def test_one_redraw_leaves_an_idle_agent_idle() -> None:
    """A single small output after a long silence (a redraw) is not work."""
    d = idle_at(10.0)
    assert d.on_output("\x1b[2K\r> ", 30.0) is None
    assert settle(d, 40.0) is None
    assert d.state is IDLE


# -- echo ------------------------------------------------------------------------------------


def test_echo_of_typing_does_not_leave_unknown() -> None:
    """Echo before the agent ever printed keeps it unknown."""
    d = detector()
    assert d.on_input("h", 1.0) is None
    assert d.on_output("h", 1.02) is None
    assert d.state is UNKNOWN


def test_typing_in_an_idle_agent_stays_idle() -> None:
    """A user typing a sentence (each key echoed quickly) never makes the agent active."""
    d = idle_at(10.0)
    t = 11.0
    for key in "please refactor the parser":
        assert d.on_input(key, t) is None
        assert d.on_output(key, t + 0.03) is None
        t += 0.12
        assert settle(d, t) is None
    assert d.state is IDLE


def test_echo_with_escape_overhead_is_still_echo() -> None:
    """A TUI that redraws its input line (escape sequences and all) on each key is echo."""
    d = idle_at(10.0)
    for i in range(20):
        t = 11.0 + i * 0.2
        d.on_input("a", t)
        assert d.on_output("\x1b[2K\r\x1b[1m> \x1b[0m" + "a" * (i + 1), t + 0.05) is None
    assert d.state is IDLE


def test_output_after_the_echo_window_is_agent_output() -> None:
    """Output arriving well after the input is the agent's, not echo."""
    d = idle_at(10.0)
    d.on_input("go\r", 11.0)
    d.on_output("go\r\n", 11.01)
    assert d.on_output("Working", 11.0 + ECHO_WINDOW + 0.1) is None
    assert d.on_output(".", 11.0 + ECHO_WINDOW + 0.3) is ACTIVE


def test_output_much_bigger_than_the_input_is_agent_output() -> None:
    """A large output right after a key press is not that key's echo."""
    d = idle_at(10.0)
    d.on_input("y", 11.0)
    assert d.on_output("z" * 5000, 11.01) is ACTIVE


def test_echo_does_not_keep_an_active_agent_active() -> None:
    """Typing while the agent is silent does not postpone idle."""
    d = active_at(0.0)
    for i in range(10):
        d.on_input("k", 0.5 + i * 0.15)
        d.on_output("k", 0.52 + i * 0.15)
    settle(d, Q)
    assert d.state is IDLE


# -- hysteresis -------------------------------------------------------------------------------


def transitions(
    d: ActivityDetector, events: list[tuple[float, str]], until: float
) -> list[tuple[float, ActivityState]]:
    """Feed outputs at their times (polling deadlines in between); returns (time, state) changes."""
    changes: list[tuple[float, ActivityState]] = []
    for t, data in [*events, (until, "")]:
        while (deadline := d.next_deadline) is not None and deadline <= t:
            if (change := d.poll(deadline)) is not None:
                changes.append((deadline, change))
        if data and (change := d.on_output(data, t)) is not None:
            changes.append((t, change))
    return changes


def test_a_spinner_ticking_every_second_never_goes_idle() -> None:
    """Output once a second (a tool's spinner) keeps the agent active throughout."""
    d = active_at(0.0)
    changes = transitions(d, [(float(t), "⠋ running tests") for t in range(1, 61)], 61.5)
    assert changes == []


def test_a_spinner_wakes_an_idle_agent_once() -> None:
    """A spinner starting in an idle agent makes it active once, and it stays active."""
    d = idle_at(0.0)
    changes = transitions(d, [(10.0 + t, "\r" + "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"[t % 10]) for t in range(30)], 39.5)
    assert [state for _, state in changes] == [ACTIVE]


def test_a_burst_every_three_seconds_flaps_at_most_once() -> None:
    """Periodic output slower than Q dips to idle once, then hysteresis holds it active."""
    d = active_at(0.0)
    changes = transitions(d, [(3.0 * k, "[tool] still running\r\n") for k in range(1, 21)], 61.0)
    assert [state for _, state in changes][:2] == [IDLE, ACTIVE]
    assert sum(1 for _, state in changes if state is IDLE) <= 2  # the final idle after the end
    times = [t for t, _ in changes]
    assert all(b - a >= Q for a, b in itertools.pairwise(times[1:]))


def test_no_more_than_one_flap_per_quiet_period_for_any_rhythm() -> None:
    """For periods from 0.5 to 6 s, idle dips never come closer than one quiet period apart."""
    for tenth in range(5, 61, 5):
        period = tenth / 10
        d = active_at(0.0)
        events = [(period * k, "tick\r\n") for k in range(1, int(60 / period))]
        changes = transitions(d, events, 61.0)
        idles = [t for t, state in changes if state is IDLE]
        assert len(idles) <= 3, (period, changes)
        assert all(b - a > Q for a, b in itertools.pairwise(idles)), (period, changes)


def test_bursts_slower_than_two_quiet_periods_leave_it_idle() -> None:
    """A short burst every 5 s after going idle is not sustained work: no flapping at all."""
    d = active_at(0.0)
    changes = transitions(d, [(5.0 * k, "ping\r\n") for k in range(1, 12)], 60.0)
    assert changes == [(Q, IDLE)]


def test_quiet_period_returns_to_normal_after_a_real_pause() -> None:
    """After a flap lengthened the quiet period, new work after a long pause uses Q again."""
    d = active_at(0.0)
    transitions(d, [(3.0 * k, "step\r\n") for k in range(1, 6)], 40.0)
    assert d.state is IDLE
    d.on_output("new turn", 100.0)
    assert d.on_output("…", 100.2) is ACTIVE
    settle(d, 100.3)
    assert d.next_deadline == pytest.approx(100.2 + Q)


# -- asking -----------------------------------------------------------------------------------


def test_active_to_asking_once_the_prompt_settles() -> None:
    """A permission prompt on screen makes the agent asking after output settles."""
    d = active_at(0.0)
    assert d.on_output(PROMPT, 1.0) is None
    assert d.next_deadline == 1.0 + SETTLE
    assert d.poll(1.0 + SETTLE) is ASKING


def test_idle_to_asking() -> None:
    """An idle agent that draws a prompt becomes asking."""
    d = idle_at(5.0)
    d.on_output("Overwrite file? (y/n) ", 9.0)
    assert settle(d, 10.0) is ASKING


def test_unknown_to_asking_at_startup() -> None:
    """A prompt as the very first screen (e.g. a trust dialog) ends in asking."""
    d = detector()
    d.on_output("\x1b[?1049h\x1b[H" + PROMPT, 0.0)
    assert settle(d, 1.0) is ASKING


def test_asking_needs_no_timer() -> None:
    """While asking and quiet, no deadline is pending (no CPU spent)."""
    d = asking_at(1.0)
    assert d.next_deadline is None
    assert d.poll(1000.0) is None
    assert d.state is ASKING


def test_continuous_output_is_checked_within_max_settle() -> None:
    """Output that never pauses is still checked at most MAX_SETTLE after it began."""
    d = active_at(0.0)
    settle(d, 0.5)
    d.on_output(PROMPT, 1.0)
    for i in range(1, 10):
        d.on_output("\x1b[s\x1b[1;70H⠋\x1b[u", 1.0 + i * 0.05)
    assert d.next_deadline == pytest.approx(1.0 + MAX_SETTLE)
    assert d.poll(1.0 + MAX_SETTLE) is ASKING


def test_prompt_with_colours_inside_still_matches() -> None:
    """SGR colours, bold and OSC titles inside the question are not on the screen."""
    d = active_at(0.0)
    d.on_output(
        "\x1b]0;claude\x07\x1b[1mDo \x1b[38;2;255;0;0myou\x1b[0m want\x1b[22m to proceed\x1b[39m?",
        1.0,
    )
    assert settle(d, 2.0) is ASKING


def test_prompt_split_across_chunks_and_escapes() -> None:
    """A prompt arriving in pieces, even mid escape sequence, is matched once whole."""
    d = active_at(0.0)
    for i, piece in enumerate(["Do you want to pro", "\x1b[3", "1mceed\x1b[0", "m?"]):
        d.on_output(piece, 1.0 + i * 0.01)
    assert settle(d, 2.0) is ASKING


def test_asking_to_active_on_enter() -> None:
    """Enter answers the prompt: active, then idle one quiet period later if nothing follows."""
    d = asking_at(1.0)
    assert d.on_input("\r", 5.0) is ACTIVE
    assert d.next_deadline == 5.0 + Q
    assert d.poll(5.0 + Q) is IDLE


def test_asking_to_active_on_enter_then_output_keeps_it_active() -> None:
    """After the answer, resumed output keeps the agent active."""
    d = asking_at(1.0)
    d.on_input("\r", 5.0)
    d.on_output("\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2K\rRunning…", 5.5)
    assert settle(d, 5.5 + Q - 0.01) is None
    assert d.state is ACTIVE


def test_asking_to_active_on_esc() -> None:
    """A lone Esc (cancel) also answers the prompt."""
    d = asking_at(1.0)
    assert d.on_input("\x1b", 5.0) is ACTIVE


@pytest.mark.parametrize("key", ["\x1b[A", "\x1b[B", "\x1bOA", "\x1b[1;5C", "2", " "])
def test_arrows_and_keys_do_not_leave_asking(key: str) -> None:
    """Navigation inside the prompt (arrow keys, SS3 keys, other keys) is not an answer."""
    d = asking_at(1.0)
    assert d.on_input(key, 5.0) is None
    d.on_output("\x1b[3A\x1b[2K" + PROMPT, 5.02)  # the prompt redraws its selection
    assert settle(d, 6.0) is None
    assert d.state is ASKING


def test_answered_prompt_still_on_screen_does_not_ask_again() -> None:
    """After Enter, the old prompt lingering on screen (scrolled, not redrawn) is not re-asked."""
    d = detector()
    d.on_output("Overwrite file? (y/n) ", 0.0)
    assert settle(d, 1.0) is ASKING
    assert d.on_input("y\r", 3.0) is ACTIVE
    d.on_output("y\r\n", 3.01)
    d.on_output("Writing...\r\n", 3.5)
    assert settle(d, 3.5 + Q) is IDLE


def test_a_redrawn_prompt_after_an_answer_asks_again() -> None:
    """The same question erased and drawn again (the next permission) is asking again."""
    d = asking_at(1.0)
    d.on_input("\r", 5.0)
    d.on_output("\x1b[2K\x1b[1A" * 4 + "\x1b[2K\r" + PROMPT, 5.2)
    assert settle(d, 6.0) is ASKING


def test_a_new_prompt_below_an_answered_one_asks() -> None:
    """A second prompt printed below an answered one is a new question."""
    d = detector()
    d.on_output("Overwrite a.txt? (y/n) ", 0.0)
    settle(d, 1.0)
    d.on_input("y\r", 2.0)
    d.on_output("y\r\nOverwrite b.txt? (y/n) ", 2.5)
    assert settle(d, 3.0) is ASKING


def test_asking_ends_when_the_prompt_is_cleared() -> None:
    """The agent clearing the prompt from the screen ends asking: active, then idle."""
    d = asking_at(1.0)
    d.on_output("\x1b[2J\x1b[HApplying edit…", 3.0)
    assert d.poll(3.0 + SETTLE) is ACTIVE
    assert d.poll(3.0 + Q) is IDLE


def test_asking_ends_when_the_prompt_is_erased_line_by_line() -> None:
    """An inline TUI erasing its prompt lines (cursor up + erase line) ends asking."""
    d = asking_at(1.0)
    d.on_output("\x1b[2K\x1b[1A" * 4 + "\x1b[2K\x1b[G⏺ Bash(ls)", 3.0)
    assert settle(d, 3.0 + SETTLE) is ACTIVE


def test_prompt_gone_without_agent_output_goes_idle() -> None:
    """A prompt removed only by the echo of a key (Ctrl-C redraw) ends asking in idle."""
    d = asking_at(1.0)
    d.on_input("\x03", 10.0)
    d.on_output("\x1b[2J\x1b[H> ", 10.02)
    assert d.poll(10.02 + SETTLE) is IDLE


def test_half_drawn_frames_do_not_flap_asking() -> None:
    """An erase and redraw of the prompt arriving in two chunks does not leave asking."""
    d = asking_at(1.0)
    d.on_output("\x1b[2K\x1b[1A" * 4 + "\x1b[2K\r", 3.0)
    assert d.on_output(PROMPT, 3.03) is None
    assert settle(d, 4.0) is None
    assert d.state is ASKING


def test_without_patterns_it_never_asks() -> None:
    """An agent with no asking patterns only goes active and idle, with no screen checks."""
    d = ActivityDetector([], quiet_period=Q)
    d.on_output(PROMPT, 0.0)
    assert d.next_deadline == Q
    assert d.poll(Q) is IDLE


def test_clock_going_backwards_is_tolerated() -> None:
    """A `now` earlier than a previous call is treated as the previous one."""
    d = active_at(10.0)
    assert d.on_output("x", 5.0) is None
    assert d.next_deadline is not None and d.next_deadline > 10.0


def test_quiet_period_must_be_positive() -> None:
    """A zero quiet period is a configuration error."""
    with pytest.raises(ValueError, match="quiet_period"):
        ActivityDetector([], quiet_period=0)


_EVENT_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["\r", "\x1b", "\x1b[A", "\x1b[2J", "\x1b[2K\x1b[1A", PROMPT, "(y/n) ", "\x03"]
    ),
)
_EVENTS = st.lists(
    st.tuples(st.sampled_from(["output", "input", "poll"]), st.floats(0, 3), _EVENT_TEXT),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_EVENTS)
def test_random_interleavings_are_consistent(events: list[tuple[str, float, str]]) -> None:
    """Any interleaving never raises, reports only real changes, and keeps deadlines ahead."""
    d = detector()
    now = 0.0
    for kind, step, data in events:
        now += step
        before = d.state
        if kind == "output":
            change = d.on_output(data, now)
        elif kind == "input":
            change = d.on_input(data, now)
        else:
            deadline = d.next_deadline
            now = max(now, deadline or now)
            change = d.poll(now)
        assert change is None or (change is d.state and change is not before)
        assert change is not None or d.state is before
        deadline = d.next_deadline
        assert deadline is None or deadline > now


# -- redraws and terminal replies: never work, never an answer ---------------------------------

BG_REPLY = "\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\"
FULL_REDRAW = "\x1b[H\x1b[2J" + "".join(f"\x1b[{row};1H{'~' * 99}" for row in range(1, 60))


def test_a_resize_redraw_leaves_an_idle_agent_idle() -> None:
    """The full redraw a resize causes (large, in several chunks) is not work."""
    d = idle_at(10.0)
    assert d.on_resize(20.0) is None
    for i in range(4):
        assert d.on_output(FULL_REDRAW, 20.02 + i * 0.1) is None
    assert settle(d, 30.0) is None
    assert d.state is IDLE


def test_output_after_the_redraw_window_is_work() -> None:
    """Work that starts once the redraw is over still makes the agent active."""
    d = idle_at(10.0)
    d.on_resize(20.0)
    assert d.on_output("Thinking", 20.0 + REDRAW_WINDOW + 0.1) is None
    assert d.on_output("…", 20.0 + REDRAW_WINDOW + 0.3) is ACTIVE


def test_a_resize_keeps_an_asking_agent_asking() -> None:
    """A question redrawn at the new size is still the open question."""
    d = asking_at(1.0)
    d.on_resize(5.0)
    d.on_output("\x1b[H\x1b[2J" + PROMPT, 5.05)
    assert settle(d, 10.0) is None
    assert d.state is ASKING


def test_an_answered_prompt_redrawn_by_a_resize_is_not_asked_again() -> None:
    """An answered prompt still on screen, redrawn by a resize, stays answered."""
    d = asking_at(1.0)
    d.on_input("\r", 5.0)
    assert settle(d, 5.0 + Q) is IDLE
    d.on_resize(20.0)
    d.on_output("\x1b[H\x1b[2J" + PROMPT, 20.05)
    assert settle(d, 30.0) is None
    assert d.state is IDLE


def test_a_terminal_reply_is_not_an_answer() -> None:
    """xterm.js answering the background-colour query (`ESC ] 11 ; rgb… ESC \\`) while a
    permission prompt is open leaves the agent asking."""
    d = asking_at(1.0)
    assert d.on_input(BG_REPLY, 60.0) is None
    d.on_output("\x1b]11;?\x1b\\", 60.001)  # the next query
    assert settle(d, 70.0) is None
    assert d.state is ASKING
    assert d.on_input("\r", 71.0) is ACTIVE  # the user's Enter still answers


def test_a_terminal_reply_is_not_typing() -> None:
    """A redraw after a reply is not work, and a reply opens no echo budget for agent output."""
    d = idle_at(10.0)
    assert d.on_input("\x1b[?1;2c" + BG_REPLY, 60.0) is None
    assert d.on_output(FULL_REDRAW, 60.05) is None
    assert settle(d, 70.0) is None
    assert d.state is IDLE


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(REPLIES, st.floats(0.01, 70)), max_size=20))
def test_replies_never_leave_asking(replies: list[tuple[str, float]]) -> None:
    """Any replies, at any pace, with the program redrawing after each, keep a question open."""
    d = asking_at(1.0)
    now = 1.0 + SETTLE
    for reply, gap in replies:
        now += gap
        assert d.on_input(reply, now) is None
        assert d.on_output("\x1b[s\x1b[1;1H \x1b[u", now + 0.01) is None
        assert settle(d, now + 0.02) is None
    assert d.state is ASKING


# A TUI (Ink) that draws its bottom region again whole each time (~1 KB): a spinner line, a rule,
# the input box and a status line, the old ones erased first; the output above stays.
def tui_frame(spinner: str, typed: str, status: str) -> str:
    grey = "\x1b[38;2;65;65;65m"
    lines = [spinner, "\x1b[2m" + "─" * 100 + "\x1b[22m", grey + "▄" * 100 + "\x1b[39m",
             f"\x1b[48;2;65;65;65m > {typed}".ljust(120) + "\x1b[49m", grey + "▀" * 100 + "\x1b[39m",
             " workspace (/directory)     branch     /model".ljust(100),
             f" /tmp/project               main       {status}".ljust(100)]  # fmt: skip
    frame = "\x1b[2K\x1b[1A" * 6 + "\x1b[2K\x1b[G" + "\r\n".join(lines)
    assert len(frame) > ECHO_OVERHEAD + 100
    return frame


INPUT_AREA = re.compile(r"^ *─{20,} *$")


def tui_idle_at(t: float) -> ActivityDetector:
    """A TUI agent that answered (sustained output) and went idle at t."""
    d = ActivityDetector(ASKING_PATTERNS, quiet_period=Q, input_area=INPUT_AREA)
    d.on_output("\r\n" * 7, t - Q - 1.1)
    for i in range(5):
        d.on_output(f"\x1b[6A\x1b[Ganswer, line {i}" + "\r\n" * 7, t - Q - 1.0 + i / 10)
        d.on_output(tui_frame("", "", "Auto"), t - Q - 0.95 + i / 10)
    assert settle(d, t) is IDLE
    return d


def test_a_redraw_that_looks_the_same_is_not_work() -> None:
    """A TUI drawing its screen again unchanged, however often and however large, is no work."""
    d = tui_idle_at(10.0)
    for i in range(20):
        assert d.on_output(tui_frame("", "", "Auto"), 11.0 + i * 0.05) is None
    assert settle(d, 20.0) is None


def test_typing_echoed_as_a_whole_input_box_is_echo() -> None:
    """Each key answered by the whole box drawn again (more bytes than the echo budget) is echo:
    only the input line changes."""
    d = tui_idle_at(10.0)
    for i, key in enumerate("please refactor"):
        t = 11.0 + i * 0.15
        d.on_input(key, t)
        assert d.on_output(tui_frame("", "please refactor"[: i + 1], "Auto"), t + 0.05) is None
    assert settle(d, 20.0) is None


def test_status_line_changes_are_not_work() -> None:
    """A change only in the input box or the status line below it (say, the context left after
    a reply) does not wake an idle agent; the same change above the box does."""
    d = tui_idle_at(10.0)
    assert d.on_output(tui_frame("", "", "Auto (98% context left)"), 12.0) is None
    assert d.on_output(tui_frame("", "", "Auto (97% context left)"), 12.3) is None
    assert settle(d, 20.0) is None
    assert d.on_output(tui_frame("⠋ Thinking…", "", "Auto"), 21.0) is None
    assert d.on_output(tui_frame("⠙ Thinking…", "", "Auto"), 21.2) is ACTIVE


def test_a_long_line_past_the_kept_width_is_still_a_change() -> None:
    """Text written past the columns the screen model keeps (a terminal would wrap it) counts."""
    d = idle_at(10.0)
    d.on_output("x" * 300, 20.0)
    assert d.on_output("y" * 10, 20.2) is ACTIVE


# Aider (prompt_toolkit): the question as drawn, then the same line drawn again when Enter takes
# the default answer (as it draws an accepted `diff>` line, tests/fixtures/agent_screens).
AIDER_QUESTION = "Add file to the chat? (Y)es/(N)o/(D)on't ask again [Yes]: "
AIDER_ASKS = (
    "\x1b[6n\x1b[?2004h\x1b[?25l\x1b[0m\x1b[?7l\x1b[0m\x1b[J\x1b[0;38;5;40m"
    + AIDER_QUESTION.ljust(99)
    + "\r\x1b[99C \r\x1b[58C\x1b[?7h\x1b[0m\x1b[?12l\x1b[?25h"
)
AIDER_ACCEPTS = (
    "\x1b[?25l\x1b[?7l\x1b[58D\x1b[0m\x1b[J\x1b[0;38;5;40m"
    + AIDER_QUESTION.ljust(99)
    + "\r\x1b[99C \r\x1b[0m\r\r\n\x1b[J\x1b[?7h\x1b[0m\x1b[?12l\x1b[?25h\x1b[?2004l"
)


def aider() -> ActivityDetector:
    patterns = next(a for a in BUILT_IN_AGENTS if a.id == "aider").activity_patterns
    assert patterns is not None and patterns.asking_patterns
    return ActivityDetector(compile_patterns(patterns.asking_patterns), quiet_period=Q)


def test_aider_default_answer_ends_asking() -> None:
    """Enter on Aider's `[Yes]:` (the default) answers, though Aider draws the line again as
    it was; what Aider prints next does not bring the question back."""
    d = aider()
    d.on_output("\x1b[7mhello.py\x1b[0m\r\n" + AIDER_ASKS, 1.0)
    assert settle(d, 2.0) is ASKING
    assert d.on_input("\x1b[3;1R", 2.0) is None  # the reply to its cursor query is no answer
    assert d.on_input("\r", 5.0) is ACTIVE
    assert d.on_output(AIDER_ACCEPTS, 5.01) is None
    assert settle(d, 5.5) is None
    d.on_output("\r\nAdded hello.py to the chat\r\n", 5.6)
    assert settle(d, 20.0) is IDLE


def test_aider_default_answer_alone_ends_asking() -> None:
    """The answered line drawn again with nothing printed after it is not the question again."""
    d = aider()
    d.on_output(AIDER_ASKS, 1.0)
    settle(d, 2.0)
    d.on_input("\r", 5.0)
    d.on_output(AIDER_ACCEPTS, 5.01)
    assert settle(d, 20.0) is IDLE


def test_aider_next_question_asks_again() -> None:
    """A new question below an answered one is asking again."""
    d = aider()
    d.on_output(AIDER_ASKS, 1.0)
    settle(d, 2.0)
    d.on_input("\r", 5.0)
    d.on_output(AIDER_ACCEPTS + "Applied edit to hello.py\r\n", 5.01)
    assert settle(d, 7.0) is IDLE
    d.on_output(AIDER_ASKS.replace("Add file to the chat?", "Run shell command?"), 8.0)
    assert settle(d, 9.0) is ASKING


# -- screen text ------------------------------------------------------------------------------


def screen(*chunks: str) -> str:
    s = ScreenText()
    for chunk in chunks:
        s.feed(chunk)
    return s.text()


def test_screen_strips_colours_titles_and_charsets() -> None:
    """SGR, OSC (BEL and ST terminated), DCS and charset selections leave no text."""
    assert screen("\x1b[1;32mok\x1b[0m \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x1b(Bdone") == (
        "ok link done"
    )
    assert screen("\x1bP1$r0m\x1b\\a\x1b]0;title\x07b") == "ab"


def test_screen_carriage_return_overwrites() -> None:
    """A progress line redrawn after CR shows only its last state."""
    assert screen("10%\r20%\r30%") == "30%"
    assert screen("abcdef\rXY") == "XYcdef"


def test_screen_cursor_moves_and_erases() -> None:
    """Cursor up, erase line and column moves rebuild the frame the user sees."""
    assert screen("one\r\ntwo\r\nthree", "\x1b[1A\x1b[2K\rTWO") == "one\nTWO\nthree"
    assert screen("hello world", "\x1b[6D\x1b[K") == "hello"
    assert screen("a\x1b[5Cb") == "a     b"
    assert screen("abc\x1b[2;3Hx") == "abc\n  x"


def test_screen_clear_and_alternate_screen() -> None:
    """Clearing the screen or switching to the alternate screen drops earlier text."""
    assert screen("old prompt\r\n", "\x1b[H\x1b[2J\x1b[3Jnew") == "new"
    assert screen("shell\r\n", "\x1b[?1049hfull-screen app") == "full-screen app"
    assert screen("x\x1bcy") == "y"


def test_screen_escape_split_across_chunks() -> None:
    """An escape sequence cut between chunks is completed, not printed."""
    assert screen("a\x1b", "[31mb\x1b]0;ti", "tle\x07c") == "abc"


def test_screen_is_bounded() -> None:
    """Huge output and absurd counts keep the model small and fast."""
    s = ScreenText()
    s.feed("line\r\n" * 100_000)
    s.feed("\x1b[999999999B\x1b[999999999C\x1b[99999L" + "x" * 100_000)
    assert len(s.text()) <= MATCH_CHARS
    assert len(s._lines) <= MAX_LINES


def test_screen_find_reports_the_last_match() -> None:
    """find() locates the lowest matching line; erasing a line gives it a new stamp."""
    s = ScreenText()
    s.feed("Q? (y/n)\r\nout\r\nQ? (y/n)")
    pattern = [re.compile(r"\(y/n\)")]
    first = s.find(pattern)
    assert first is not None and first[0] == 2
    s.feed("\x1b[2K\rQ? (y/n)")
    again = s.find(pattern)
    assert again is not None and again[0] == 2 and again[1] != first[1]
    s.feed(" typed")  # writing on the line keeps its stamp
    assert s.find(pattern) == again


def test_screen_changes_since_counts_lines_from_the_bottom() -> None:
    """changes_since compares bottom to bottom: how deep the change reaches and how many lines."""
    s = ScreenText()
    s.feed("a\r\nb\r\nc\r\nd")
    rows = s.rows()
    assert s.changes_since(rows) == (0, 0)
    s.feed("\x1b[2K\rd")  # erased and drawn again the same
    assert s.changes_since(rows) == (0, 0)
    s.feed("\x1b[2A\x1b[2K\rB")
    assert s.changes_since(rows) == (3, 1)
    rows = s.rows()
    s.feed("\x1b[2B\r\ne")  # a new line below moves every line up one
    assert s.changes_since(rows) == (5, 5)


def test_screen_depth_of_last_match() -> None:
    """depth_of_last finds the lowest line matching, counted up from the bottom."""
    s = ScreenText()
    s.feed("----\r\none\r\n----\r\ntwo\r\nthree")
    assert s.depth_of_last(re.compile("^-+$")) == 3
    assert s.depth_of_last(re.compile("^none$")) == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab\r\n\x1b[];?0123456789ABCDHJKLMPXhl\x07\\"))))
def test_screen_never_raises(chunks: list[str]) -> None:
    """Arbitrary control-heavy input never raises and stays bounded."""
    s = ScreenText()
    for chunk in chunks:
        s.feed(chunk)
    assert len(s.text()) <= MATCH_CHARS
    s.find([re.compile("a")])


# -- asking patterns --------------------------------------------------------------------------


def test_compile_patterns_accepts_ordinary_prompts() -> None:
    """Typical prompt patterns compile, with ^ and $ working per screen line."""
    compiled = compile_patterns([r"Do you want to proceed\?", r"^\s*❯ 1\. Yes", r"\(Y\)es/\(N\)o"])
    assert compiled[1].search("Question\n  ❯ 1. Yes\n")
    assert compile_patterns([]) == []


@pytest.mark.parametrize(
    ("patterns", "message"),
    [
        (["("], "askingPatterns\\[0\\] is not a valid regular expression"),
        (["ok", "a" * (MAX_PATTERN_LENGTH + 1)], "askingPatterns\\[1\\] is longer than 500"),
        (["p"] * (MAX_PATTERNS + 1), "at most 50"),
        (["x*"], "matches empty text"),
        ([""], "non-empty string"),
        ([3], "non-empty string"),
        ("abc", "must be a list"),
    ],
)
def test_bad_patterns_get_a_clear_error(patterns: list[str], message: str) -> None:
    """Each kind of bad pattern list is an InvalidRequest naming the pattern and the problem."""
    with pytest.raises(InvalidRequest, match=message):
        compile_patterns(patterns)
