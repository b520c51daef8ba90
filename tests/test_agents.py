"""agents.py: templates split into argv before substitution; prompts are always one argument."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_console.agents import BUILT_IN_AGENTS, build_argv, launch_template, split_template
from agent_console.errors import InvalidRequest


@given(st.text(min_size=1).filter(lambda s: "\0" not in s))
def test_prompt_is_exactly_one_argument(prompt: str) -> None:
    """Whatever the prompt holds — quotes, $(...), newlines, a leading dash — it is one argv entry,
    verbatim, and never read as an option."""
    dash = prompt.startswith("-")
    assert build_argv("agent {{prompt}}", prompt, "/w") == [
        "agent",
        *(["--"] if dash else []),
        prompt,
    ]
    flag = build_argv("agent --flag {{prompt}}", prompt, "/w")
    assert flag == (["agent", f"--flag={prompt}"] if dash else ["agent", "--flag", prompt])
    assert build_argv("agent --message={{prompt}}", prompt, "/w") == [
        "agent",
        f"--message={prompt}",
    ]
    assert build_argv("agent -m {{prompt}}", prompt, "/w")[-1] == (f" {prompt}" if dash else prompt)


def test_absent_prompt_drops_its_argument() -> None:
    """Without a prompt, arguments that need one are left out; {{cwd}} is substituted."""
    assert build_argv("agent {{prompt}} --dir {{cwd}}", None, "/a b") == ["agent", "--dir", "/a b"]


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("", "empty"),
        ("agent 'open", "split"),
        ("{{prompt}}", "start with a command"),
        ("sh -c 'run {{prompt}}'", "whole argument"),
        ("agent {{model}}", "unknown placeholder"),
        ("x" * 3000, "longer"),
    ],
)
def test_bad_templates_are_refused(template: str, words: str) -> None:
    """Templates that cannot be run safely are refused with a reason."""
    with pytest.raises(InvalidRequest, match=words):
        split_template(template)


def test_builtins_are_runnable_and_continue() -> None:
    """Every built-in template splits; continue templates are used when asked for."""
    for agent in BUILT_IN_AGENTS:
        for template in filter(
            None, [agent.command_template, agent.continue_template, agent.headless_template]
        ):
            split_template(template)
        template, uses_prompt = launch_template(agent, continue_conversation=True)
        assert (template, uses_prompt) == (
            agent.continue_template,
            False,
        ) or not agent.continue_template
    assert {a.id for a in BUILT_IN_AGENTS} >= {
        "claude-code",
        "codex",
        "gemini",
        "aider",
        "opencode",
    }
