"""The REST route that answers an agent's open question from anywhere (the dashboard's buttons,
a phone, a script): the thin shell of answers.py.

It checks the question is the one open now (409 otherwise), plans the answer for that CLI, and
delivers it — as the decision of the permission hook waiting on that question, else as the keys
the CLI's menu takes — then writes a marker line into the worker's history.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import Field, StringConstraints, model_validator

from agent_console.answers import Answer, Plan, check_open, plan
from agent_console.decisions import Decision
from agent_console.errors import Conflict, InvalidRequest
from agent_console.keystrokes import dialect
from agent_console.model import ActivityState
from agent_console.web.api import Body_, console
from agent_console.workers import AgentWorker

router = APIRouter(prefix="/api/sessions/{session_id}/workers/{worker_id}")
Id = Annotated[str, StringConstraints(max_length=100)]
# Longer than an answer may be, so that the domain's own message names the limit.
Text = Annotated[str, StringConstraints(max_length=100_000)]


class AnswerBody(Body_):
    """Exactly one of `choice` (the option's number, from 1), `decision` or `text`; the
    question's id when the client knows it (an answer to another question is refused)."""

    question_id: Id | None = None
    choice: Annotated[int, Field(ge=1, le=100)] | None = None
    decision: Literal["allow", "deny"] | None = None
    text: Text | None = None

    @model_validator(mode="after")
    def one_answer(self) -> AnswerBody:
        given = [v for v in (self.choice, self.decision, self.text) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of choice, decision or text")
        return self


@router.post("/answer")
async def answer(
    request: Request, session_id: str, worker_id: str, body: AnswerBody
) -> dict[str, Any]:
    """Answers the worker's open question: `{via: "hook" | "keys", questionId, answered}`."""
    sessions = console(request).sessions
    live = sessions.live(session_id, worker_id)
    if not isinstance(live, AgentWorker):
        raise InvalidRequest(f"only agent workers ask questions (this is a {live.kind})")
    question = live.question if live.running and live.activity is ActivityState.ASKING else None
    check_open(question, body.question_id, live.answered)
    assert question is not None
    if live.typing:
        raise Conflict("an answer or a queued message is being typed into this agent")
    decisions = sessions.hooks.decisions
    given = Answer(body.choice, body.decision, body.text)
    agent = dialect(live.model.agent_id)
    chosen = plan(question, given, agent, decisions.waiting(live.id) == question.id)
    live.answered = question.id
    if chosen.via == "hook":
        assert chosen.decision is not None
        if not decisions.resolve(live.id, question.id, Decision(chosen.decision)):
            chosen = plan(question, given, agent, hook_waits=False)  # the hook just gave up
    if chosen.via == "keys":
        await live.type_keys(chosen.keys)
    live.note(marker(chosen, datetime.now(UTC)))
    return {"via": chosen.via, "questionId": question.id, "answered": chosen.said}


def marker(chosen: Plan, at: datetime) -> str:
    """The line the answer leaves in the worker's history: what was answered, when, and how."""
    how = "the CLI's permission hook" if chosen.via == "hook" else "keys"
    return f"answered from the console at {at:%Y-%m-%d %H:%M:%S} UTC: {chosen.said} (via {how})"
