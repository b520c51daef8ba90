"""Pending decisions: permission hooks that wait for the user's answer, and the one way to give
it (the seam an answer API resolves).

A CLI that lets a hook decide a permission (Claude Code's PermissionRequest) runs
`agent-console hook`, whose call the server holds open: `wait` parks it on the worker's open
question. An answer from anywhere ends it with `resolve(worker, question, decision)`, and the hook
prints the decision for the CLI. When the question ends another way (answered at the terminal,
withdrawn, the worker gone), `release` ends the wait with no decision: the hook exits quietly and
the CLI carries on with its own dialog.

One decision per question: a second `resolve`, or one for a question that is no longer the one
waiting, is refused (returns False), never applied.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

MAX_MESSAGE = 2000


@dataclass(frozen=True)
class Decision:
    behavior: Literal["allow", "deny"]
    message: str | None = None  # told to the agent with a denial

    def hook_output(self, event: str) -> dict[str, object]:
        """The decision as Claude Code's hook output for `event`."""
        decision: dict[str, object] = {"behavior": self.behavior}
        if self.behavior == "deny" and self.message:
            decision["message"] = self.message[:MAX_MESSAGE]
        elif self.behavior == "deny":  # a plain No stops the turn, as the CLI's own No does
            decision["interrupt"] = True
        return {"hookSpecificOutput": {"hookEventName": event, "decision": decision}}


@dataclass
class _Wait:
    question_id: str
    future: asyncio.Future[Decision | None]


class PendingDecisions:
    """The hook calls waiting for a decision, by worker (at most one: the open question's)."""

    def __init__(self) -> None:
        self._waits: dict[str, list[_Wait]] = {}

    def waiting(self, worker_id: str) -> str | None:
        """The id of the question a hook waits on for this worker, if any."""
        waits = [w for w in self._waits.get(worker_id, []) if not w.future.done()]
        return waits[-1].question_id if waits else None

    async def wait(self, worker_id: str, question_id: str, longest: float) -> Decision | None:
        """Parks a hook call on the worker's question until it is decided or released (or
        `longest` seconds passed: no decision)."""
        future: asyncio.Future[Decision | None] = asyncio.get_running_loop().create_future()
        wait = _Wait(question_id, future)
        self._waits.setdefault(worker_id, []).append(wait)
        try:
            async with asyncio.timeout(longest):
                return await future
        except TimeoutError:
            return None
        finally:
            self._forget(worker_id, wait)

    def resolve(self, worker_id: str, question_id: str, decision: Decision) -> bool:
        """Gives the decision to every hook waiting on that question; False when none waits
        (answered already, another question, or no hook took this one)."""
        waits = [w for w in self._waits.get(worker_id, []) if w.question_id == question_id]
        waits = [w for w in waits if not w.future.done()]
        for wait in waits:
            wait.future.set_result(decision)
        return bool(waits)

    def release(self, worker_id: str, keep: str | None = None) -> None:
        """Ends every wait of the worker with no decision, but those on question `keep` (the
        one still open)."""
        for wait in self._waits.get(worker_id, []):
            if wait.question_id != keep and not wait.future.done():
                wait.future.set_result(None)

    def release_all(self) -> None:
        """Ends every wait with no decision (the server stops)."""
        for worker_id in list(self._waits):
            self.release(worker_id)

    def _forget(self, worker_id: str, wait: _Wait) -> None:
        waits = [w for w in self._waits.get(worker_id, []) if w is not wait]
        if waits:
            self._waits[worker_id] = waits
        else:
            self._waits.pop(worker_id, None)
