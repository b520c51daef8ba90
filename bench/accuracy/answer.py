"""Answering a question, the one pluggable step: from the dashboard through the REST answer
endpoint when the server has one, else by typing the CLI's keys into the worker socket as a
person at the terminal would.

Whether the endpoint exists is read from the server's OpenAPI document, never assumed. The body
sent is `{"decision": "allow" | "deny"}` (docs/protocol.md, "Answering a question"): "allow"
picks the question's first option that is not a refusal, "deny" its refusal option (or Esc),
whatever the CLI's menu looks like. The server says which way it delivered the answer (`via`:
"hook" or "keys"); a server that does not is counted as the keystroke path for a startup dialog
(no CLI has a hook for those) and the hook path for a permission prompt. An answer the server
refuses with 409 (it held no such question open) counts as that path failing; the script then
answers at the terminal so the run goes on.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from typing import Any, Protocol

from bench.accuracy.drive import Drive, HarnessError
from bench.accuracy.truth import REFUSED

ANSWER_ROUTE = re.compile(r"^/api/sessions/\{[^}]+\}/workers/\{[^}]+\}/answer$")


@dataclass(frozen=True)
class Question:
    kind: str  # "dialog" or "permission"
    keys: str  # what a person types to give `accept`
    accept: bool


class Answerer(Protocol):
    def path(self, question: Question) -> str: ...
    async def answer(self, drive: Drive, question: Question) -> tuple[float, str]:
        """Answers; returns when it was sent and the path it took."""
        ...


class TerminalKeys:
    """The CLI's own keys typed into the worker socket."""

    def path(self, question: Question) -> str:
        return "terminal keys"

    async def answer(self, drive: Drive, question: Question) -> tuple[float, str]:
        return await drive.send(question.keys), self.path(question)


def rest_body(question: Question) -> dict[str, Any]:
    """The answer as the dashboard's Allow and Deny buttons send it."""
    return {"decision": "allow" if question.accept else "deny"}


class DashboardRest:
    """`POST /api/sessions/{sid}/workers/{wid}/answer`."""

    def path(self, question: Question) -> str:
        return "dashboard keys" if question.kind == "dialog" else "dashboard hook"

    async def answer(self, drive: Drive, question: Question) -> tuple[float, str]:
        assert drive.server is not None
        url = f"/api/sessions/{drive.session_id}/workers/{drive.worker_id}/answer"
        with drive.server.http() as api:
            sent = time.monotonic()
            response = await asyncio.to_thread(api.post, url, json=rest_body(question))
        if response.status_code == 409:  # the console held no such question open: a miss
            await drive.send(question.keys)  # answered at the terminal, so the run goes on
            return sent, self.path(question) + REFUSED
        if response.status_code >= 300:
            raise HarnessError(f"answer refused: {response.status_code} {response.text[:200]}")
        via = response.json().get("via") if response.content else None
        return sent, f"dashboard {via}" if via in ("hook", "keys") else self.path(question)


async def dashboard_answer_route(drive: Drive) -> str | None:
    """None when the server offers the REST answer endpoint; else why not."""
    assert drive.server is not None
    with drive.server.http() as api:
        response = await asyncio.to_thread(api.get, "/api/openapi.json")
    if response.status_code != 200:
        return f"no OpenAPI document ({response.status_code})"
    if has_answer_route(response.json()):
        return None
    return "not available: the server has no POST /api/sessions/{sid}/workers/{wid}/answer"


def has_answer_route(openapi: dict[str, Any]) -> bool:
    """Whether an OpenAPI document offers `POST /api/sessions/{…}/workers/{…}/answer`."""
    paths = openapi.get("paths") or {}
    return any(ANSWER_ROUTE.match(path) and "post" in ops for path, ops in paths.items())
