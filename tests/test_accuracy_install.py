"""bench/accuracy/install.py: the pinned CLIs' throw-away prefix and the reasons for a skip."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.accuracy.clis import BY_NAME
from bench.accuracy.install import install, npm_reason


async def test_a_completed_install_is_reused_without_asking_npm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A prefix folder marked installed is used as is: no npm (none on PATH here), no registry."""
    cli = BY_NAME["codex"]
    folder = tmp_path / f"{cli.name}-{cli.version}"
    (folder / "node_modules" / ".bin").mkdir(parents=True)
    (folder / "node_modules" / ".bin" / cli.name).touch()
    (folder / ".installed").touch()
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    installed = await install(cli, tmp_path)
    assert installed.bin_dir == folder / "node_modules" / ".bin" and not installed.reason


async def test_without_npm_the_cli_is_skipped_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No npm and no earlier install: skipped, saying why."""
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    installed = await install(BY_NAME["gemini"], tmp_path)
    assert installed.bin_dir is None and installed.reason == "npm is not installed"


def test_an_unreachable_registry_is_told_by_npms_code_and_reason() -> None:
    """The skip reason keeps npm's error code and its reason, not its boilerplate."""
    output = (
        "npm error code ECONNREFUSED\nnpm error syscall connect\n"
        "npm error FetchError: request to http://127.0.0.1:9/x failed, reason: connect "
        "ECONNREFUSED 127.0.0.1:9\nnpm error\nnpm error If you are behind a proxy, please make\n"
    )
    assert npm_reason(output) == (
        "code ECONNREFUSED / FetchError: request to http://127.0.0.1:9/x failed, "
        "reason: connect ECONNREFUSED 127.0.0.1:9"
    )
