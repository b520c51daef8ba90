"""The one judge: structured signals first, the screen as fallback and cross-check, on an
injected clock (pure; nothing sleeps)."""

from __future__ import annotations

import itertools

from agent_console.activity import MIN_SPAN, SETTLE, ActivityDetector, compile_patterns
from agent_console.judge import (
    FIRST_TURN_WAIT,
    NEW_WORK,
    STALE_WORKING,
    STOP_SETTLE,
    ActivityJudge,
    answer_to,
)
from agent_console.model import ActivityState
from agent_console.question import Question
from agent_console.signals import Claim, Observation

UNKNOWN, ACTIVE, IDLE, ASKING = (
    ActivityState.UNKNOWN,
    ActivityState.ACTIVE,
    ActivityState.IDLE,
    ActivityState.ASKING,
)
Q = 2.0
PATTERNS = compile_patterns([r"Do you want to proceed\?"])
MENU = "Do you want to proceed?\r\n❯ 1. Yes\r\n  2. No\r\n"
SPIN, STOP = "\x1b]0;⠋ Claude Code\x07", "\x1b]0;✳ Claude Code\x07"


def judge() -> ActivityJudge:
    ids = (f"q{n}" for n in itertools.count(1))
    return ActivityJudge(ActivityDetector(PATTERNS, quiet_period=Q), lambda: next(ids))


def hook(claim: Claim, event: str, at: float, question: Question | None = None) -> Observation:
    return Observation(claim, f"hook:{event}", at, "hook", question)


def settle(j: ActivityJudge, now: float) -> None:
    """Polls at every deadline up to `now`, as the worker's timer does."""
    while (deadline := j.next_deadline) is not None and deadline <= now:
        j.poll(deadline)
    j.poll(now)


def working_at(t: float) -> ActivityJudge:
    """A judge whose agent said (by hook) that it started working at t."""
    j = judge()
    j.observe(hook(Claim.WORKING, "UserPromptSubmit", t), t)
    assert (j.state, j.reason) == (ACTIVE, "hook:UserPromptSubmit")
    return j


PERMISSION = Question("Allow Bash: touch x?", "permission", ("Allow", "Deny"), "Bash", "touch x",
                      "hook")  # fmt: skip


def asked_at(t: float) -> ActivityJudge:
    """A working agent whose permission hook and dialog came at t."""
    j = working_at(t - 1)
    j.observe(hook(Claim.ASKING, "PermissionRequest", t, PERMISSION), t)
    j.printed(MENU, t)
    settle(j, t + SETTLE)
    assert j.state is ASKING
    return j


# -- without structured signals ------------------------------------------------------------------


def test_without_signals_the_screen_decides_with_its_reasons() -> None:
    """No hook, title or OSC: the screen detector's states and reasons, as before."""
    j = judge()
    j.printed("working\r\n", 0.0)
    assert j.printed("more\r\n", MIN_SPAN) is not None
    assert (j.state, j.reason) == (ACTIVE, "output")
    settle(j, MIN_SPAN + Q)
    assert (j.state, j.reason, j.structured) == (IDLE, "quiet 2 s", False)
    j.printed(MENU, 5.0)
    settle(j, 5.0 + SETTLE)
    assert (j.state, j.reason) == (ASKING, "screen:pattern 1")
    assert j.question is not None and j.question.choices == ("Yes", "No")


# -- claims ---------------------------------------------------------------------------------------


def test_a_working_claim_is_active_at_once_and_stop_idle_at_once() -> None:
    """UserPromptSubmit → active, Stop → idle, each the moment it comes (no quiet period)."""
    j = working_at(1.0)
    change = j.observe(hook(Claim.IDLE, "Stop", 3.0), 3.0)
    assert change is not None and (change.state, change.reason, change.at) == (
        IDLE,
        "hook:Stop",
        3.0,
    )


def test_idle_claims_count_only_once_the_agent_worked() -> None:
    """A CLI's idle title at start (before it takes up its prompt) is not an idle state."""
    j = judge()
    j.printed(STOP + "banner\r\n", 0.0)
    settle(j, 1.0)
    assert j.state is UNKNOWN


