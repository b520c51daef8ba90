"""FlowControl: when a worker's PTY is paused for its clients, and who counts as stalled."""

from __future__ import annotations

from agent_console.flow import PAUSE_ALL, STALL, FlowControl, Lag

MIB = 1024 * 1024
RETAINED = 10 * MIB


def test_one_client_keeping_up_never_pauses() -> None:
    """A client close to the live end leaves the PTY running."""
    flow = FlowControl(RETAINED)
    assert flow.judge([Lag(1000, 0.0)]) == [] and not flow.paused


def test_every_client_behind_pauses_until_one_catches_up() -> None:
    """All clients over PAUSE_ALL behind pause; resuming needs one below half of it."""
    flow = FlowControl(RETAINED)
    flow.judge([Lag(PAUSE_ALL, 0.1), Lag(2 * PAUSE_ALL, 0.1)])
    assert flow.paused
    flow.judge([Lag(PAUSE_ALL - 1, 0.1), Lag(2 * PAUSE_ALL, 0.1)])
    assert flow.paused  # hysteresis: not yet
    flow.judge([Lag(PAUSE_ALL // 2 - 1, 0.1), Lag(2 * PAUSE_ALL, 0.1)])
    assert not flow.paused


def test_one_fast_client_does_not_let_a_slow_reader_lose_output() -> None:
    """A reading client half the retained history behind pauses, however fast the others."""
    flow = FlowControl(RETAINED)
    flow.judge([Lag(0, 0.0), Lag(RETAINED // 2, 0.5)])
    assert flow.paused


def test_a_stalled_client_is_dropped_only_while_it_holds_the_worker() -> None:
    """No progress for STALL seconds while paused: that client is named; before, nobody is."""
    flow = FlowControl(RETAINED)
    assert flow.judge([Lag(0, 0.0), Lag(2 * PAUSE_ALL, STALL + 1)]) == []  # not paused yet
    flow.judge([Lag(0, 0.0), Lag(RETAINED // 2, STALL + 1)])
    assert flow.paused
    assert flow.judge([Lag(0, 0.0), Lag(RETAINED // 2, STALL + 1)]) == [1]
    assert not flow.paused  # judged without it: the others are fine


def test_no_clients_never_pause() -> None:
    """Nobody watching: the agent runs at full speed."""
    flow = FlowControl(RETAINED)
    flow.paused = True
    assert flow.judge([]) == [] and not flow.paused
