"""bench/accuracy/truth.py: how the product's states are scored against the script's ground truth
(and answer.py: when the dashboard answer path is used)."""

from __future__ import annotations

import pytest
from bench.accuracy.answer import has_answer_route
from bench.accuracy.table import HEADER, Outcome, row
from bench.accuracy.truth import REFUSED, Answer, Figures, Span, Truth, score


def test_a_question_detected_after_it_is_drawn_counts_with_its_latency() -> None:
    """Recall and precision 1 and the latency from drawn to "asking" when the product asks in time."""
    truth = Truth(questions=[Span(10.0, 13.0, "permission")])
    figures = score(truth, [(0.0, "idle"), (10.2, "asking"), (13.1, "active")], 20.0)
    assert (figures.recall, figures.precision) == (1.0, 1.0)
    assert figures.detection == [pytest.approx(0.2)]


def test_the_stretch_of_an_earlier_question_is_not_credited_to_the_next_one() -> None:
    """Back-to-back dialogs: the second is detected by its own stretch, never a negative latency."""
    truth = Truth(questions=[Span(2.0, 4.9, "trust"), Span(5.0, 7.5, "api key")])
    states = [(0.0, "unknown"), (2.1, "asking"), (4.9, "active"), (5.15, "asking"), (7.6, "idle")]
    figures = score(truth, states, 10.0)
    assert figures.detection == [pytest.approx(0.1), pytest.approx(0.15)]


def test_a_missed_question_and_asking_without_a_question_are_named() -> None:
    """A question with no "asking" lowers recall; "asking" during idle time lowers precision."""
    truth = Truth(
        questions=[Span(10.0, 13.0, "permission yes")],
        idle=[Span(20.0, 40.0, "resizes while idle")],
    )
    figures = score(truth, [(0.0, "idle"), (25.0, "asking"), (26.0, "idle")], 40.0)
    assert (figures.recall, figures.precision) == (0.0, 0.0)
    assert figures.misses == ["permission yes"]
    assert figures.false_asking == ["resizes while idle"]


def test_the_way_to_idle_after_a_turn_is_its_finish_and_later_changes_are_spurious() -> None:
    """After a refused question: asking → active → idle is the finish; a redraw's flap is spurious."""
    truth = Truth(
        turns=[Span(5.0, 10.0, "permission no")],
        idle=[Span(10.0, 30.0, "after permission no")],
    )
    states = [(0.0, "idle"), (5.3, "active"), (7.0, "asking"), (10.1, "active"), (12.1, "idle"),
              (20.0, "active"), (22.0, "idle")]  # fmt: skip
    figures = score(truth, states, 30.0)
    assert figures.idle_latency == [pytest.approx(2.1)]
    assert figures.spurious == 2 and figures.spurious_in == ["after permission no (2)"]
    assert figures.spurious_per_minute == pytest.approx(6.0)


def test_idle_before_the_turn_ended_is_premature() -> None:
    """ "idle" during a long stream's pause is reported as premature, named by the turn."""
    truth = Truth(turns=[Span(0.0, 12.0, "long stream")])
    states = [(0.0, "idle"), (0.5, "active"), (4.0, "idle"), (5.0, "active"), (14.0, "idle")]
    figures = score(truth, states, 20.0)
    assert figures.premature == ["long stream"]
    assert figures.idle_latency == [pytest.approx(2.0)]


def test_a_turn_the_product_never_calls_finished_is_counted_as_never() -> None:
    """No "idle" before the next step: no latency, one "never"."""
    truth = Truth(turns=[Span(0.0, 5.0, "interrupt")], idle=[Span(5.0, 9.0, "after interrupt")])
    figures = score(truth, [(0.0, "idle"), (0.5, "active")], 20.0)
    assert figures.idle_latency == [] and figures.never_idle == 1


def test_the_dashboard_answer_route_is_read_from_the_openapi_document() -> None:
    """The REST answer path is used once the server documents it, whatever its parameter names."""
    route = "/api/sessions/{session_id}/workers/{worker_id}/answer"
    assert has_answer_route({"paths": {route: {"post": {}}}})
    assert not has_answer_route({"paths": {route: {"get": {}}}})
    assert not has_answer_route({"paths": {"/api/sessions/{session_id}/workers": {"post": {}}}})


def test_a_dashboard_answer_the_server_refused_counts_as_failed() -> None:
    """An answer refused with 409 (answered at the terminal instead) fails its dashboard path."""
    answers = [Answer("p1", "dashboard hook", True), Answer("p2", "dashboard hook" + REFUSED, True)]
    outcome = Outcome("claude", "2.1", Figures(), answers)
    assert row(outcome)[HEADER.index("answer: dashboard hook")] == "1/2"