def test_a_stopped_title_settles_before_it_means_idle() -> None:
    """Claude Code's ✳ title is idle only once it stood STOP_SETTLE."""
    j = judge()
    j.printed(SPIN, 0.0)
    assert j.state is ACTIVE
    j.printed(STOP, 1.0)
    settle(j, 1.0 + STOP_SETTLE - 0.01)
    assert j.state is ACTIVE
    settle(j, 1.0 + STOP_SETTLE)
    assert (j.state, j.reason) == (IDLE, "title")


def test_a_stopped_title_before_a_dialog_is_asking_never_idle() -> None:
    """✳ comes just before the permission dialog is drawn: the agent goes from active straight
    to asking."""
    j = judge()
    j.printed(SPIN, 0.0)
    j.printed(STOP, 1.0)
    j.observe(hook(Claim.ASKING, "PermissionRequest", 1.1, PERMISSION), 1.1)
    settle(j, 5.0)
    assert [c.state for c in j.history] == [ACTIVE, ASKING]


def test_a_stop_right_after_an_interrupt_needs_no_settling() -> None:
    """Esc while working, then ✳: idle at once (no dialog follows an interrupt)."""
    j = judge()
    j.printed(SPIN, 0.0)
    j.typed("\x1b", 1.0)
    j.printed(STOP, 1.1)
    assert (j.state, j.reason) == (IDLE, "title")


def test_a_late_hook_call_changes_nothing() -> None:
    """A call dated before its source's last word (its hook process started late) is late."""
    j = working_at(1.0)
    j.observe(hook(Claim.IDLE, "Stop", 3.0), 3.0)
    j.observe(hook(Claim.WORKING, "PreToolUse", 2.0), 3.5)
    assert (j.taken, j.state) == (False, IDLE)


def test_a_repeated_hook_call_changes_nothing() -> None:
    """The same claim again is no change, and the claim still dates from its first call."""
    j = working_at(1.0)
    j.observe(hook(Claim.IDLE, "Stop", 3.0), 3.0)
    assert j.observe(hook(Claim.IDLE, "Stop", 3.2), 3.2) is None and not j.taken
    assert j.history[-1].at == 3.0


def test_a_hook_dated_before_the_answer_changes_nothing() -> None:
    """A permission notice whose hook started before the user answered is about that question."""
    j = asked_at(2.0)
    j.typed("\r", 5.0)
    j.observe(hook(Claim.ASKING, "Notification", 4.9, PERMISSION), 5.2)
    assert (j.taken, j.state) == (False, ACTIVE)


def test_the_screens_question_wins_over_a_working_claim() -> None:
    """Codex says it works while its Ctrl-C question is on screen: the screen's asking wins."""
    j = judge()
    j.printed("\x1b]7501;state=working:app=codex\x07", 0.0)
    j.printed(MENU, 1.0)
    settle(j, 1.0 + SETTLE)
    assert (j.state, j.reason) == (ASKING, "screen:pattern 1")


# -- asking and answering -----------------------------------------------------------------------


def test_a_confirmed_structured_question_ends_with_its_prompt() -> None:
    """Asking from the hook, seen on screen; when the prompt leaves the screen, asking ends."""
    j = asked_at(2.0)
    assert j.reason == "hook:PermissionRequest"
    j.printed("\x1b[2J● Bash(touch x)\r\n", 4.0)
    settle(j, 4.0 + SETTLE)
    assert j.state is ACTIVE


def test_an_unconfirmed_question_holds_on_a_still_screen_and_drops_on_new_work() -> None:
    """A hook's question the patterns do not see stays while the screen is still; new work on
    screen re-checks it away."""
    j = working_at(0.0)
    settle(j, 5.0)
    j.observe(hook(Claim.ASKING, "PermissionRequest", 5.0, PERMISSION), 5.0)
    settle(j, 60.0)
    assert (j.state, j.reason) == (ASKING, "hook:PermissionRequest")
    j.printed("line\r\n" * 3, 60.0)
    j.printed("line\r\n" * 3, 60.0 + MIN_SPAN)
    settle(j, 61.0)
    assert j.state is ACTIVE


