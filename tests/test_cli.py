"""The client verbs against a real server: new, ls, and attach in a real terminal."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import ptyprocess
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from tests.harness import TIMEOUT, TOKEN, Server

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


def test_attach_opens_with_the_recent_tail_and_its_modes(server: Server, tmp_path: Path) -> None:
    """`attach` asks for the tail only: a long history's first lines are not sent again, and
    the cursor-keys mode set long before the tail is restored first."""
    session_id = run(server, "new", str(tmp_path)).split()[1]
    first = attach_cli(server, session_id)
    try:
        first.write(b"printf '\\033[?1h'; seq -f 'old %06g' 1 40000; echo FILL-$((1+1))\r")
        read_until(first, b"FILL-2")
        first.write(b"\x1d")
        read_until(first, b"[detached]")
    finally:
        first.terminate(force=True)
    again = attach_cli(server, session_id)
    try:
        again.write(b"echo BACK-$((2+2))\r")
        out = read_until(again, b"BACK-4")
    finally:
        again.terminate(force=True)
    assert b"old 040000" in out and b"old 000001" not in out and len(out) < 100_000
    assert b"\x1b[?1h" in out.split(b"old ")[0]  # the mode comes before the tail's lines


def test_detaching_puts_the_terminal_back_as_it_was(server: Server, tmp_path: Path) -> None:
    """A program that took the alternate screen, hid the cursor and asked for mouse reports and
    bracketed paste: detaching undoes all of it in the user's terminal before `[detached]`."""
    session_id = run(server, "new", str(tmp_path)).split()[1]
    proc = attach_cli(server, session_id)
    try:
        proc.write(
            b"printf '\\033[?1049h\\033[?25l\\033[?1000;1006h\\033[?2004h'; echo SET-$((2+3))\r"
        )
        read_until(proc, b"SET-5")
        proc.write(b"\x1d")
        last = read_until(proc, b"[detached]").split(b"[detached]")[0]  # after SET-5
    finally:
        proc.terminate(force=True)
    for undo in (b"\x1b[?25h", b"\x1b[?1000l", b"\x1b[?1006l", b"\x1b[?2004l", b"\x1b[?1049l"):
        assert undo in last, (undo, last)
    assert last.index(b"\x1b[?1049l") > last.index(b"\x1b[?25h")  # the normal screen last


def attach_cli(server: Server, session_id: str) -> ptyprocess.PtyProcess:
    env = {**os.environ, "AGENT_CONSOLE_TOKEN": TOKEN}
    return ptyprocess.PtyProcess.spawn([*CLI, "attach", session_id[:8], "--url", server.base_url],
                                       env=env, dimensions=(30, 90))  # fmt: skip


def url_verb(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "AGENT_CONSOLE_TOKEN"}
    return subprocess.run([*CLI, "url", "--data-dir", str(data_dir)], env=env,
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip


async def refuse_handshakes(server: Server) -> None:
    """A socket opened without the token, and one from a foreign origin: both refused."""
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    for headers, origin in (({}, None), (bearer, Origin("http://evil.example"))):
        with pytest.raises(InvalidStatus):
            async with connect(f"{server.ws_base}/ws/app", additional_headers=headers,
                               origin=origin, open_timeout=TIMEOUT):  # fmt: skip
                pass


def test_default_log_is_the_url_warnings_and_errors(tmp_path: Path) -> None:
    """By default the server prints its URL and no line per request; refused handshakes (no
    token, foreign origin) are not errors."""
    server = Server(tmp_path / "data", log_level=None).start()
    with server.http() as api:
        assert api.get("/api/sessions").status_code == 200
    asyncio.run(refuse_handshakes(server))
    assert server.stop() == 0
    log = server.log()
    assert "GET /api/sessions" not in log and "/ws/app" not in log
    assert "ERROR" not in log and "handshake" not in log, log


def test_info_log_adds_requests_but_no_handshake_error(tmp_path: Path) -> None:
    """--log-level info adds every request, refused handshakes as their status, never an ERROR."""
    server = Server(tmp_path / "data", log_level="info").start()
    with server.http() as api:
        assert api.get("/api/sessions").status_code == 200
    asyncio.run(refuse_handshakes(server))
    assert server.stop() == 0
    log = server.log()
    assert '"GET /api/sessions HTTP/1.1" 200' in log
    assert '"WebSocket /ws/app" 401' in log and '"WebSocket /ws/app" 403' in log
    assert "ERROR" not in log and "without completing handshake" not in log, log


def test_url_prints_the_login_url_of_the_running_server(tmp_path: Path) -> None:
    """`agent-console url` prints the running server's login URL (which logs in); there is none
    before it starts, after it stops, or after it was killed (the record it left is stale)."""
    data = tmp_path / "data"
    assert "no server is running" in url_verb(data).stderr
    for end in (Server.stop, Server.kill):
        server = Server(data, env={"AGENT_CONSOLE_TOKEN": ""}, log_level=None).start()
        done = url_verb(data)
        token = (data / "token").read_text().strip()
        assert done.returncode == 0 and done.stdout == f"{server.base_url}/?token={token}\n"
        assert stat.S_IMODE((data / "server.json").stat().st_mode) == 0o600
        with httpx.Client() as browser:
            assert browser.get(done.stdout.strip()).status_code == 302
        end(server)
        done = url_verb(data)
        assert done.returncode == 1 and "no server is running" in done.stderr
    assert (data / "server.json").exists()  # left by the killed server, and read as stale
