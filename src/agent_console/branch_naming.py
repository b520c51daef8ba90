"""Branch names for prompt-mode worktrees: ask the agent's headless command, else slug the prompt.

The caller builds the agent's argv (agents.build_argv with `naming_prompt(initial_prompt)`), so this
module never parses templates and never uses a shell. The answer is only trusted after it has been
reduced to a plain branch-ish word and passed git's ref rules.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from agent_console.errors import InvalidRequest
from agent_console.git import check_branch_name, run_captured

MAX_SLUG = 40
MAX_ANSWER_BRANCH = 60
MAX_PROMPT_IN_QUESTION = 2000
NAMING_TIMEOUT = 30.0
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
_BRANCHISH = re.compile(r"^[a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)?$")
_LABEL = re.compile(r"^(?:suggested\s+)?(?:git\s+)?branch(?:\s+name)?\s*[:=-]\s*", re.IGNORECASE)

BranchSource = Literal["agent", "prompt-slug"]


@dataclass(frozen=True)
class BranchChoice:
    branch: str
    source: BranchSource
    reason: str


def naming_prompt(initial_prompt: str) -> str:
    """What the agent's headless command is asked, with the user's prompt as the task."""
    task = initial_prompt.strip()[:MAX_PROMPT_IN_QUESTION]
    return (
        "Suggest a git branch name for the task below. Reply with the branch name only: "
        f"lowercase words joined by hyphens, optionally one prefix such as feat/ or fix/, at most "
        f"{MAX_SLUG} characters, no quotes and no other text.\n\nTask:\n{task}"
    )


def slug_branch(prompt: str) -> str:
    """A branch name made of the prompt's first words (ASCII, lowercase, hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", prompt).encode("ascii", "ignore").decode().lower()
    slug = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text):
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_SLUG:
            break
        slug = candidate
    return slug or (re.findall(r"[a-z0-9]+", ascii_text) or ["worktree"])[0][:MAX_SLUG]


def branch_from_answer(answer: str) -> str | None:
    """The first line of the agent's answer that is a plain branch name, or None."""
    for line in _ANSI.sub("", answer).splitlines():
        candidate = _LABEL.sub("", line.strip().strip("`*\"' ").strip()).strip("`*\"' .").lower()
        if len(candidate) > MAX_ANSWER_BRANCH or not _BRANCHISH.match(candidate):
            continue
        try:
            return check_branch_name(candidate)
        except InvalidRequest:
            continue
    return None


async def choose_branch(
    initial_prompt: str,
    headless_argv: list[str] | None,
    cwd: Path,
    timeout: float = NAMING_TIMEOUT,  # noqa: ASYNC109 - the agent is killed on expiry
) -> BranchChoice:
    """The agent's suggestion when it gives a usable one in time, else the prompt's slug; why."""
    slug = slug_branch(initial_prompt)
    if not headless_argv:
        return BranchChoice(slug, "prompt-slug", "no agent with a headless command was given")
    answer, problem = await _ask(headless_argv, cwd, timeout)
    if answer is None:
        return BranchChoice(slug, "prompt-slug", problem)
    branch = branch_from_answer(answer)
    if branch is None:
        return BranchChoice(slug, "prompt-slug", "the agent's answer was not a usable branch name")
    return BranchChoice(branch, "agent", f"suggested by {Path(headless_argv[0]).name}")


async def _ask(argv: list[str], cwd: Path, limit: float) -> tuple[str | None, str]:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb"}
    name = Path(argv[0]).name
    try:
        code, out, _ = await run_captured(argv, cwd, limit, env)
    except TimeoutError:
        return None, f"{name} did not answer within {limit:g} s"
    except OSError as exc:
        return None, f"{name} could not be started: {exc.strerror or exc}"
    if code != 0:
        return None, f"{name} exited with status {code}"
    return out.decode("utf-8", "replace"), ""