def test_enter_answers_a_structured_question() -> None:
    """Enter on the hook's question: active (the agent acts on the answer), idle after Q."""
    j = working_at(0.0)
    settle(j, 5.0)
    j.observe(hook(Claim.ASKING, "PermissionRequest", 5.0, PERMISSION), 5.0)
    j.typed("\r", 7.0)
    assert (j.state, j.reason) == (ACTIVE, "input:answer")
    settle(j, 7.0 + Q)
    assert j.state is IDLE


def test_a_terminal_reply_is_no_answer() -> None:
    """The browser terminal answering a colour query or reporting focus by itself, even with a
    key typed after it, does not answer the open question; Enter still does."""
    j = asked_at(2.0)
    asked = j.question
    j.typed("\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\Z", 3.0)
    j.typed("\x1b[I", 3.5)
    settle(j, 4.0)
    assert (j.state, j.question) == (ASKING, asked)
    j.typed("\r", 5.0)
    assert (j.state, j.reason) == (ACTIVE, "input:answer")


def test_the_same_question_asked_again_after_a_keyed_answer_asks_again() -> None:
    """`y` answers a y/n question at once; its echo on the answered line keeps it answered, and
    the same question drawn anew after the next Enter (fast enough to look like echo) asks."""
    j = judge()
    j.printed("fake> ", 0.0)
    settle(j, 3.0)
    j.typed("ask\r", 3.0)
    j.printed("ask\r\nDo you want to proceed? (y/n) ", 3.01)
    settle(j, 3.5)
    j.typed("y", 4.0)
    j.printed("y", 4.01)
    j.typed("\r", 4.1)
    j.printed("\r\nanswered 'y'\r\nfake> ", 4.11)
    settle(j, 7.0)
    assert j.state is IDLE
    j.typed("ask\r", 8.0)
    j.printed("ask\r\nDo you want to proceed? (y/n) ", 8.01)
    settle(j, 8.5)
    assert (j.state, j.reason) == (ASKING, "screen:pattern 1")


def test_a_refusal_is_idle_at_once_for_an_agent_that_signals() -> None:
    """The number of a no-like choice: the agent stops and waits, so idle at once."""
    j = asked_at(2.0)
    j.typed("2", 4.0)
    assert (j.state, j.reason) == (IDLE, "input:refused")


def test_a_refusal_without_signals_follows_the_screen() -> None:
    """An agent without structured signals: after the answer, active, then idle after Q."""
    j = judge()
    j.printed(MENU, 0.0)
    settle(j, SETTLE)
    j.typed("2", 1.0)
    assert (j.state, j.reason) == (ACTIVE, "input:answer")


def test_work_claimed_right_after_a_refusal_settles() -> None:
    """Codex says it works for a moment as it cancels: no flap."""
    j = asked_at(2.0)
    j.typed("\x1b", 4.0)
    j.printed("\x1b]7501;state=working:app=codex\x07", 4.02)
    j.printed("\x1b]7501;state=idle:app=codex\x07", 4.05)
    settle(j, 6.0)
    assert [c.state for c in j.history][-1:] == [IDLE] and j.history[-2].state is ASKING


def test_a_work_blip_right_after_idle_settles() -> None:
    """OpenCode says busy for a moment as a turn ends: idle stays idle."""
    j = working_at(0.0)
    j.observe(hook(Claim.IDLE, "message.updated", 5.0), 5.0)
    j.observe(hook(Claim.WORKING, "session.status", 5.01), 5.01)
    j.observe(hook(Claim.IDLE, "session.status", 5.07), 5.07)
    settle(j, 6.0)
    assert [c.state for c in j.history] == [ACTIVE, IDLE]


