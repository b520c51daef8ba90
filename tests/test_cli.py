"""The client verbs against a real server: new, ls, and attach in a real terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import ptyprocess

from tests.harness import TOKEN, Server

CLI = [sys.executable, "-m", "agent_console"]


def run(server: Server, *args: str) -> str:
    env = {**os.environ, "AGENT_CONSOLE_TOKEN": TOKEN}
    done = subprocess.run(
        [*CLI, *args, "--url", server.base_url],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def read_until(proc: ptyprocess.PtyProcess, needle: bytes) -> bytes:
    """Reads the terminal until `needle` shows (each read blocks until output or EOF)."""
    seen = b""
    while needle not in seen:
        seen += proc.read(65536)
    return seen


def test_new_ls_attach_detach(server: Server, tmp_path: Path) -> None:
    """`new` starts a shell session, `ls` lists it, `attach` joins its terminal; Ctrl-] detaches."""
    created = run(server, "new", str(tmp_path), "--title", "from-cli")
    session_id = created.split()[1]
    listing = run(server, "ls")
    assert session_id[:8] in listing and "from-cli" in listing and "terminal" in listing

    env = {**os.environ, "AGENT_CONSOLE_TOKEN": TOKEN}
    proc = ptyprocess.PtyProcess.spawn([*CLI, "attach", session_id[:8], "--url", server.base_url],
                                       env=env, dimensions=(30, 90))  # fmt: skip
    try:
        proc.write(b"stty size; echo attached-$((40+2))\r")
        out = read_until(proc, b"attached-42")
        assert b"30 90" in out  # the attaching terminal's size reached the worker
        proc.write(b"\x1d")
        read_until(proc, b"[detached]")
        proc.wait()
        assert proc.exitstatus == 0
    finally:
        proc.terminate(force=True)
    assert "from-cli" in run(server, "ls")  # detaching leaves the worker running
