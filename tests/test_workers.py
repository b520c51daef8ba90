"""Live workers in process, on a real worker host: activity timers under both event loops
(uvloop is what the server runs)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
import uvloop

from agent_console.activity import ActivityDetector
from agent_console.host.client import LocalHost
from agent_console.judge import ActivityJudge
from agent_console.model import ActivityState, Worker
from agent_console.workers import AgentWorker, LiveWorker

Runner = Callable[[Coroutine[Any, Any, None]], None]
LOOPS: dict[str, Runner] = {"asyncio": asyncio.run, "uvloop": uvloop.run}


@pytest.mark.parametrize("run", LOOPS.values(), ids=LOOPS.keys())
def test_a_deadline_already_due_when_armed_fires(tmp_path: Path, run: Runner) -> None:
    """uvloop's call_at returns a plain Handle (no when()) for a past deadline: it still fires."""

    async def main() -> None:
        host = await LocalHost.connect(tmp_path, 1 << 20)
        states: list[ActivityState | None] = []
        went_idle = asyncio.Event()

        def on_activity(live: LiveWorker) -> None:
            states.append(live.activity)
            if live.activity is ActivityState.IDLE:
                went_idle.set()

        live = AgentWorker("s", Worker(name="agent", type="agent"), host, 1 << 20,
                           lambda _: None, ActivityJudge(ActivityDetector([], quiet_period=0.05)),
                           on_activity)  # fmt: skip
        try:
            past = asyncio.get_running_loop().time() - 10
            live._track(live.judge.printed("x" * 5000, past))  # active; idle already due
            live._arm_timer()  # re-arming with the same past deadline must not fail either
            await asyncio.wait_for(went_idle.wait(), 5)
            assert states == [ActivityState.ACTIVE, ActivityState.IDLE]
        finally:
            live.close()
            await host.shutdown()

    run(main())
