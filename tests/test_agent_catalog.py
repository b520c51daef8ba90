"""The agent catalogue: unique names, every problem at once in the user's words, and whether
each agent's program is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_console.agent_catalog import AgentCatalog
from agent_console.errors import InvalidFields
from agent_console.store import Store


@pytest.fixture
def catalog(tmp_path: Path) -> AgentCatalog:
    return AgentCatalog(Store(tmp_path / "db"))


def problems(
    catalog: AgentCatalog, fields: dict[str, object], agent_id: str | None = None
) -> list[tuple[str, str]]:
    with pytest.raises(InvalidFields) as refused:
        if agent_id is None:
            catalog.create(fields)
        else:
            catalog.update(agent_id, fields)
    return refused.value.problems


def test_names_are_unique_whatever_their_case(catalog: AgentCatalog) -> None:
    """A second "fake  AGENT" or a custom "claude code" is refused; renaming to another case of
    its own name is not."""
    agent = catalog.create({"name": "Fake agent", "commandTemplate": "cat"})
    assert problems(catalog, {"name": "fake  AGENT", "commandTemplate": "cat"}) == [
        ("name", 'Name: an agent called "Fake agent" already exists')
    ]
    assert problems(catalog, {"name": "claude code", "commandTemplate": "cat"})[0][0] == "name"
    other = catalog.create({"name": "Other", "commandTemplate": "cat"})
    assert problems(catalog, {"name": "FAKE AGENT"}, other.id)[0][0] == "name"
    assert catalog.update(agent.id, {"name": "Fake Agent"}).name == "Fake Agent"


def test_every_problem_at_once_in_the_users_words(catalog: AgentCatalog) -> None:
    """A form with several mistakes gets all of them, named as the form names its fields, and
    asking patterns counted from 1."""
    found = problems(
        catalog,
        {
            "name": "  ",
            "commandTemplate": "{{prompt}}",
            "continueTemplate": "x 'open",
            "activityPatterns": {"askingPatterns": ["Proceed\\?", "(unclosed", "(a+)+$"]},
        },
    )
    fields = [field for field, _ in found]
    assert fields == [
        "name",
        "commandTemplate",
        "continueTemplate",
        "activityPatterns",
        "activityPatterns",
    ]
    messages = [message for _, message in found]
    assert messages[0] == "Name is required"
    assert messages[1].startswith("Command must start with a command to run")
    assert messages[2].startswith("Continue command cannot be split")
    assert messages[3].startswith("Asking pattern 2 is not a valid regular expression")
    assert messages[4].startswith("Asking pattern 3 risks catastrophic backtracking")


def test_required_fields_on_create_and_on_update(catalog: AgentCatalog) -> None:
    """Creating needs a name and a command; an update may leave them out but not blank them."""
    assert problems(catalog, {}) == [
        ("name", "Name is required"),
        ("commandTemplate", "Command is required"),
    ]
    agent = catalog.create({"name": "Tool", "commandTemplate": "cat"})
    assert catalog.update(agent.id, {"description": "d"}).description == "d"
    assert problems(catalog, {"commandTemplate": ""}, agent.id) == [
        ("commandTemplate", "Command is required")
    ]


def test_installed_follows_the_path_and_built_ins_say_how_to_install(
    catalog: AgentCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An agent whose program is not on PATH is not installed (a built-in says how to install
    it); putting the program on PATH changes that at the next look, without a restart."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    claude = catalog.get("claude-code")
    view = catalog.describe(claude)
    assert (
        view["installed"] is False
        and view["installCommand"] == "npm i -g @anthropic-ai/claude-code"
    )
    program = bin_dir / "claude"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    assert catalog.describe(claude)["installed"] is True
    assert {catalog.describe(a)["installCommand"] for a in catalog.all() if a.is_built_in} == {
        "npm i -g @anthropic-ai/claude-code", "npm i -g @openai/codex", "npm i -g @google/gemini-cli",
        "npm i -g opencode-ai", "pipx install aider-chat",
    }  # fmt: skip


def test_custom_agents_installed_by_absolute_or_relative_path(
    catalog: AgentCatalog, tmp_path: Path
) -> None:
    """A custom agent at a missing absolute path is not installed and has no install command;
    one at a relative path (resolved in the session's directory) counts as installed."""
    missing = catalog.create({"name": "Gone", "commandTemplate": f"{tmp_path}/nope {{{{prompt}}}}"})
    assert catalog.describe(missing)["installed"] is False
    assert "installCommand" not in catalog.describe(missing)
    here = catalog.create({"name": "Here", "commandTemplate": "./run.sh"})
    assert catalog.describe(here)["installed"] is True
    assert catalog.describe(catalog.create({"name": "Cat", "commandTemplate": "cat"}))["installed"]
