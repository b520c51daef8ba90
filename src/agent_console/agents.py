"""Agent definitions: the built-ins, validation of custom ones, and template → argv (pure).

A template is split with shlex into argv *before* placeholders are substituted, so a prompt or a
path is always exactly one argument and never reaches a shell. Placeholders: {{prompt}}, {{cwd}}.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from typing import Any

from agent_console.errors import InvalidRequest
from agent_console.model import ActivityPatterns, Agent

PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
KNOWN_PLACEHOLDERS = frozenset({"prompt", "cwd"})
WHOLE_PROMPT = re.compile(r"^(?:-{1,2}[\w.-]+=)?\{\{\s*prompt\s*\}\}$")
MAX_TEMPLATE = 2000
MAX_NAME = 100

# Asking patterns, checked against the real CLIs' screens (tests/fixtures/agent_screens). Each one
# names a question or the chrome of a dialog, never the idle prompt or a spinner; none spans lines,
# so a dialog matches however the CLI spaces or wraps the lines around it.
_CLAUDE_ASKING = [
    r"^ *Do you want to (?:proceed|make this edit to|create|overwrite|insert this cell into"
    r"|delete this cell from|allow|use this API key)\b",
    r"^ *(?:❯ )?1\. Yes\b",  # first option of every permission and trust dialog
    r"Esc to cancel · Tab to amend",
    r"^ *Enter to confirm · Esc to cancel",
    r"Enter to select · ↑/↓ to navigate",  # AskUserQuestion
    r"ready to execute\. Would you like to proceed\?",  # leaving plan mode
]
_CODEX_ASKING = [
    r"Would you like to (?:run the following command|make the following edits|grant these"
    r" permissions|send input to)",
    r"Do you want to approve network access to",
    r"^ *Press enter to confirm\b",
    r"^ *(?:› )?1\. (?:Yes, proceed|Trust and continue)\b",
    r"^ *Trust this folder\?",
    r"^ *Question \d+/\d+ \(\d+ unanswered\)",  # request_user_input
    r"enter to submit answer",
    r"^ *Hooks need review\b",  # at startup when hooks are new or changed
    r"^ *Task is still running\b",  # Ctrl-C during a turn: cancel, background or exit
]
_GEMINI_ASKING = [
    r"Allow execution of\b",
    r"Apply this change\?",
    r"Do you want to proceed\?",
    r"Do you trust the files in this folder\?",
    r"\b1\. Allow once\b",
    r"Enter to (?:select|submit) · (?:↑/↓ to navigate · )?Esc to cancel",  # ask_user, plan exit
    r"Waiting for user confirmation",
]
# Unanswered: nothing typed after it, and nothing printed below it (Enter on the default answer
# draws the line again unchanged; what Aider prints next then shows it was answered).
_AIDER_ASKING = [r"\(Y\)es/\(N\)o[^\n]*\[(?:Yes|No)\]:\n*\Z"]
# The line that starts a CLI's input box; from the last such line down are the box and the status
# line, whose changes are not work (activity.py). Gemini CLI draws a rule above its box.
INPUT_AREAS = {"gemini": re.compile(r"^ *─{20,} *$")}
_OPENCODE_ASKING = [
    r"△ (?:Permission required|Always allow|Reject permission)\b",
    r"\bAllow once +Allow always +Reject\b",
    r"↑↓ select +enter (?:submit|toggle|confirm) +esc dismiss",  # the question tool
]

BUILT_IN_AGENTS: tuple[Agent, ...] = tuple(
    Agent(
        id=agent_id,
        name=name,
        description=description,
        is_built_in=True,
        registered_at="2026-01-01T00:00:00.000Z",
        command_template=command,
        continue_template=cont,
        headless_template=headless,
        activity_patterns=ActivityPatterns(asking_patterns=patterns),
    )
    for agent_id, name, description, command, cont, headless, patterns in [
        ("claude-code", "Claude Code", "Anthropic's coding agent (claude)",
         "claude {{prompt}}", "claude --continue", "claude -p {{prompt}}", _CLAUDE_ASKING),
        ("codex", "Codex CLI", "OpenAI's coding agent (codex)",
         "codex {{prompt}}", "codex resume --last", "codex exec {{prompt}}", _CODEX_ASKING),
        ("gemini", "Gemini CLI", "Google's coding agent (gemini)",
         "gemini --prompt-interactive={{prompt}}", "gemini --resume latest",
         "gemini --skip-trust --prompt {{prompt}}", _GEMINI_ASKING),
        ("aider", "Aider", "AI pair programming in your terminal (aider)",
         "aider", "aider --restore-chat-history",
         "aider --yes-always --no-gitignore --no-analytics --message {{prompt}}", _AIDER_ASKING),
        ("opencode", "OpenCode", "The open source coding agent (opencode)",
         "opencode --prompt={{prompt}}", "opencode --continue", "opencode run {{prompt}}",
         _OPENCODE_ASKING),
    ]
)  # fmt: skip


def split_template(template: str, field: str = "Command") -> list[str]:
    """The template's argv with placeholders still in place; refuses what cannot be run (the
    message starts with `field`, the template's name as the user knows it)."""
    if not template.strip():
        raise InvalidRequest(f"{field} must not be empty")
    if len(template) > MAX_TEMPLATE:
        raise InvalidRequest(f"{field} is longer than {MAX_TEMPLATE} characters")
    try:
        argv = shlex.split(template)
    except ValueError as exc:
        raise InvalidRequest(f"{field} cannot be split into arguments: {exc}") from None
    unknown = {m.group(1) for m in PLACEHOLDER.finditer(template)} - KNOWN_PLACEHOLDERS
    if unknown:
        names = ", ".join(sorted("{{" + u + "}}" for u in unknown))
        raise InvalidRequest(
            f"{field} uses unknown placeholder {names}; known: {{{{prompt}}}}, {{{{cwd}}}}"
        )
    if PLACEHOLDER.search(argv[0]):
        raise InvalidRequest(f"{field} must start with a command to run, not a placeholder")
    for arg in argv:
        if "prompt" in {m.group(1) for m in PLACEHOLDER.finditer(arg)} and not WHOLE_PROMPT.match(
            arg
        ):
            raise InvalidRequest(
                f"{field}: {{{{prompt}}}} must be a whole argument or --option={{{{prompt}}}}, "
                f"so the prompt is never spliced into a larger string (got {arg!r})"
            )
    return argv


