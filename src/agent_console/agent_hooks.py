"""Hooks injected into one agent worker's CLI, without touching the user's own config files.

Each built-in CLI that has hooks is told, for this process only, to run `agent-console hook`
on the events hook_events.py reads:
- Claude Code: `--settings <file>` (additional settings: the user's own still apply).
- Gemini CLI: `GEMINI_CLI_SYSTEM_DEFAULTS_PATH=<file>`: the lowest settings layer, whose hook
  lists the user's own are added to; the machine's system-defaults file, if any, is copied in.
- Codex CLI: `-c notify=[…]` on its command line; a `notify` program the user configured in
  Codex's config.toml still runs, after ours (`--then`).
- OpenCode: a plugin file added by `OPENCODE_CONFIG_CONTENT` (OpenCode's last, inline config
  layer, whose plugin list is added to the user's; inline config the user set is kept). The
  plugin posts to the hook route itself, with the same secret.
The files live in `<data dir>/hooks/` and hold no secret: the worker's environment carries the
per-launch secret (`AGENT_CONSOLE_HOOK`), which `agent-console hook` sends to this worker's
own hook route (web/hooks_api.py).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shlex
import stat
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
HOOK_ENV = "AGENT_CONSOLE_HOOK"
DECISION_WAIT = 3600  # s: how long a permission hook may wait for a decision
HOOK_TIMEOUT = 30  # s: any other hook (it returns at once)

CLAUDE_EVENTS = ("SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest",
                 "Notification", "Stop", "StopFailure")  # fmt: skip
GEMINI_EVENTS = ("SessionStart", "BeforeAgent", "BeforeTool", "AfterAgent", "Notification")
GEMINI_DEFAULTS_ENV = "GEMINI_CLI_SYSTEM_DEFAULTS_PATH"
GEMINI_SYSTEM_DEFAULTS = Path("/etc/gemini-cli/system-defaults.json")
OPENCODE_CONTENT_ENV = "OPENCODE_CONFIG_CONTENT"
OPENCODE_EVENTS = ("session.status", "session.created", "message.updated", "permission.asked",
                   "permission.replied", "question.asked", "question.replied",
                   "question.rejected")  # fmt: skip
# The plugin sends a few bus events, and only the fields hook_events.py reads, to the worker's
# hook route itself — what `agent-console hook opencode` would send: starting a process for each
# event would cost 0.1-0.5 s, and OpenCode sends several per turn.
OPENCODE_PLUGIN = """// Written by agent-console: reports this OpenCode's state to the console that started it.
import { readFileSync } from "node:fs";

const EVENTS = new Set(%(events)s);
const HOOK = (() => {
  try { return JSON.parse(process.env.AGENT_CONSOLE_HOOK ?? ""); } catch { return null; }
})();
const children = new Set();  // subagents' sessions: their state is not the agent's

function slim(properties) {
  const p = properties ?? {};
  const i = p.info ?? {};
  const info = { id: i.id, parentID: i.parentID, role: i.role, finish: i.finish,
                 completed: Boolean(i.time?.completed), summary: i.summary, error: i.error?.name };
  return { status: p.status, permission: p.permission, reply: p.reply, patterns: p.patterns,
           questions: p.questions, info };
}

function counts(type, properties) {
  const p = properties ?? {};
  if (type === "session.created" && p.info?.parentID) children.add(p.info.id);
  if (children.has(p.sessionID ?? p.info?.sessionID ?? p.info?.id)) return false;
  if (type === "message.updated") return p.info?.role === "assistant" && Boolean(p.info?.time?.completed);
  return true;
}

