"""Pending decisions: a permission hook parked on a worker's question until a decision from
anywhere, or until the question ends another way."""

from __future__ import annotations

import asyncio

from agent_console.decisions import Decision, PendingDecisions
from tests.harness import eventually_async

ALLOW, DENY = Decision("allow"), Decision("deny", "not in this repository")


async def parked(
    decisions: PendingDecisions, question: str, longest: float = 30.0
) -> asyncio.Task[Decision | None]:
    task = asyncio.ensure_future(decisions.wait("w1", question, longest))
    await eventually_async(
        lambda: decisions.waiting("w1") == question, what=f"a wait on {question}"
    )
    return task


async def test_a_decision_reaches_the_waiting_hook() -> None:
    """resolve() on the open question ends the wait with that decision, once."""
    decisions = PendingDecisions()
    task = await parked(decisions, "q1")
    assert decisions.resolve("w1", "q1", ALLOW)
    assert await task == ALLOW
    assert not decisions.resolve("w1", "q1", DENY) and decisions.waiting("w1") is None


async def test_a_decision_for_another_question_is_refused() -> None:
    """An answer to a question that is not the one waiting changes nothing."""
    decisions = PendingDecisions()
    task = await parked(decisions, "q2")
    assert not decisions.resolve("w1", "q1", ALLOW) and not decisions.resolve("w2", "q2", ALLOW)
    decisions.release("w1")
    assert await task is None


async def test_release_ends_other_questions_waits_with_no_decision() -> None:
    """The question changed: waits on the old one end with None, the open one keeps waiting."""
    decisions = PendingDecisions()
    old, current = await parked(decisions, "q1"), await parked(decisions, "q2")
    decisions.release("w1", keep="q2")
    assert await old is None and not current.done()
    decisions.release_all()
    assert await current is None


async def test_a_wait_ends_after_its_longest() -> None:
    """No decision within `longest`: the hook is told nothing and the CLI asks as usual."""
    decisions = PendingDecisions()
    assert await decisions.wait("w1", "q1", 0.01) is None
    assert decisions.waiting("w1") is None


def test_a_decision_as_claude_code_hook_output() -> None:
    """allow; deny alone stops the turn (interrupt), as the CLI's own No; deny with a message
    tells the agent and goes on — as PermissionRequest's hookSpecificOutput."""
    assert ALLOW.hook_output("PermissionRequest") == {"hookSpecificOutput": {
        "hookEventName": "PermissionRequest", "decision": {"behavior": "allow"}}}  # fmt: skip
    assert Decision("deny").hook_output("PermissionRequest") == {"hookSpecificOutput": {
        "hookEventName": "PermissionRequest",
        "decision": {"behavior": "deny", "interrupt": True}}}  # fmt: skip
    assert DENY.hook_output("PermissionRequest") == {"hookSpecificOutput": {
        "hookEventName": "PermissionRequest",
        "decision": {"behavior": "deny", "message": "not in this repository"}}}  # fmt: skip
