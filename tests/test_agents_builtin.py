"""Built-in agents against the real CLIs (SPEC §7): asking patterns match the CLIs' own permission
screens and not their ordinary ones; templates only use flags and subcommands their --help lists.

Fixtures (tests/fixtures/agent_screens): `<agent>-<case>.txt` is what a CLI put on the terminal —
a tmux pane capture with colours, or the raw PTY stream for `*-stream` — after one header line
`# asking: yes|no | <package> <version> | <how it was made> | strings: <file>: <strings>`.
`help/<program>[-<subcommand>].txt` holds that command's --help output after one header line.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_console.activity import ActivityDetector, compile_patterns
from agent_console.agents import BUILT_IN_AGENTS, PLACEHOLDER, build_argv, split_template
from agent_console.model import ActivityState, Agent
from agent_console.screen_text import ScreenText

FIXTURES = Path(__file__).parent / "fixtures" / "agent_screens"
HELP = FIXTURES / "help"
AGENTS = {agent.id: agent for agent in BUILT_IN_AGENTS}
PACKAGES = {
    "claude-code": "@anthropic-ai/claude-code",
    "codex": "@openai/codex",
    "gemini": "@google/gemini-cli",
    "aider": "aider-chat",
    "opencode": "opencode-ai",
}
HEADER = re.compile(r"# asking: (yes|no) \| (\S+) (\d[\w.-]*) \| [^|]+\| strings: \S")
FLAG = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
SCREENS = sorted(FIXTURES.glob("*.txt"))


def read_fixture(path: Path) -> tuple[str, str]:
    """(header line, body) — the body byte for byte, carriage returns included."""
    with path.open(encoding="utf-8", newline="") as file:
        header, _, body = file.read().partition("\n")
    return header, body


def agent_of(path: Path) -> Agent:
    return next(AGENTS[a] for a in sorted(AGENTS, key=len, reverse=True) if path.stem.startswith(a))


def screen(body: str) -> ScreenText:
    """The screen text model fed the way the detector feeds it."""
    text = ScreenText()
    text.feed(body)
    return text


def help_text(command: str) -> str:
    return read_fixture(HELP / f"{command}.txt")[1]


def patterns_of(agent: Agent) -> list[re.Pattern[str]]:
    asking = agent.activity_patterns.asking_patterns if agent.activity_patterns else None
    assert asking, f"{agent.id} has no asking patterns"
    return compile_patterns(asking)


def templates(agent: Agent) -> list[str]:
    return [
        t for t in (agent.command_template, agent.continue_template, agent.headless_template) if t
    ]


# -- asking patterns -------------------------------------------------------------------------


@pytest.mark.parametrize("agent", BUILT_IN_AGENTS, ids=lambda a: a.id)
def test_builtin_patterns_compile(agent: Agent) -> None:
    """Every built-in asking pattern passes the same checks as a user's pattern."""
    patterns_of(agent)


@pytest.mark.parametrize("path", SCREENS, ids=lambda p: p.stem)
def test_screen_fixture_is_judged_as_recorded(path: Path) -> None:
    """A real permission/question screen matches its agent's patterns; an idle, working or
    answered one does not."""
    header, body = read_fixture(path)
    recorded = HEADER.match(header)
    assert recorded, f"{path.name}: bad header line {header!r}"
    agent = agent_of(path)
    assert recorded.group(2) == PACKAGES[agent.id]
    found = screen(body).find(patterns_of(agent))
    assert (found is not None) == (recorded.group(1) == "yes"), screen(body).text()[-1500:]


def test_every_builtin_has_positive_and_negative_screens() -> None:
    """Each built-in is checked against at least one asking and one ordinary real screen."""
    seen: dict[str, set[str]] = {agent_id: set() for agent_id in AGENTS}
    for path in SCREENS:
        match = HEADER.match(read_fixture(path)[0])
        assert match
        seen[agent_of(path).id].add(match.group(1))
    assert all(kinds == {"yes", "no"} for kinds in seen.values()), seen


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*-stream.txt")), ids=lambda p: p.stem)
def test_raw_stream_puts_the_detector_in_asking(path: Path) -> None:
    """The CLI's raw PTY output, as the console receives it, takes the detector to asking."""
    detector = ActivityDetector(patterns_of(agent_of(path)))
    detector.on_output(read_fixture(path)[1], 0.0)
    detector.poll(1.0)
    assert detector.state is ActivityState.ASKING


