"""Answering an agent's open question from anywhere: what an answer means for that question, and
how it reaches the CLI (pure; the shell is web/answer_api.py).

An answer is one of: a choice (its number in the question's menu, from 1), a decision ("allow" or
"deny"), or text (for a question that asks for text). It names the question it answers by id when
the client knows it; an answer to a question that is no longer open is refused (409), as is a
second answer to the same question.

Delivery, the right way for the CLI:
- "hook": a permission hook of the CLI waits for the decision (decisions.py), and the answer is
  a plain allow (the first option that is not a refusal) or deny (a refusal option, or "deny"):
  the hook returns it and the CLI goes on. An option only the CLI's own menu can give ("allow
  always") is typed even then.
- "keys": otherwise, the exact keys the CLI's menu takes (keystrokes.py), typed into its
  terminal as a person would.
Either way a marker line in the worker's history says what was answered, when and how.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agent_console.errors import Conflict, InvalidRequest
from agent_console.keystrokes import (
    Dialect,
    Keys,
    choice_keys,
    clean_text,
    message_keys,
    refusal_keys,
)
from agent_console.question import Question, is_refusal

Via = Literal["hook", "keys"]
Decision = Literal["allow", "deny"]


@dataclass(frozen=True)
class Answer:
    """What the client answered: exactly one of the three."""

    choice: int | None = None  # the option's number, from 1
    decision: Decision | None = None
    text: str | None = None


@dataclass(frozen=True)
class Plan:
    """How an answer is delivered, and what it said (for the marker line and the client)."""

    via: Via
    said: str
    keys: Keys = ()
    decision: Decision | None = None


def plan(question: Question, answer: Answer, dialect: Dialect, hook_waits: bool) -> Plan:
    """How to deliver `answer` to `question` (InvalidRequest when it does not fit it)."""
    choices = list(question.choices)
    if answer.text is not None:
        if choices:
            raise InvalidRequest("text: this question takes one of its choices, not text")
        text = clean_text(answer.text)
        return Plan("keys", f"text {_quote(text)}", message_keys(text, dialect))
    if not choices:
        raise InvalidRequest("this question asks for text: answer with {text}")
    index = _index(choices, answer)
    decision = _decision(choices, index)
    said = choices[index] if index is not None else "deny"
    if hook_waits and decision is not None:
        return Plan("hook", said, decision=decision)
    if index is None or (answer.decision == "deny" and dialect.refuse_with_esc):
        return Plan("keys", said, refusal_keys())
    return Plan("keys", said, choice_keys(dialect, choices, index, question.kind))


def _index(choices: list[str], answer: Answer) -> int | None:
    """The option the answer picks (0-based); None: a refusal with no refusal option."""
    if answer.choice is not None:
        if not 1 <= answer.choice <= len(choices):
            raise InvalidRequest(f"choice: this question has choices 1 to {len(choices)}")
        return answer.choice - 1
    if answer.decision == "allow":
        allowed = [i for i, c in enumerate(choices) if not is_refusal(c)]
        if not allowed:
            raise InvalidRequest("decision: this question has no option that allows")
        return allowed[0]
    refused = [i for i, c in enumerate(choices) if is_refusal(c)]
    return refused[0] if refused else None


def _decision(choices: list[str], index: int | None) -> Decision | None:
    """The plain allow or deny an option means to a permission hook (None: neither, e.g.
    "allow always", which only the CLI's own menu can give)."""
    if index is None or is_refusal(choices[index]):
        return "deny"
    first = next(i for i, c in enumerate(choices) if not is_refusal(c))
    return "allow" if index == first else None


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1]}…"'


def check_open(question: Question | None, asked: str | None, answered: str | None) -> None:
    """Refuses (409) an answer to a question that is not the one open now, or already answered:
    `asked` is the id the client named, `answered` the id last answered on this worker."""
    if question is None:
        raise Conflict("no question is open: it was answered or went away")
    if asked is not None and asked != question.id:
        raise Conflict("that question is no longer open; another one is")
    if answered == question.id:
        raise Conflict("this question was answered already")
