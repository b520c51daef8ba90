"""What a worker's process is: argv from its agent's template or the user's shell, the
environment it gets, and the marker line written into its history when it is relaunched (pure)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from agent_console.agents import PLACEHOLDER, build_argv, launch_template
from agent_console.model import Agent
from agent_console.process import child_env


@dataclass(frozen=True)
class Launch:
    argv: list[str]
    type_when_idle: str | None = None  # typed once the agent settles (no {{prompt}} in argv)
    fresh_fallback: bool = False  # continuing may fail at once: then start a new conversation


# How a built-in CLI resumes one conversation by its own id (which its hooks reported), rather
# than merely the latest one in the directory.
RESUME = {"claude-code": ("claude", "--resume"), "codex": ("codex", "resume"),
          "opencode": ("opencode", "--session")}  # fmt: skip
SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


def agent_launch(
    agent: Agent,
    prompt: str | None,
    cwd: str,
    continue_conversation: bool,
    session_id: str | None = None,
) -> Launch:
    resume = RESUME.get(agent.id) if agent.is_built_in else None
    if continue_conversation and resume and session_id and SESSION_ID.fullmatch(session_id):
        return Launch([*resume, session_id], fresh_fallback=True)
    template, uses_prompt = launch_template(agent, continue_conversation)
    argv = build_argv(template, prompt if uses_prompt else None, cwd)
    typed = None
    if uses_prompt and prompt and "prompt" not in PLACEHOLDER.findall(template):
        typed = prompt + "\r"
    return Launch(argv, typed, fresh_fallback=not uses_prompt)


def terminal_argv(environ: Mapping[str, str] = os.environ) -> list[str]:
    """The user's login shell, else /bin/sh."""
    shell = environ.get("SHELL", "")
    if shell and os.path.isabs(shell) and os.access(shell, os.X_OK):
        return [shell, "-l"]
    return ["/bin/sh"]


def environment() -> dict[str, str]:
    """A child's environment: this server's own, minus its secrets, as a terminal."""
    return child_env(os.environ)


def relaunch_marker(reason: str, now: float | None = None) -> str:
    """The line written into a worker's history where its process was started anew."""
    stamp = time.strftime("%H:%M", time.localtime(now))
    return f"\r\n\x1b[2m── relaunched {reason} · {stamp} ──\x1b[0m\r\n"
