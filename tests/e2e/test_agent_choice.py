"""Agents in the browser: one whose program is not installed is marked and cannot be picked;
the agent form shows every problem at once, in the user's words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ContextFactory, login
from tests.harness import Server, create_session, running


@pytest.fixture
def codex_only(tmp_path: Path) -> Iterator[Server]:
    """A server whose PATH holds a `codex` program and no other agent's."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "codex").write_text("#!/bin/sh\nexec cat\n")
    (bin_dir / "codex").chmod(0o755)
    with running(tmp_path / "data", env={"PATH": str(bin_dir)}) as server:
        yield server


def test_agents_not_installed_are_marked_everywhere_and_cannot_be_picked(
    new_context: ContextFactory, codex_only: Server, tmp_path: Path
) -> None:
    """The Agents page, the New session dialog and the session's Add menu say "not installed"
    and how to install (the agent's whole name beside it); only the installed agent can be
    chosen."""
    page = login(new_context(), codex_only)
    page.get_by_role("link", name="Agents").click()
    claude = page.locator(".agent-card", has_text="Claude Code")
    expect(claude.locator(".badge", has_text="not installed")).to_be_visible()
    cut = page.locator(".agent-card .card-title").evaluate_all(
        "(names) => names.filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent)"
    )
    assert cut == [], f"names cut off: {cut}"
    expect(claude).to_contain_text("npm i -g @anthropic-ai/claude-code")
    aider = page.locator(".agent-card", has_text="Aider")
    expect(aider).to_contain_text("pipx install aider-chat")
    expect(
        page.locator(".agent-card", has_text="Codex CLI").locator(
            ".badge", has_text="not installed"
        )
    ).to_have_count(0)

    page.get_by_role("link", name="Sessions").click()
    page.get_by_test_id("new-session").click()
    run = page.get_by_role("dialog").get_by_label("Run")
    expect(run.locator("option", has_text="Claude Code")).to_have_text(
        "Claude Code — not installed"
    )
    expect(run.locator("option", has_text="Claude Code")).to_be_disabled()
    expect(run.locator("option", has_text="Codex CLI")).to_be_enabled()
    expect(page.get_by_role("dialog")).to_contain_text("need their program on the server first")
    page.keyboard.press("Escape")

    with codex_only.http() as api:
        session = create_session(api, tmp_path)
    page.goto(f"{codex_only.base_url}/sessions/{session['id']}")
    page.get_by_test_id("add-worker").click()
    expect(page.get_by_role("menuitem", name="Claude Code")).to_be_disabled()
    expect(page.get_by_role("menuitem", name="Codex CLI")).to_be_enabled()


def test_agent_form_shows_every_problem_at_once(page: Page) -> None:
    """A duplicate name (in another case), no command and a bad second pattern are all shown
    under their fields after one submit."""
    page.get_by_role("link", name="Agents").click()
    page.get_by_role("button", name="New agent").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("claude CODE")
    dialog.get_by_label("Asking patterns").fill("Proceed\\?\n(unclosed")
    dialog.get_by_role("button", name="Add agent").click()
    name = dialog.locator(".field.invalid", has_text="Name")
    expect(name.locator(".field-error")).to_have_text(
        'Name: an agent called "Claude Code" already exists'
    )
    command = dialog.locator(".field.invalid", has_text="Command")
    expect(command.locator(".field-error")).to_have_text("Command is required")
    patterns = dialog.locator(".field.invalid", has_text="Asking patterns")
    expect(patterns.locator(".field-error")).to_contain_text(
        "Asking pattern 2 is not a valid regular expression"
    )
