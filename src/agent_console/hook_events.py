"""What a hook call says (pure): the CLI's own event, as `agent-console hook` forwards it, turned
into an observation for the judge and, where the CLI names it, the CLI's own session id.

Per CLI, the events the product subscribes to (agent_hooks.py writes the subscriptions):
- Claude Code: UserPromptSubmit, PreToolUse, PostToolUse → working; PermissionRequest →
  asking (the tool and its input); Notification `permission_prompt` / `elicitation_dialog` →
  asking, `idle_prompt` → stopped; Stop, StopFailure → idle; SessionStart → its session id.
- Gemini CLI: BeforeAgent, BeforeTool, AfterTool → working; Notification `ToolPermission` →
  asking (the tool and its command); AfterAgent → idle; SessionStart → its session id.
- Codex CLI: `notify` with `agent-turn-complete` names the session (`thread-id`); its state
  comes in-band (OSC 7501), which is ordered with the screen: measured, notify sometimes reports a
  turn complete before the reply has finished (once at startup).
- OpenCode (its plugin, agent_hooks.py; events of subagents' sessions are left out):
  `session.status` busy → working, idle → idle; an assistant message completed → idle (working
  when it ended in tool calls): it comes before `session.status idle`, which OpenCode sends up to
  2 s after the reply; `permission.asked` → asking (the permission and its patterns);
  `question.asked` → asking (the question and its options); `permission.replied` (but a
  rejection), `question.replied`, `question.rejected` → working; `session.created` (a top-level
  session) → its session id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from agent_console import question as questions
from agent_console.question import Question
from agent_console.signals import Claim, Observation

MAX_ID = 200


@dataclass(frozen=True)
class HookCall:
    """One call of `agent-console hook`: which CLI, its event, and the CLI's own data."""

    agent: str  # "claude", "gemini", "codex"
    event: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Reading:
    observation: Observation | None  # None: the event says nothing of the state
    session_id: str | None = None  # the CLI's own conversation id, when the event names it
    decides: bool = False  # the CLI waits for a decision (a permission the server may answer)


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _session(data: Mapping[str, Any], key: str = "session_id") -> str | None:
    value = _text(data, key)
    return value if value is not None and len(value) <= MAX_ID else None


def _claim(call: HookCall, claim: Claim, at: float, question: Question | None = None) -> Reading:
    return Reading(Observation(claim, f"hook:{call.event}", at, "hook", question))


def _claude(call: HookCall, at: float) -> Reading:
    data, event = call.data, call.event
    if event in ("UserPromptSubmit", "PreToolUse", "PostToolUse"):
        return _claim(call, Claim.WORKING, at)
    if event in ("Stop", "StopFailure"):
        return _claim(call, Claim.IDLE, at)
    if event == "PermissionRequest":
        asked = questions.permission(_text(data, "tool_name"), data.get("tool_input"))
        reading = _claim(call, Claim.ASKING, at, asked)
        return Reading(reading.observation, decides=True)
    if event == "Notification":
        kind = _text(data, "notification_type")
        message = _text(data, "message")
        if kind == "permission_prompt":
            return _claim(call, Claim.ASKING, at, questions.permission(None, None, message))
        if kind == "elicitation_dialog":
            asked = Question(questions.clip(message or "Input requested", questions.MAX_TEXT),
                             "text", source="hook")  # fmt: skip
            return _claim(call, Claim.ASKING, at, asked)
        if kind == "idle_prompt":
            return _claim(call, Claim.STOPPED, at)
        return Reading(None)
    if event == "SessionStart":
        return Reading(None, _session(data))
    return Reading(None)


def _gemini(call: HookCall, at: float) -> Reading:
    data, event = call.data, call.event
    if event in ("BeforeAgent", "BeforeTool", "AfterTool"):
        return _claim(call, Claim.WORKING, at)
    if event == "AfterAgent":
        return _claim(call, Claim.IDLE, at)
    if event == "Notification" and _text(data, "notification_type") == "ToolPermission":
        details = data.get("details")
        details = details if isinstance(details, Mapping) else {}
        tool = _text(details, "title") or _text(details, "type")
        asked = questions.permission(tool, details)
        return _claim(call, Claim.ASKING, at, asked)
    if event == "SessionStart":
        return Reading(None, _session(data))
    return Reading(None)


def _codex(call: HookCall, at: float) -> Reading:
    if call.event == "agent-turn-complete":
        return Reading(None, _session(call.data, "thread-id"))
    return Reading(None)


def _opencode(call: HookCall, at: float) -> Reading:
    event = call.event
    properties = call.data.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    if event == "session.status":
        status = properties.get("status")
        kind = status.get("type") if isinstance(status, Mapping) else None
        reason = f"hook:session.status {kind}"
        if kind in ("busy", "retry"):
            return Reading(Observation(Claim.WORKING, reason, at, "hook"))
        return (
            Reading(Observation(Claim.IDLE, reason, at, "hook"))
            if kind == "idle"
            else Reading(None)
        )
    if event == "message.updated":
        info = properties.get("info")
        info = info if isinstance(info, Mapping) else {}
        reason = f"hook:message.updated {info.get('finish') or info.get('error') or 'done'}"
        if info.get("summary") or not info.get("completed"):
            return Reading(None)
        tool = info.get("finish") in ("tool-calls", "tool_calls")
        return Reading(Observation(Claim.WORKING if tool else Claim.IDLE, reason, at, "hook"))
    if event == "permission.asked":
        patterns = properties.get("patterns")
        command = (
            ", ".join(p for p in patterns if isinstance(p, str))
            if isinstance(patterns, list)
            else None
        )
        asked = questions.permission(_text(properties, "permission"), command or None)
        return _claim(call, Claim.ASKING, at, asked)
    if event == "question.asked":
        return _claim(call, Claim.ASKING, at, _opencode_question(properties))
    if event == "permission.replied" and properties.get("reply") == "reject":
        return Reading(None)  # the session goes idle next
    if event in ("permission.replied", "question.replied", "question.rejected"):
        return _claim(call, Claim.WORKING, at)
    if event == "session.created":
        info = properties.get("info")
        if isinstance(info, Mapping) and not info.get("parentID"):
            return Reading(None, _session(info, "id"))
    return Reading(None)


def _opencode_question(properties: Mapping[str, Any]) -> Question:
    asked = properties.get("questions")
    first = asked[0] if isinstance(asked, list) and asked and isinstance(asked[0], Mapping) else {}
    options = first.get("options")
    labels = (
        [o.get("label") for o in options if isinstance(o, Mapping)]
        if isinstance(options, list)
        else []
    )
    choices = tuple(questions.clip(c, questions.MAX_CHOICE) for c in labels if isinstance(c, str))
    text = questions.clip(_text(first, "question") or "Question", questions.MAX_TEXT)
    return Question(text, "choice" if choices else "text", choices[: questions.MAX_CHOICES],
                    source="hook")  # fmt: skip


READERS: dict[str, Callable[[HookCall, float], Reading]] = {
    "claude": _claude,
    "gemini": _gemini,
    "codex": _codex,
    "opencode": _opencode,
}


def read(call: HookCall, at: float) -> Reading:
    """What the call says; an unknown CLI or event says nothing."""
    reader = READERS.get(call.agent)
    return reader(call, at) if reader is not None else Reading(None)