def test_of_two_claims_made_at_once_the_later_one_in_the_output_counts() -> None:
    """Work then a stop printed in one read (the same instant): the stop is the latest word,
    and work said before a stop needs no settling; the other order is work."""
    j = working_at(0.0)
    j.printed("\x1b]7501;state=working:app=codex\x07" + STOP, 5.0)
    settle(j, 5.0 + STOP_SETTLE)
    assert (j.state, j.reason) == (IDLE, "title")
    j.printed("\x1b]7501;state=done:app=codex\x07" + SPIN, 9.0)
    settle(j, 9.0 + STOP_SETTLE)
    assert (j.state, j.reason) == (ACTIVE, "title")


def test_work_that_stands_after_idle_counts() -> None:
    """A new turn right after idle is active once its claim stood STOP_SETTLE."""
    j = working_at(0.0)
    j.observe(hook(Claim.IDLE, "Stop", 5.0), 5.0)
    j.observe(hook(Claim.WORKING, "UserPromptSubmit", 5.1), 5.1)
    assert j.state is IDLE
    settle(j, 5.1 + STOP_SETTLE)
    assert j.state is ACTIVE


# -- fallbacks -----------------------------------------------------------------------------------


def test_a_working_claim_yields_to_a_long_quiet_screen() -> None:
    """A stop no signal reported: idle once the screen has been quiet STALE_WORKING."""
    j = working_at(0.0)
    j.printed("x" * 5000, 0.1)
    settle(j, 0.1 + Q + STALE_WORKING - 0.01)
    assert j.state is ACTIVE
    settle(j, 0.1 + Q + STALE_WORKING)
    assert (j.state, j.reason) == (IDLE, "quiet 2 s")


def test_an_idle_claim_yields_to_sustained_new_work_on_screen() -> None:
    """A start no signal reported: active once new screen work went on NEW_WORK."""
    j = working_at(0.0)
    j.observe(hook(Claim.IDLE, "Stop", 1.0), 1.0)
    settle(j, 10.0)
    for step in range(int(NEW_WORK / 0.5) + 2):
        j.printed(f"line {step}\r\n", 10.0 + step * 0.5)
        settle(j, 10.0 + step * 0.5)
    assert (j.state, j.reason) == (ACTIVE, "output")


def test_one_redraw_after_idle_is_not_new_work_however_long_the_screen_waits() -> None:
    """Gemini CLI redraws its input box once as a long turn ends: the screen, which lengthens
    its quiet period for a run that began before it went idle, stays active for up to 4 Q —
    but nothing was printed after that redraw, so the idle claim stands (the accuracy run's
    "spurious change 8 s after the turn")."""
    j = working_at(0.0)
    for step in range(20):  # a long stream
        j.printed(f"line {step}\r\n", 0.1 + step * 0.3)
        settle(j, 0.1 + step * 0.3)
    j.observe(hook(Claim.IDLE, "AfterAgent", 6.0), 6.0)
    settle(j, 8.5)
    assert (j.state, j.screen.state) == (IDLE, IDLE)
    j.printed("\x1b[2K\x1b[1A\x1b[2Kredrawn box\r\n> Type your message\r\n", 9.0)
    for step in range(40):
        settle(j, 9.0 + step * 0.25)
        assert (j.state, j.reason) == (IDLE, "hook:AfterAgent"), (step, j.screen.state)


def test_the_first_turn_holds_off_the_quiet_idle() -> None:
    """Launched with a prompt, an agent booting quietly is not idle until it says it started
    (or FIRST_TURN_WAIT passed)."""
    j = judge()
    j.expect_turn(0.0)
    j.printed("x" * 5000, 1.0)
    settle(j, 20.0)
    assert j.state is ACTIVE
    j.observe(hook(Claim.WORKING, "UserPromptSubmit", 25.0), 25.0)
    j.observe(hook(Claim.IDLE, "Stop", 30.0), 30.0)
    assert j.state is IDLE
    k = judge()
    k.expect_turn(0.0)
    k.printed("x" * 5000, 1.0)
    settle(k, FIRST_TURN_WAIT + 1)
    assert k.state is IDLE


