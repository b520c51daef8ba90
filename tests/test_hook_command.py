"""`agent-console hook` as agent CLIs run it: silent and successful whatever happens (a console
that is away never disturbs the agent), and Codex's own notify program still runs."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

from agent_console.agent_hooks import HOOK_ENV
from tests.harness import TIMEOUT

HOOK = [sys.executable, "-m", "agent_console", "hook"]


def run(args: list[str], stdin: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HOOK, *args], input=stdin, capture_output=True, text=True,
                          timeout=TIMEOUT, env=env, check=False)  # fmt: skip


def test_outside_a_worker_it_does_nothing(tmp_path: Path) -> None:
    """No AGENT_CONSOLE_HOOK (the CLI runs outside the console): exit 0, no output."""
    env = {k: v for k, v in os.environ.items() if k != HOOK_ENV}
    done = run(["claude"], '{"hook_event_name": "Stop"}', env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_with_no_server_running_it_does_nothing(tmp_path: Path) -> None:
    """The server is away (no server.json, or nothing listening): exit 0, no output."""
    route = {"dir": str(tmp_path), "route": "/api/hooks/w/abcdef12", "secret": "x"}
    env = {**os.environ, HOOK_ENV: json.dumps(route)}
    assert run(["claude"], '{"hook_event_name": "Stop"}', env).stdout == ""
    (tmp_path / "server.json").write_text(json.dumps({"pid": 1, "started": 1, "port": 9,
                                                      "host": "127.0.0.1"}))  # fmt: skip
    done = run(["claude"], "not json", env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_codex_notify_of_the_user_still_runs(tmp_path: Path) -> None:
    """`--then PROGRAM ARGS…`: the user's own notify runs with Codex's JSON as its last argument."""
    fifo = tmp_path / "notified"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    program = [sys.executable, "-c", f"import sys; open({str(fifo)!r}, 'w').write(sys.argv[1])"]
    payload = json.dumps({"type": "agent-turn-complete", "thread-id": "t-1"})
    env = {k: v for k, v in os.environ.items() if k != HOOK_ENV}
    try:
        assert run(["codex", "--then", *program, payload], "", env).returncode == 0
        received = b""
        while not received.endswith(b"}"):  # the user's program runs on its own: wait for it
            assert select.select([reader], [], [], TIMEOUT)[0], "the user's notify never ran"
            received += os.read(reader, 4096)
    finally:
        os.close(reader)
    assert json.loads(received) == json.loads(payload)
