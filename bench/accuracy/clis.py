"""The real CLIs under test: the pinned package, the provider mock each talks to, the temporary
home and config that point it there, and the script's own knowledge of its screens (the phrases
that show a dialog or a permission prompt is drawn, and the keys that answer it).

Every file written here is under the run's temporary HOME: the user's own ~/.claude.json,
~/.codex/config.toml, ~/.gemini/settings.json and ~/.config/opencode are never read or touched.
The phrases come from each CLI's own screens (see tests/fixtures/agent_screens) and are matched by
the script's own matcher (seen.py), never by the product's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.accuracy.anthropic import Anthropic
from bench.accuracy.gemini import Gemini
from bench.accuracy.mock import Provider
from bench.accuracy.openai import Responses

ESC = "\x1b"
FAKE_KEY = "sk-acc-fake-key-0123456789abcdef"


@dataclass(frozen=True)
class Dialog:
    """A startup dialog: the phrase that shows it is on screen, and the keys that accept it."""

    name: str
    phrase: str
    keys: str
    restarts: bool = False  # accepting it restarts the CLI, which sends its first prompt again


@dataclass(frozen=True)
class Cli:
    name: str  # the npm package's command
    agent_id: str  # the product's built-in agent
    package: str
    version: str
    provider: Callable[[], Provider]
    configure: Callable[[Path, str], dict[str, str]]  # (home, mock url) → environment
    dialogs: tuple[Dialog, ...]  # may appear at startup, in any order
    permission: str  # the shell permission prompt is drawn
    yes: str
    no: str
    interrupt: tuple[str, ...]  # keys, typed a moment apart


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _claude(home: Path, url: str) -> dict[str, str]:
    # Onboarding done (its connectivity check would reach the real service); the folder trust
    # and "use this API key?" dialogs are left for the startup scenario.
    _write(home / ".claude.json", json.dumps({"hasCompletedOnboarding": True, "theme": "dark"}))
    return {
        "ANTHROPIC_BASE_URL": url,
        "ANTHROPIC_API_KEY": FAKE_KEY,
        "DISABLE_AUTOUPDATER": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    }


def _codex(home: Path, url: str) -> dict[str, str]:
    codex_home = home / ".codex"
    _write(
        codex_home / "config.toml",
        f"""model = "gpt-5.1-codex"
model_provider = "acc"
approval_policy = "on-request"
check_for_update_on_startup = false

[model_providers.acc]
name = "Accuracy mock"
base_url = "{url}/v1"
env_key = "ACC_OPENAI_API_KEY"
wire_api = "responses"
""",
    )
    return {"CODEX_HOME": str(codex_home), "ACC_OPENAI_API_KEY": FAKE_KEY}


def _gemini(home: Path, url: str) -> dict[str, str]:
    settings = {
        "privacy": {"usageStatisticsEnabled": False},
        "general": {"enableAutoUpdate": False, "enableAutoUpdateNotification": False},
        "security": {"auth": {"selectedType": "gemini-api-key"}},
    }
    _write(home / ".gemini" / "settings.json", json.dumps(settings))
    return {"GOOGLE_GEMINI_BASE_URL": url, "GEMINI_API_KEY": FAKE_KEY}


def _opencode(home: Path, url: str) -> dict[str, str]:
    model = {"name": "Accuracy mock", "tool_call": True, "attachment": False, "reasoning": False,
             "temperature": True, "limit": {"context": 200000, "output": 8192}}  # fmt: skip
    config = {
        "model": "anthropic/acc-model",
        "small_model": "anthropic/acc-model",
        "autoupdate": False,
        "share": "disabled",
        "permission": {"bash": "ask"},
        "provider": {"anthropic": {"options": {"baseURL": f"{url}/v1", "apiKey": FAKE_KEY},
                                   "models": {"acc-model": model}}},
    }  # fmt: skip
    _write(home / ".config" / "opencode" / "opencode.json", json.dumps(config))
    return {
        "OPENCODE_DISABLE_MODELS_FETCH": "1",
        "OPENCODE_DISABLE_AUTOUPDATE": "1",
        "OPENCODE_DISABLE_DEFAULT_PLUGINS": "1",
        "OPENCODE_DISABLE_LSP_DOWNLOAD": "1",
    }


CLIS: tuple[Cli, ...] = (
    Cli(
        name="claude",
        agent_id="claude-code",
        package="@anthropic-ai/claude-code",
        version="2.1.197",
        provider=Anthropic,
        configure=_claude,
        dialogs=(
            Dialog("trust folder", "Yes, I trust this folder", "\r"),
            Dialog("use API key", "Do you want to use this API key?", "1"),
        ),
        permission="Do you want to proceed?",
        yes="1",
        no="3",
        interrupt=(ESC,),
    ),
    Cli(
        name="codex",
        agent_id="codex",
        package="@openai/codex",
        version="0.171.0",
        provider=Responses,
        configure=_codex,
        dialogs=(Dialog("trust folder", "Trust this folder?", "\r"),),
        permission="Would you like to run the following command?",
        yes="y",
        no=ESC,
        interrupt=(ESC,),
    ),
    Cli(
        name="gemini",
        agent_id="gemini",
        package="@google/gemini-cli",
        version="0.61.0",
        provider=Gemini,
        configure=_gemini,
        dialogs=(
            Dialog("trust folder", "Do you trust the files in this folder?", "1", restarts=True),
        ),
        permission="Allow execution of",
        yes="1",
        no=ESC,
        interrupt=(ESC,),
    ),
    Cli(
        name="opencode",
        agent_id="opencode",
        package="opencode-ai",
        version="1.18.33",
        provider=Anthropic,
        configure=_opencode,
        dialogs=(),
        permission="Permission required",
        yes="\r",
        no=ESC,
        interrupt=(ESC, ESC),
    ),
)

BY_NAME = {cli.name: cli for cli in CLIS}
