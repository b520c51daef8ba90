"""What each CLI's hook events say: the claim, its reason, the question, the CLI's own session
id, and whether the hook waits for a decision."""

from __future__ import annotations

from typing import Any

from agent_console.hook_events import HookCall, read
from agent_console.signals import Claim


def reading(agent: str, event: str, **data: Any) -> tuple[Any, ...]:
    found = read(HookCall(agent, event, data), 5.0)
    observation = found.observation
    if observation is None:
        return (None, found.session_id)
    assert observation.at == 5.0 and observation.source == "hook"
    return (observation.claim, observation.reason, found.session_id, found.decides)


def test_claude_code_events() -> None:
    """Prompt and tool use work, a permission asks (and waits for a decision), Stop is idle,
    SessionStart names the conversation; other events say nothing."""
    assert reading("claude", "UserPromptSubmit") == (
        Claim.WORKING,
        "hook:UserPromptSubmit",
        None,
        False,
    )
    assert reading("claude", "PreToolUse") == (Claim.WORKING, "hook:PreToolUse", None, False)
    assert reading("claude", "Stop") == (Claim.IDLE, "hook:Stop", None, False)
    assert reading("claude", "StopFailure") == (Claim.IDLE, "hook:StopFailure", None, False)
    assert reading("claude", "PermissionRequest", tool_name="Bash") == (
        Claim.ASKING, "hook:PermissionRequest", None, True)  # fmt: skip
    assert reading("claude", "SessionStart", session_id="abc-1") == (None, "abc-1")
    assert reading("claude", "SessionStart", session_id="x" * 300) == (None, None)
    assert reading("claude", "Notification", notification_type="idle_prompt")[0] is Claim.STOPPED
    assert reading("claude", "Notification", notification_type="auth_success") == (None, None)
    assert reading("claude", "SubagentStop") == (None, None)


def test_claude_code_questions() -> None:
    """A permission carries the tool and its command; notices carry their message."""
    data = {"tool_name": "Bash", "tool_input": {"command": "rm -rf build", "description": "x"}}
    asked = read(HookCall("claude", "PermissionRequest", data), 0.0).observation
    assert asked is not None and asked.question is not None
    question = asked.question
    assert (question.text, question.kind, question.tool, question.command, question.source) == (
        "Allow Bash: rm -rf build?", "permission", "Bash", "rm -rf build", "hook")  # fmt: skip
    notice = read(HookCall("claude", "Notification", {"notification_type": "elicitation_dialog",
                                                      "message": "Pick a colour"}), 0.0)  # fmt: skip
    assert notice.observation is not None and notice.observation.question is not None
    assert (notice.observation.question.text, notice.observation.question.kind) == (
        "Pick a colour",
        "text",
    )


def test_gemini_cli_events() -> None:
    """Before agent and tools work, after agent is idle, a tool permission asks."""
    assert reading("gemini", "BeforeAgent")[:2] == (Claim.WORKING, "hook:BeforeAgent")
    assert reading("gemini", "BeforeTool")[:2] == (Claim.WORKING, "hook:BeforeTool")
    assert reading("gemini", "AfterAgent")[:2] == (Claim.IDLE, "hook:AfterAgent")
    details = {"type": "exec", "title": "Shell", "command": "touch x", "rootCommand": "touch"}
    asked = read(HookCall("gemini", "Notification", {"notification_type": "ToolPermission",
                                                     "details": details}), 0.0).observation  # fmt: skip
    assert asked is not None and asked.question is not None
    assert (asked.claim, asked.question.tool, asked.question.command) == (
        Claim.ASKING,
        "Shell",
        "touch x",
    )
    assert reading("gemini", "SessionStart", session_id="g-1") == (None, "g-1")


def test_codex_notify_names_the_session_only() -> None:
    """Codex's notify gives its thread id; its state comes in-band (OSC 7501)."""
    assert reading("codex", "agent-turn-complete", **{"thread-id": "t-1"}) == (None, "t-1")


def test_opencode_events() -> None:
    """Busy works, idle and a finished reply are idle (a reply ending in tool calls works), a
    permission and a question ask, a top-level session names the conversation."""
    assert reading("opencode", "session.status", properties={"status": {"type": "busy"}})[:2] == (
        Claim.WORKING, "hook:session.status busy")  # fmt: skip
    assert (
        reading("opencode", "session.status", properties={"status": {"type": "idle"}})[0]
        is Claim.IDLE
    )
    done = {"info": {"role": "assistant", "completed": True, "finish": "stop"}}
    assert reading("opencode", "message.updated", properties=done)[:2] == (
        Claim.IDLE, "hook:message.updated stop")  # fmt: skip
    tools = {"info": {"role": "assistant", "completed": True, "finish": "tool-calls"}}
    assert reading("opencode", "message.updated", properties=tools)[0] is Claim.WORKING
    asked = read(HookCall("opencode", "permission.asked", {"properties": {
        "permission": "bash", "patterns": ["touch x"]}}), 0.0).observation  # fmt: skip
    assert asked is not None and asked.question is not None and asked.question.command == "touch x"
    question = read(
        HookCall(
            "opencode",
            "question.asked",
            {
                "properties": {
                    "questions": [
                        {
                            "question": "Which db?",
                            "options": [{"label": "SQLite"}, {"label": "Postgres"}],
                        }
                    ]
                }
            },
        ),
        0.0,
    )
    assert question.observation is not None and question.observation.question is not None
    assert question.observation.question.choices == ("SQLite", "Postgres")
    assert reading("opencode", "permission.replied", properties={"reply": "reject"}) == (None, None)
    assert (
        reading("opencode", "permission.replied", properties={"reply": "once"})[0] is Claim.WORKING
    )
    top = {"info": {"id": "ses_1"}}
    assert reading("opencode", "session.created", properties=top) == (None, "ses_1")
    child = {"info": {"id": "ses_2", "parentID": "ses_1"}}
    assert reading("opencode", "session.created", properties=child) == (None, None)


def test_unknown_clis_and_malformed_data_say_nothing() -> None:
    """An unknown CLI or event, or data of the wrong shapes, is no observation (never an error)."""
    assert reading("vim", "Stop") == (None, None)
    assert reading("opencode", "session.status", properties="busy") == (None, None)
    assert reading("opencode", "question.asked", properties={"questions": "no"})[0] is Claim.ASKING
    assert (
        reading("gemini", "Notification", notification_type="ToolPermission", details=[1])[0]
        is Claim.ASKING
    )
