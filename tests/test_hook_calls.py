"""Hook calls in the domain, in process on a real worker host with the fake agent: a call counts
only for the worker's running launch, and a permission hook waits for a decision that the
pending-decision seam delivers (or for the question to end another way)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_console.activity import ActivityDetector
from agent_console.decisions import Decision
from agent_console.hook_calls import HookCalls
from agent_console.hook_events import HookCall
from agent_console.host.client import LocalHost
from agent_console.judge import ActivityJudge
from agent_console.model import ActivityState, Worker
from agent_console.process import child_env
from agent_console.workers import AgentWorker, LiveWorker
from tests.harness import FAKE_AGENT, TIMEOUT, eventually_async

LAUNCH = "abcd1234"
PERMISSION = HookCall("claude", "PermissionRequest", {"tool_name": "Bash",
                                                      "tool_input": {"command": "touch x"}})  # fmt: skip


@pytest.fixture
async def agent(tmp_path: Path) -> AsyncIterator[tuple[AgentWorker, HookCalls]]:
    """The fake agent running as an agent worker, with the server's hook calls wired to it."""
    host = await LocalHost.connect(tmp_path, 1 << 20)
    lives: dict[str, LiveWorker] = {}
    hooks = HookCalls(tmp_path, "token-0123456789abcdef", lives.get, lambda live, sid: None)

    def on_activity(live: LiveWorker) -> None:
        assert isinstance(live, AgentWorker)
        hooks.question_changed(live)

    live = AgentWorker("s", Worker(name="agent", type="agent"), host, 1 << 20, lambda _: None,
                       ActivityJudge(ActivityDetector([])), on_activity)  # fmt: skip
    lives[live.id] = live
    try:
        await live.start([str(FAKE_AGENT)], str(tmp_path), child_env({}))
        live.launch = LAUNCH
        yield live, hooks
    finally:
        live.close()
        await host.shutdown()


async def test_a_decision_is_delivered_to_the_waiting_permission_hook(
    agent: tuple[AgentWorker, HookCalls],
) -> None:
    """PermissionRequest asks (the question carries the tool) and waits; resolving the open
    question answers the hook with the decision, as Claude Code reads it."""
    live, hooks = agent
    call = asyncio.ensure_future(hooks.take(live.id, LAUNCH, PERMISSION, time.time()))
    await eventually_async(
        lambda: hooks.decisions.waiting(live.id) is not None, what="a waiting hook"
    )
    assert live.activity is ActivityState.ASKING and live.question is not None
    assert live.question.tool == "Bash" and hooks.decisions.waiting(live.id) == live.question.id
    assert hooks.decisions.resolve(live.id, live.question.id, Decision("allow"))
    answer = await call
    assert answer["output"]["hookSpecificOutput"]["decision"] == {"behavior": "allow"}


async def test_a_question_answered_at_the_terminal_releases_the_hook(
    agent: tuple[AgentWorker, HookCalls],
) -> None:
    """The user answers in the terminal: the hook stops waiting and prints no decision."""
    live, hooks = agent
    call = asyncio.ensure_future(hooks.take(live.id, LAUNCH, PERMISSION, time.time()))
    await eventually_async(
        lambda: hooks.decisions.waiting(live.id) is not None, what="a waiting hook"
    )
    live.write("\r")
    assert await asyncio.wait_for(call, TIMEOUT) == {"applied": True}
    assert live.activity is ActivityState.ACTIVE


async def test_calls_of_another_launch_or_an_exited_worker_change_nothing(
    agent: tuple[AgentWorker, HookCalls],
) -> None:
    """A hook of an earlier launch (the worker was restarted), of an unknown worker, or of a
    worker whose process exited, is not applied."""
    live, hooks = agent
    stop = HookCall("claude", "UserPromptSubmit", {})
    assert await hooks.take(live.id, "00000000", stop, time.time()) == {"applied": False}
    assert await hooks.take("nobody", LAUNCH, stop, time.time()) == {"applied": False}
    assert (await hooks.take(live.id, LAUNCH, stop, time.time()))["applied"] is True
    live.write("exit 0\r")
    await eventually_async(lambda: not live.running, what="the worker's exit")
    assert await hooks.take(live.id, LAUNCH, stop, time.time()) == {"applied": False}
