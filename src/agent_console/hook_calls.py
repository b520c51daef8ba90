"""Agent workers' hooks in the domain: each launch gets its own hook secret and the CLI's hook
settings (agent_hooks.py); each call is checked against the worker's current launch and handed to
its judge; a permission hook may wait for a decision (decisions.py).

A call changes nothing when its worker is gone, has exited or runs another launch (a hook of a
process that was restarted), or when the judge finds it late or repeated (judge.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from agent_console import access, agent_hooks, hook_events
from agent_console.decisions import PendingDecisions
from agent_console.hook_events import HookCall
from agent_console.model import ActivityState, Agent
from agent_console.workers import AgentWorker, LiveWorker

DECISION_WAIT = float(agent_hooks.DECISION_WAIT)
SIGNALLING = frozenset({"claude-code", "codex", "gemini", "opencode"})  # built-ins that signal


class HookCalls:
    def __init__(
        self,
        data_dir: Path,
        token: str | None,
        lookup: Callable[[str], LiveWorker | None],
        on_session_id: Callable[[AgentWorker, str], None],
    ) -> None:
        self._data_dir = data_dir
        self._token = token
        self._lookup = lookup
        self._on_session_id = on_session_id
        self.decisions = PendingDecisions()

    # -- launching ---------------------------------------------------------------------------

    def prepare(
        self, live: AgentWorker, agent: Agent, argv: list[str], environ: Mapping[str, str]
    ) -> tuple[list[str], dict[str, str]]:
        """(argv, extra environment) of an agent's launch, with a new launch id: every agent
        worker gets its hook secret (a custom agent's scripts may run `agent-console hook`
        too); a built-in also gets its CLI's hook settings. A server without a token gives
        none."""
        live.launch = None
        if not self._token:
            return argv, {}
        live.launch = secrets.token_hex(8)
        secret = access.hook_secret(self._token, live.id, live.launch)
        env = agent_hooks.hook_env(self._data_dir, live.id, live.launch, secret)
        if not agent.is_built_in:
            return argv, env
        injection = agent_hooks.injection(agent.id, self._data_dir / "hooks", environ)
        return injection.apply(argv), {**env, **injection.env}

    # -- calls -------------------------------------------------------------------------------

    async def take(self, worker_id: str, launch: str, call: HookCall, at: float) -> dict[str, Any]:
        """Applies a hook call made at wall-clock time `at`; the answer is what the hook
        command prints for its CLI (`output`, a decision), if anything."""
        live = self._lookup(worker_id)
        if not isinstance(live, AgentWorker) or not live.running or live.launch != launch:
            return {"applied": False}
        reading = hook_events.read(call, live.loop_time(at))
        if reading.session_id and reading.session_id != live.model.agent_session_id:
            self._on_session_id(live, reading.session_id)
        taken = reading.observation is not None and live.observe(reading.observation)
        question = live.question
        if not (reading.decides and taken and question and live.activity is ActivityState.ASKING):
            return {"applied": taken}
        decision = await self.decisions.wait(live.id, question.id, DECISION_WAIT)
        if decision is None:
            return {"applied": True}
        return {"applied": True, "output": decision.hook_output(call.event)}

    def question_changed(self, live: AgentWorker) -> None:
        """The worker's question changed or ended: hooks waiting on another one stop waiting."""
        question = live.question if live.running else None
        self.decisions.release(live.id, keep=question.id if question else None)
