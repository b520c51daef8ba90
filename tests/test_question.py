"""The question as data: read off the real CLIs' screens (tests/fixtures/agent_screens) around
the line an asking pattern matched, or built from a hook's tool and input."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_console.activity import compile_patterns
from agent_console.agents import BUILT_IN_AGENTS
from agent_console.question import (
    from_screen,
    is_refusal,
    kind_of,
    permission,
    summarise_input,
)
from agent_console.screen_text import ScreenText

FIXTURES = Path(__file__).parent / "fixtures" / "agent_screens"
AGENTS = {a.id: a for a in BUILT_IN_AGENTS}

# fixture → (text, kind, choices): what a person answering from the dashboard needs.
EXPECTED = {
    "aider-add-file": ("Add file to the chat?", "permission", ("Yes", "No", "Don't ask again")),
    "aider-create-file": ("Create new file?", "permission", ("Yes", "No")),
    "claude-code-ask-question": ("Which database should the app use?", "choice",
                                 ("SQLite", "Postgres", "Type something.", "Chat about this")),
    "claude-code-bash-command": ("Do you want to proceed?", "permission",
                                 ("Yes", "Yes, and always allow access to proj/ from this project", "No")),
    "claude-code-trust-folder": ("Quick safety check: Is this a project you created or one you trust?",
                                 "permission", ("Yes, I trust this folder", "No, exit")),
    "codex-exec-command": ("Would you like to run the following command?", "permission",
                           ("Yes, proceed (y)",
                            "Yes, and don't ask again for commands that start with `touch made-by-agent.txt` (p)",
                            "No, and tell Codex what to do differently (esc)")),
    "codex-trust-folder": ("Trust this folder?", "choice",
                           ("Trust and continue", "Back to Agent Command Center")),
    "gemini-shell-command": ("Allow execution of [Shell]?", "permission",
                             ("Allow once", "Allow for this session", "No, suggest changes (esc)")),
    "gemini-ask-question": ("Which database should the app use?", "choice",
                            ("SQLite", "Postgres", "Enter a custom value")),
    "opencode-bash-command": ("$ touch made-by-agent.txt", "permission",
                              ("Allow once", "Allow always", "Reject")),
    "opencode-ask-question": ("Which database should the app use?", "choice",
                              ("SQLite", "Postgres", "Type your own answer")),
}  # fmt: skip


def question_on(name: str) -> tuple[str, str, tuple[str, ...]]:
    agent = next(AGENTS[a] for a in sorted(AGENTS, key=len, reverse=True) if name.startswith(a))
    assert agent.activity_patterns is not None
    with (FIXTURES / f"{name}.txt").open(encoding="utf-8", newline="") as file:
        body = file.read().partition("\n")[2]
    screen = ScreenText()
    screen.feed(body)
    found = screen.match(compile_patterns(agent.activity_patterns.asking_patterns or []))
    assert found is not None
    index = screen.index_of(found[0][0])
    assert index is not None
    question = from_screen(screen.lines(), index)
    return question.text, question.kind, question.choices


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_question_read_off_a_real_screen(name: str) -> None:
    """Text, kind and choices of each recorded question screen."""
    assert question_on(name) == EXPECTED[name]


def test_a_yes_no_prompt() -> None:
    """`(y/n)` at the end of the line: a permission with Yes and No."""
    question = from_screen(["fake> ask", "Do you want to proceed? (y/n) "], 1)
    assert (question.text, question.kind, question.choices) == (
        "Do you want to proceed?", "permission", ("Yes", "No"))  # fmt: skip


def test_a_question_without_choices_is_free_text() -> None:
    """No menu, no buttons: the matched line, kind text."""
    question = from_screen(["some output", "Enter the name of the branch:"], 1)
    assert (question.text, question.kind, question.choices) == (
        "Enter the name of the branch:",
        "text",
        (),
    )


def test_a_permission_from_a_hook() -> None:
    """The tool and the one input a person needs (a command, a path), clipped."""
    asked = permission("Write", {"file_path": "/tmp/a.py", "content": "x" * 10_000})
    assert (asked.text, asked.tool, asked.command, asked.choices) == (
        "Allow Write: /tmp/a.py?", "Write", "/tmp/a.py", ("Allow", "Deny"))  # fmt: skip
    assert len(permission("Bash", {"command": "y" * 5000}).text) <= 300
    assert permission(None, None).text == "Permission requested"
    assert summarise_input(["not", "a", "mapping"]) is None


def test_kinds_and_refusals() -> None:
    """A yes and a no make a permission; other choices a choice; none free text."""
    assert kind_of(("Allow once", "Reject")) == "permission"
    assert kind_of(("SQLite", "Postgres")) == "choice"
    assert kind_of(()) == "text"
    assert [is_refusal(c) for c in ("No, exit", "Reject", "Don't trust", "Yes", "Trust folder")] == [
        True, True, True, False, False]  # fmt: skip


def test_the_wire_form() -> None:
    """{id, text, kind, choices, source} and, from a hook, tool and command."""
    asked = permission("Bash", {"command": "ls"})
    assert asked.dump() == {"id": "", "text": "Allow Bash: ls?", "kind": "permission",
                            "choices": ["Allow", "Deny"], "source": "hook", "tool": "Bash",
                            "command": "ls"}  # fmt: skip
