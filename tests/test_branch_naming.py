"""branch_naming.py: prompt slugs, reading an agent's answer, asking a real (fake) headless agent."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_console.branch_naming import (
    MAX_SLUG,
    branch_from_answer,
    choose_branch,
    naming_prompt,
    slug_branch,
)
from agent_console.git import check_branch_name


def _agent(script: str) -> list[str]:
    """A headless 'agent' argv: Python running script (no shell)."""
    return [sys.executable, "-c", script]


@pytest.mark.parametrize(
    ("prompt", "slug"),
    [("Fix the login bug on Safari", "fix-the-login-bug-on-safari"),
     ("  Add Ünïcode-safe  search!!  ", "add-unicode-safe-search"),
     ("日本語だけ", "worktree"),
     ("$(touch /tmp/x) --upload-pack=evil", "touch-tmp-x-upload-pack-evil")],
)  # fmt: skip
def test_slug_branch(prompt: str, slug: str) -> None:
    """A slug keeps the prompt's first ASCII words, lowercase, joined by hyphens."""
    assert slug_branch(prompt) == slug


@given(st.text(max_size=300))
def test_slug_is_always_a_valid_short_branch(prompt: str) -> None:
    """Whatever the prompt, its slug is a git-valid branch name of at most MAX_SLUG characters."""
    slug = slug_branch(prompt)
    assert 0 < len(slug) <= MAX_SLUG
    assert check_branch_name(slug) == slug


@pytest.mark.parametrize(
    ("answer", "branch"),
    [("feat/add-login\n", "feat/add-login"),
     ("`fix/safari-login`", "fix/safari-login"),
     ("Here is a name:\n\n**Branch name:** feat/search-ui\n", "feat/search-ui"),
     ("\x1b[1mfeat/colour\x1b[0m\n", "feat/colour"),
     ("Sure!\nI suggest the following.\n", None),
     ("--upload-pack=evil\n", None),
     ("feat/..\n", None),
     ("a b c\n", None),
     ("x" * 61, None)],
)  # fmt: skip
def test_branch_from_answer(answer: str, branch: str | None) -> None:
    """The first plain branch-ish line of an answer is taken; chatter and hostile text are not."""
    assert branch_from_answer(answer) == branch


def test_naming_prompt_carries_the_task() -> None:
    """The question asks for a bare branch name and includes the user's prompt."""
    question = naming_prompt("Refactor the parser")
    assert question.endswith("Refactor the parser") and "branch name only" in question


async def test_choose_branch_takes_the_agents_answer(tmp_path: Path) -> None:
    """A headless agent that answers in time names the branch; the choice says it was the agent."""
    choice = await choose_branch("Add login", _agent("print('feat/login-form')"), tmp_path)
    assert (choice.branch, choice.source) == ("feat/login-form", "agent")


@pytest.mark.parametrize(
    ("argv", "reason"),
    [(None, "no agent"),
     (_agent("import time; time.sleep(60)"), "did not answer within"),  # the agent hangs: not a wait
     (_agent("import sys; sys.exit(3)"), "exited with status 3"),
     (_agent("print('I would call it: the login thing')"), "not a usable branch name"),
     (["/nonexistent/agent-binary"], "could not be started")],
)  # fmt: skip
async def test_choose_branch_falls_back_to_the_slug(
    tmp_path: Path, argv: list[str] | None, reason: str
) -> None:
    """No agent, a slow, failing, chatty or missing agent: the prompt's slug, and why."""
    choice = await choose_branch("Add login form", argv, tmp_path, timeout=1)
    assert (choice.branch, choice.source) == ("add-login-form", "prompt-slug")
    assert reason in choice.reason


async def test_prompt_reaches_the_agent_as_one_argument(tmp_path: Path) -> None:
    """The naming prompt is passed as argv (never through a shell), so shell syntax is inert."""
    prompt = naming_prompt("$(touch sentinel); `touch sentinel`")
    script = "import sys; print('ok-one-arg' if len(sys.argv) == 2 else 'wrong')"
    choice = await choose_branch("x", [*_agent(script), prompt], tmp_path)
    assert choice.branch == "ok-one-arg"
    assert not (tmp_path / "sentinel").exists()
