"""Installs the pinned CLIs from the npm registry into a throw-away prefix, one folder per CLI
(`<prefix>/<name>-<version>`), reusing a folder whose install already completed. A CLI that cannot
be installed is skipped with the reason, so the other CLIs still run."""

from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from bench.accuracy.clis import Cli

DEFAULT_PREFIX = Path(
    os.environ.get("AGENT_CONSOLE_ACCURACY_PREFIX")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "agent-console-accuracy"
)
INSTALL_TIMEOUT = 300.0


@dataclass(frozen=True)
class Installed:
    cli: Cli
    bin_dir: Path | None  # None: skipped
    reason: str = ""  # why it was skipped


async def install(cli: Cli, prefix: Path) -> Installed:
    folder = prefix / f"{cli.name}-{cli.version}"
    bin_dir = folder / "node_modules" / ".bin"
    done = folder / ".installed"
    if done.exists() and (bin_dir / cli.name).exists():
        return Installed(cli, bin_dir)
    npm = shutil.which("npm")
    if npm is None:
        return Installed(cli, None, "npm is not installed")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    argv = [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--no-save",
            "--loglevel=error", f"{cli.package}@{cli.version}"]  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), INSTALL_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        return Installed(cli, None, f"npm install timed out after {INSTALL_TIMEOUT:.0f} s")
    if process.returncode != 0 or not (bin_dir / cli.name).exists():
        return Installed(
            cli, None, f"npm install failed: {npm_reason(output.decode(errors='replace'))}"
        )
    done.write_text(f"{cli.package}@{cli.version}\n")
    return Installed(cli, bin_dir)


def npm_reason(output: str) -> str:
    """The telling lines of npm's error output: its error code and the reason it gives."""
    lines = [line[len("npm error") :].strip() for line in output.splitlines()
             if line.startswith("npm error") and line[len("npm error") :].strip()]  # fmt: skip
    telling = [line for line in lines if line.startswith("code ")][:1]
    telling += [line for line in lines if "reason:" in line or line.startswith("404")][:1]
    return " / ".join(telling or lines[-2:] or ["no output"])[:300]


async def install_all(clis: list[Cli], prefix: Path) -> list[Installed]:
    return list(await asyncio.gather(*(install(cli, prefix) for cli in clis)))