def test_a_startup_dialog_left_open_long_does_not_end_the_first_turns_wait() -> None:
    """A trust dialog answered after FIRST_TURN_WAIT: the agent boots on and takes up its first
    prompt, not idle meanwhile (the accuracy run's premature idle after a 90 s dialog)."""
    j = judge()
    j.expect_turn(0.0)
    j.printed(MENU, 1.0)
    settle(j, FIRST_TURN_WAIT + 10)
    assert j.state is ASKING
    answered = FIRST_TURN_WAIT + 10
    j.typed("1", answered)
    j.printed("\x1b[2J\x1b[Hbooting…\r\n", answered + 0.1)
    settle(j, answered + 3 * Q)
    assert j.state is ACTIVE
    j.observe(hook(Claim.WORKING, "UserPromptSubmit", answered + 8), answered + 8)
    j.observe(hook(Claim.IDLE, "Stop", answered + 9), answered + 9)
    assert j.state is IDLE


# -- the question ------------------------------------------------------------------------------


def test_a_hooks_question_gets_the_screens_choices_and_keeps_its_id() -> None:
    """The hook gives the tool and command, the screen's menu the choices; one question id."""
    j = asked_at(2.0)
    assert j.question is not None
    assert (j.question.tool, j.question.command) == ("Bash", "touch x")
    assert j.question.choices == ("Yes", "No")
    assert {c.question.id for c in j.history if c.question} == {"q1"}


def test_a_new_question_after_an_answer_gets_a_new_id() -> None:
    """Answered, then asked again: another question, another id."""
    j = asked_at(2.0)
    j.typed("1", 4.0)
    j.printed("\x1b[2Jdone\r\n", 4.5)
    settle(j, 5.0)
    j.observe(hook(Claim.ASKING, "PermissionRequest", 6.0, PERMISSION), 6.0)
    assert j.question is not None and j.question.id == "q2"


def test_changes_and_signals_are_kept_with_their_reasons() -> None:
    """history: each change with its time and reason; signals: each observation with whether it
    counted (a spinner's repeated frames are not kept)."""
    j = judge()
    j.printed(SPIN, 0.0)
    j.printed(SPIN, 0.1)
    j.observe(hook(Claim.IDLE, "Stop", 1.0), 1.0)
    j.observe(hook(Claim.IDLE, "Stop", 1.1), 1.1)
    assert [(c.state, c.reason, c.at) for c in j.history] == [
        (ACTIVE, "title", 0.0), (IDLE, "hook:Stop", 1.0)
    ]  # fmt: skip
    assert [(s.observation.reason, s.taken) for s in j.signals] == [
        ("title", True), ("hook:Stop", True), ("hook:Stop", False)
    ]  # fmt: skip


def test_which_keys_answer_a_question() -> None:
    """Enter and a choice's number or hotkey answer; Esc and a no-like choice refuse; typing and
    arrows do not answer."""
    menu = Question("Run it?", "permission", ("Yes, proceed (y)", "No, and tell Codex (esc)"))
    yes_no = Question("Proceed?", "permission", ("Yes", "No"))
    cases = [(menu, "\r", "answered"), (menu, "1", "answered"), (menu, "y", "answered"),
             (menu, "2", "refused"), (menu, "\x1b", "refused"), (yes_no, "n", "refused"),
             (menu, "3", None), (menu, "\x1b[B", None), (menu, "x", None), (None, "hello", None)]  # fmt: skip
    assert [answer_to(q, keys) for q, keys, _ in cases] == [want for _, _, want in cases]


def test_work_after_a_start_up_idle_claim_counts_at_once() -> None:
    """Codex says idle as it boots, then working: no settling (it never worked yet), no idle."""
    j = judge()
    j.printed("\x1b]7501;state=idle:app=codex\x07", 1.0)
    j.printed("\x1b]7501;state=working:app=codex\x07", 1.2)
    assert (j.state, j.reason) == (ACTIVE, "osc:7501 working")