def build_argv(template: str, prompt: str | None, cwd: str) -> list[str]:
    """argv for `template`: each argument substituted on its own; an argument that needs an
    absent prompt is dropped (so `claude {{prompt}}` without a prompt is just `claude`). A prompt
    that starts with `-` can never be read as an option (see `_as_operand`)."""
    values = {"prompt": prompt or "", "cwd": cwd}
    argv: list[str] = []
    for arg in split_template(template):
        names = {m.group(1) for m in PLACEHOLDER.finditer(arg)}
        if "prompt" in names and not prompt:
            continue
        if prompt and prompt.startswith("-") and PLACEHOLDER.fullmatch(arg.strip()):
            argv = _as_operand(argv, prompt)
            continue
        argv.append(PLACEHOLDER.sub(lambda m: values[m.group(1)], arg))
    return argv


def _as_operand(argv: list[str], prompt: str) -> list[str]:
    """Appends a prompt starting with `-`: after `--` where it is a positional argument, joined
    as `--opt=-…` after a long option, and after a space (" -…") after a short one."""
    before = argv[-1] if argv else ""
    if before.startswith("--") and before != "--" and "=" not in before:
        return [*argv[:-1], f"{before}={prompt}"]
    if before.startswith("-") and before != "--":
        return [*argv, f" {prompt}"]
    return [*argv, prompt] if before == "--" else [*argv, "--", prompt]


def launch_template(agent: Agent, continue_conversation: bool) -> tuple[str, bool]:
    """(template, uses_prompt): the continue template when asked for and available."""
    if continue_conversation and agent.continue_template:
        return agent.continue_template, False
    return agent.command_template, True


# The editable fields of an agent as the agent form names them.
LABELS = {"name": "Name", "description": "Description", "commandTemplate": "Command",
          "continueTemplate": "Continue command", "headlessTemplate": "Headless command",
          "activityPatterns": "Asking patterns"}  # fmt: skip

# How to install each built-in agent's CLI (from the registries named in SPEC §7).
INSTALL_COMMANDS = {
    "claude-code": "npm i -g @anthropic-ai/claude-code",
    "codex": "npm i -g @openai/codex",
    "gemini": "npm i -g @google/gemini-cli",
    "aider": "pipx install aider-chat",
    "opencode": "npm i -g opencode-ai",
}


def field_problems(fields: Mapping[str, Any], creating: bool) -> list[tuple[str, str]]:
    """Every problem with an agent's fields at once, as (field, message in the user's words):
    required fields, name length, templates, and each asking pattern counted from 1."""
    problems: list[tuple[str, str]] = []
    for field in ("name", "commandTemplate"):
        value = fields.get(field)
        if (creating or field in fields) and (not isinstance(value, str) or not value.strip()):
            problems.append((field, f"{LABELS[field]} is required"))
    name = fields.get("name")
    if isinstance(name, str) and len(name.strip()) > MAX_NAME:
        problems.append(("name", f"Name must be at most {MAX_NAME} characters"))
    for field in ("commandTemplate", "continueTemplate", "headlessTemplate"):
        value = fields.get(field)
        if isinstance(value, str) and not any(f == field for f, _ in problems):
            problems += _problem(field, split_template, value, LABELS[field])
    patterns = (fields.get("activityPatterns") or {}).get("askingPatterns") or []
    return problems + _pattern_problems(patterns)


def _pattern_problems(patterns: list[Any]) -> list[tuple[str, str]]:
    from agent_console.activity import MAX_PATTERNS, compile_pattern

    if len(patterns) > MAX_PATTERNS:
        return [("activityPatterns", f"Asking patterns: at most {MAX_PATTERNS} are allowed")]
    problems: list[tuple[str, str]] = []
    for number, pattern in enumerate(patterns, start=1):
        problems += _problem(
            "activityPatterns", compile_pattern, pattern, f"Asking pattern {number}"
        )
    return problems


def _problem(field: str, check: Callable[[Any, str], object], *args: Any) -> list[tuple[str, str]]:
    """[(field, message)] if `check(*args)` refuses, else []."""
    try:
        check(*args)
    except InvalidRequest as exc:
        return [(field, exc.message)]
    return []