def test_codex_task_still_running_dialog_asks() -> None:
    """Codex's dialog on Ctrl-C during a turn is a question. Its text is the binary's own strings
    (0.169 and 0.171: "Task is still running", "Choose what happens to the current task.", the
    options); the screen itself is not recorded: against the loopback model, Ctrl-C interrupted
    the turn at once."""
    dialog = (
        "\x1b[2J\x1b[H• Here is a long answer about the project.\r\n\r\n"
        "  Task is still running\r\n  Choose what happens to the current task.\r\n\r\n"
        "› 1. Cancel task            Stop the current task and stay in Codex\r\n"
        "  2. Run in background      Exit Codex and leave the task running\r\n"
        "  3. Exit                   Stop the current task and exit Codex\r\n\r\n"
        "  enter select · esc back\r\n"
    )
    assert screen(dialog).find(patterns_of(AGENTS["codex"])) is not None
    answer = "\x1b[2J\x1b[H• Done. The task is still running in the background.\r\n› "
    assert screen(answer).find(patterns_of(AGENTS["codex"])) is None


# -- templates ---------------------------------------------------------------------------------


def unknown_words(argv: list[str], prompt: str) -> list[str]:
    """Flags and subcommands in `argv` that the recorded --help pages do not list. A bare word
    is a subcommand when a help page for it is recorded, else an option's value."""
    command, problems = argv[0], []
    for arg in argv[1:]:
        if arg == "--":
            break
        if arg in (prompt, " " + prompt):
            continue
        if arg.startswith("-"):
            if arg.partition("=")[0] not in FLAG.findall(help_text(command)):
                problems.append(f"{command}: {arg}")
        elif (HELP / f"{command}-{arg}.txt").exists():
            listed = re.search(rf"^ +(?:{argv[0]} )?{arg}\b", help_text(command), re.MULTILINE)
            problems += [] if listed else [f"{command}: subcommand {arg}"]
            command = f"{command}-{arg}"
    return problems


@pytest.mark.parametrize("agent", BUILT_IN_AGENTS, ids=lambda a: a.id)
def test_templates_parse_and_use_only_listed_flags(agent: Agent) -> None:
    """Every template splits, and each flag or subcommand it uses is in the CLI's --help."""
    for template in templates(agent):
        program = split_template(template)[0]
        assert (HELP / f"{program}.txt").exists(), f"no recorded --help for {program}"
        for prompt in ("fix the bug", "-v is printed twice"):
            argv = build_argv(template, prompt, "/repo")
            assert unknown_words(argv, prompt) == [], template


@pytest.mark.parametrize("agent", BUILT_IN_AGENTS, ids=lambda a: a.id)
def test_templates_run_without_a_prompt(agent: Agent) -> None:
    """Started without a prompt (the command template, not the headless one), no built-in leaves an option waiting for the value the prompt
    would have given (`gemini --prompt-interactive` alone exits 1): an option that takes the
    prompt holds it as `--opt={{prompt}}`, dropped whole when there is none."""
    words = split_template(agent.command_template)
    for before, arg in itertools.pairwise(words):
        if PLACEHOLDER.fullmatch(arg.strip()):
            assert not before.startswith("-"), agent.command_template
    assert build_argv(agent.command_template, None, "/repo")[1:] == [
        w for w in words[1:] if not PLACEHOLDER.search(w)
    ]


def test_unknown_flag_is_caught() -> None:
    """The flag check fails a template that uses a flag the CLI does not have."""
    assert unknown_words(["codex", "exec", "--yolo-mode", "x"], "x") == ["codex-exec: --yolo-mode"]
    assert unknown_words(["aider", "--yes", "--message=x"], "x") == ["aider: --yes"]


@settings(max_examples=50)
@given(st.text(min_size=1).filter(lambda s: "\0" not in s))
def test_prompt_reaches_every_builtin_as_one_operand(prompt: str) -> None:
    """Any prompt is one argument that the CLI cannot read as an option: after `--`, joined to
    its option as `--opt=…`, or not starting with `-`."""
    for agent in BUILT_IN_AGENTS:
        for template in templates(agent):
            if "prompt" not in PLACEHOLDER.findall(template):
                continue
            argv = build_argv(template, prompt, "/repo")
            holders = [i for i, arg in enumerate(argv) if arg.endswith(prompt)]
            assert holders, (template, argv)
            arg = argv[holders[-1]]
            assert arg in (prompt, " " + prompt) or re.fullmatch(r"--[\w-]+=", arg[: -len(prompt)])
            if arg == prompt and prompt.startswith("-"):
                assert "--" in argv[: holders[-1]], (template, argv)
