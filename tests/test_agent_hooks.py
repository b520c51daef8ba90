"""Hooks injected per worker without touching the user's own config files: what each built-in
CLI's launch gains, and what the files the server writes for it hold."""

from __future__ import annotations

import json
import logging
import stat
import sys
from pathlib import Path

import pytest

from agent_console.agent_hooks import (
    CLAUDE_EVENTS,
    GEMINI_DEFAULTS_ENV,
    GEMINI_EVENTS,
    HOOK_ENV,
    OPENCODE_CONTENT_ENV,
    hook_env,
    injection,
    open_to_others,
)

HOOK = [sys.executable, "-m", "agent_console", "hook"]


def test_claude_code_gets_its_hooks_through_settings(tmp_path: Path) -> None:
    """`--settings <file>` right after the program; the file (0600, no secret) runs this
    package's hook command on each event; a permission hook may wait an hour."""
    added = injection("claude-code", tmp_path / "hooks", {})
    assert added.apply(["claude", "--continue"]) == ["claude", *added.args, "--continue"]
    assert added.args[0] == "--settings" and not added.env
    path = Path(added.args[1])
    settings = json.loads(path.read_text())
    assert set(settings["hooks"]) == set(CLAUDE_EVENTS)
    command = settings["hooks"]["Stop"][0]["hooks"][0]
    assert command["type"] == "command" and command["command"].split() == [*HOOK, "claude"]
    assert settings["hooks"]["PermissionRequest"][0]["hooks"][0]["timeout"] >= 3600
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_gemini_keeps_the_machines_system_defaults(tmp_path: Path) -> None:
    """GEMINI_CLI_SYSTEM_DEFAULTS_PATH points at a copy of the defaults in effect (untouched)
    with our hooks added to theirs."""
    theirs = tmp_path / "defaults.json"
    original = json.dumps(
        {
            "ui": {"theme": "x"},
            "hooks": {"AfterAgent": [{"hooks": [{"type": "command", "command": "mine"}]}]},
        }
    )
    theirs.write_text(original)
    added = injection("gemini", tmp_path / "hooks", {GEMINI_DEFAULTS_ENV: str(theirs)})
    ours = json.loads(Path(added.env[GEMINI_DEFAULTS_ENV]).read_text())
    assert theirs.read_text() == original and ours["ui"] == {"theme": "x"}
    assert set(GEMINI_EVENTS) <= set(ours["hooks"])
    after = [h["command"] for entry in ours["hooks"]["AfterAgent"] for h in entry["hooks"]]
    assert after[0] == "mine" and after[1].split() == [*HOOK, "gemini"]
    assert added.apply(["gemini"]) == ["gemini"]


def test_codex_runs_the_users_notify_after_ours(tmp_path: Path) -> None:
    """`-c notify=[…]` after the program (or after `resume`); the notify of the user's Codex
    config (read, never written) still runs, after `--then`."""
    config = tmp_path / ".codex" / "config.toml"
    config.parent.mkdir()
    config.write_text('notify = ["notify-send", "codex"]\n')
    before = config.read_text()
    added = injection("codex", tmp_path / "hooks", {"HOME": str(tmp_path)})
    assert added.args[0] == "-c" and added.args[1].startswith("notify=")
    assert json.loads(added.args[1].removeprefix("notify=")) == [*HOOK, "codex", "--then",
                                                                 "notify-send", "codex"]  # fmt: skip
    assert config.read_text() == before
    assert added.apply(["codex", "resume", "id-1"]) == ["codex", "resume", *added.args, "id-1"]
    bare = injection("codex", tmp_path / "hooks", {"CODEX_HOME": str(tmp_path / "none")})
    assert json.loads(bare.args[1].removeprefix("notify=")) == [*HOOK, "codex"]


def test_opencode_gets_a_plugin_beside_the_users_inline_config(tmp_path: Path) -> None:
    """OPENCODE_CONFIG_CONTENT adds our plugin to the inline config the user already set."""
    theirs = json.dumps({"plugin": ["their-plugin"], "theme": "dark"})
    added = injection("opencode", tmp_path / "hooks", {OPENCODE_CONTENT_ENV: theirs})
    content = json.loads(added.env[OPENCODE_CONTENT_ENV])
    plugin = tmp_path / "hooks" / "opencode-plugin.js"
    assert content == {"plugin": ["their-plugin", plugin.as_uri()], "theme": "dark"}
    source = plugin.read_text()
    assert "AGENT_CONSOLE_HOOK" in source and "server.json" in source and "session.status" in source


def test_other_agents_get_nothing(tmp_path: Path) -> None:
    """Aider and custom agents: no arguments, no files."""
    assert injection("aider", tmp_path / "hooks", {}).apply(["aider"]) == ["aider"]
    assert not (tmp_path / "hooks").exists()


def test_the_workers_way_back(tmp_path: Path) -> None:
    """One variable: the data directory, the worker's launch route and its secret."""
    env = hook_env(tmp_path, "w-1", "abcd1234", "s3cret")
    assert json.loads(env[HOOK_ENV]) == {"dir": str(tmp_path), "route": "/api/hooks/w-1/abcd1234",
                                         "secret": "s3cret"}  # fmt: skip


def test_a_hooks_file_gemini_would_ignore_is_named_in_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Gemini CLI skips a settings file below a directory others may write to (/tmp): the
    server says so once instead of silently losing the structured signals."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with caplog.at_level(logging.WARNING, logger="agent_console.agent_hooks"):
        added = injection("gemini", shared / "data" / "hooks", {})
        injection("gemini", shared / "data" / "hooks", {})
    assert open_to_others(Path(added.env[GEMINI_DEFAULTS_ENV])) == shared
    warned = [r.getMessage() for r in caplog.records if "ignores the hooks" in r.getMessage()]
    assert len(warned) == 1 and str(shared) in warned[0]
