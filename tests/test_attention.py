"""attention.py: what each change of a worker does to whether it needs its user (pure)."""

from __future__ import annotations

from agent_console.attention import NONE, Attention, after_activity, after_exit, after_seen
from agent_console.model import ActivityState

ACTIVE, IDLE, ASKING, UNKNOWN = (ActivityState.ACTIVE, ActivityState.IDLE, ActivityState.ASKING,
                                 ActivityState.UNKNOWN)  # fmt: skip


def test_asking_starts_once_and_keeps_its_start_time() -> None:
    """Asking is marked with the time it began; a second report keeps that time."""
    asking = after_activity(NONE, ACTIVE, ASKING, "t1")
    assert asking == Attention("asking", "t1")
    assert after_activity(asking, ASKING, ASKING, "t2") == asking


def test_an_answered_question_needs_nothing_more() -> None:
    """Leaving asking (the user answered) clears it, whatever state follows."""
    asking = Attention("asking", "t1")
    assert after_activity(asking, ASKING, ACTIVE, "t2") == NONE
    assert after_activity(asking, ASKING, IDLE, "t2") == NONE


def test_a_finished_turn_is_marked_until_seen() -> None:
    """Working → idle is 'finished' from then; quiet states after it keep the mark; seeing clears it."""
    done = after_activity(NONE, ACTIVE, IDLE, "t3")
    assert done == Attention("finished", "t3")
    assert after_activity(done, IDLE, ACTIVE, "t4") == done
    assert after_seen(done) == NONE


def test_a_start_is_not_a_finished_turn() -> None:
    """Unknown → idle (an agent that just started and waits) needs nobody."""
    assert after_activity(NONE, UNKNOWN, IDLE, "t1") == NONE


def test_seeing_an_asking_agent_does_not_answer_it() -> None:
    """Opening an asking agent leaves it asking."""
    asking = Attention("asking", "t1")
    assert after_seen(asking) == asking


def test_exits_fail_on_an_error_and_finish_agents_cleanly() -> None:
    """Non-zero code or a signal: failed; a clean agent exit: finished; a clean terminal exit: nothing new."""
    assert after_exit(2, None, True, NONE, "t5") == Attention("failed", "t5")
    assert after_exit(0, "SIGKILL", False, NONE, "t5") == Attention("failed", "t5")
    assert after_exit(0, None, True, NONE, "t5") == Attention("finished", "t5")
    assert after_exit(0, None, False, NONE, "t5") == NONE


def test_a_failure_is_not_hidden_by_a_later_quiet_turn() -> None:
    """Once failed, a working → idle change does not turn it into 'finished'."""
    failed = Attention("failed", "t1")
    assert after_activity(failed, ACTIVE, IDLE, "t2") == failed