async function report(type, properties) {
  const record = JSON.parse(readFileSync(`${HOOK.dir}/server.json`, "utf8"));
  let host = String(record.host).replace(/^\\[|\\]$/g, "");
  host = { "": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1" }[host] ?? host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${record.port}${HOOK.route}`;
  const body = { agent: "opencode", event: type, at: Date.now() / 1000,
                 data: { type, properties: slim(properties) } };
  await fetch(url, { method: "POST", body: JSON.stringify(body),
                     headers: { Authorization: `Bearer ${HOOK.secret}`,
                                "Content-Type": "application/json" } });
}

export const AgentConsole = async () => ({
  event: async ({ event }) => {
    if (!HOOK || !EVENTS.has(event.type) || !counts(event.type, event.properties)) return;
    report(event.type, event.properties).catch(() => {});
  },
});
"""


@dataclass(frozen=True)
class Injection:
    """What a worker's launch gains: arguments after the program (or its subcommand) and
    environment variables."""

    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)

    def apply(self, argv: Sequence[str]) -> list[str]:
        """`argv` with the arguments inserted after the program, or after Codex's `resume`."""
        at = 2 if len(argv) > 1 and argv[1] in ("resume", "fork") else 1
        return [*argv[:at], *self.args, *argv[at:]]


def hook_argv(cli: str, *extra: str) -> list[str]:
    """The hook command: this interpreter, so the hook runs this package whatever PATH says."""
    return [sys.executable, "-m", "agent_console", "hook", cli, *extra]


def hook_env(data_dir: Path, worker_id: str, launch: str, secret: str) -> dict[str, str]:
    """The worker's way back: its data directory (the running server's port is in its record
    there), its hook route, and its secret."""
    value = {"dir": str(data_dir), "route": f"/api/hooks/{worker_id}/{launch}", "secret": secret}
    return {HOOK_ENV: json.dumps(value, separators=(",", ":"))}


def injection(agent_id: str, hooks_dir: Path, environ: Mapping[str, str]) -> Injection:
    """What to add to a built-in agent's launch; nothing for an agent without hooks."""
    if agent_id == "claude-code":
        return Injection(("--settings", str(_claude_settings(hooks_dir))))
    if agent_id == "gemini":
        defaults = _gemini_defaults(hooks_dir, environ)
        _warn_if_ignored(defaults)
        return Injection(env={GEMINI_DEFAULTS_ENV: str(defaults)})
    if agent_id == "codex":
        notify = ["--then", *theirs] if (theirs := _codex_notify(environ)) else []
        return Injection(("-c", "notify=" + json.dumps(hook_argv("codex", *notify))))
    if agent_id == "opencode":
        return Injection(env={OPENCODE_CONTENT_ENV: _opencode_content(hooks_dir, environ)})
    return Injection()


def _command(cli: str) -> str:
    return shlex.join(hook_argv(cli))


def _claude_settings(hooks_dir: Path) -> Path:
    def entry(event: str) -> list[dict[str, Any]]:
        timeout = DECISION_WAIT + 60 if event == "PermissionRequest" else HOOK_TIMEOUT
        return [{"hooks": [{"type": "command", "command": _command("claude"),
                            "timeout": timeout}]}]  # fmt: skip

    settings = {"hooks": {event: entry(event) for event in CLAUDE_EVENTS}}
    return _write(hooks_dir / "claude-settings.json", settings)


def _gemini_defaults(hooks_dir: Path, environ: Mapping[str, str]) -> Path:
    theirs = Path(environ.get(GEMINI_DEFAULTS_ENV) or GEMINI_SYSTEM_DEFAULTS)
    settings = _read_json(theirs) if theirs.parent != hooks_dir else {}
    hooks = settings.setdefault("hooks", {}) if isinstance(settings.get("hooks", {}), dict) else {}
    ours = {"type": "command", "name": "agent-console", "command": _command("gemini"),
            "timeout": HOOK_TIMEOUT * 1000}  # fmt: skip
    for event in GEMINI_EVENTS:
        listed = hooks.get(event)
        hooks[event] = [*(listed if isinstance(listed, list) else []), {"hooks": [ours]}]
    settings["hooks"] = hooks
    return _write(hooks_dir / "gemini-system-defaults.json", settings)


def open_to_others(path: Path) -> Path | None:
    """The first directory above `path` that its group or others may write to (a sticky /tmp
    included): Gemini CLI ignores a settings file below one."""
    for directory in path.parents:
        try:
            if os.stat(directory).st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return directory
        except OSError:
            return None
    return None


_warned: set[Path] = set()


def _warn_if_ignored(defaults: Path) -> None:
    """Says once per file that Gemini CLI will not run our hooks (its state then comes from its
    screen and title only): a data directory below /tmp, say."""
    shared = open_to_others(defaults)
    if shared is not None and defaults not in _warned:
        _warned.add(defaults)
        log.warning("Gemini CLI ignores the hooks in %s because %s is writable by others; "
                    "its state will come from its screen only (use a data directory in your "
                    "home directory)", defaults, shared)  # fmt: skip


def _opencode_content(hooks_dir: Path, environ: Mapping[str, str]) -> str:
    plugin = OPENCODE_PLUGIN % {"events": json.dumps(list(OPENCODE_EVENTS))}
    path = _write_text(hooks_dir / "opencode-plugin.js", plugin)
    try:
        content = json.loads(environ.get(OPENCODE_CONTENT_ENV) or "{}")
    except ValueError:
        content = {}
    content = content if isinstance(content, dict) else {}
    listed = content.get("plugin")
    content["plugin"] = [*(listed if isinstance(listed, list) else []), path.as_uri()]
    return json.dumps(content, separators=(",", ":"))


def _codex_notify(environ: Mapping[str, str]) -> list[str]:
    """The `notify` program of the user's Codex config (read, never written), if any."""
    home = Path(environ.get("CODEX_HOME") or Path(environ.get("HOME", "~")) / ".codex")
    try:
        with (home.expanduser() / "config.toml").open("rb") as file:
            notify = tomllib.load(file).get("notify")
    except (OSError, tomllib.TOMLDecodeError):
        return []
    if isinstance(notify, list) and notify and all(isinstance(a, str) for a in notify):
        return list(notify)
    return []


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, content: dict[str, Any]) -> Path:
    return _write_text(path, json.dumps(content, indent=1) + "\n")


def _write_text(path: Path, text: str) -> Path:
    """Writes the file (0600) when its content differs; workers share it."""
    with contextlib.suppress(OSError):
        if path.read_text(encoding="utf-8") == text:
            return path
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{os.getpid()}")
    staged.unlink(missing_ok=True)
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(staged, path)
    return path
