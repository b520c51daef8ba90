"""Token hygiene and start-up safety against real servers: the token never reaches the logs, a
payload, a command line or a child's environment; it is stored 0600 in a 0700 directory; unsafe
directories and token files stop the start; --open, --host and the allow-lists behave."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path
from typing import Any

import httpx
import psutil

from agent_console import access
from tests.harness import TIMEOUT, TOKEN, Server, read_output_until
from tests.security.conftest import start_serve, ws_connect

URL_PREFIX = "Agent Console is running at "


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def family(server: Server) -> list[psutil.Process]:
    """The server, then its worker host and every worker (the host's descendants)."""
    assert server.proc is not None and server.host_pid is not None
    root, host = psutil.Process(server.proc.pid), psutil.Process(server.host_pid)
    return [root, *root.children(recursive=True), host, *host.children(recursive=True)]


async def test_token_never_leaves_in_logs_payloads_or_children(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """After logins, query-token requests and sockets, the token and the cookie value are absent
    from the server's log (redacted there), from every payload, from every process's command
    line, and from the workers' environment — also as a terminal's `env` prints it."""
    secrets = [TOKEN, access.cookie_value(TOKEN)]
    texts: list[str] = []
    with httpx.Client(base_url=server.base_url) as browser:
        texts.append(browser.get(f"/sessions/x?token={TOKEN}").text)
        texts.append(browser.get(f"/?token={TOKEN[:-1]}x").text)
        texts.append(browser.get(f"/api/sessions?token={TOKEN[:-1]}").text)
    session = api.post("/api/sessions", json={"type": "quick", "locationPath": str(tmp_path)})
    texts.append(session.text)
    worker = session.json()["session"]["workers"][0]
    for path in ("/api/sessions", "/api/agents", "/api/openapi.json", "/api/nowhere"):
        texts.append(api.get(f"{path}?token={TOKEN}").text)
    async with ws_connect(server, f"/ws/app?token={TOKEN}", token=None) as ws:
        texts.append(str(await ws.recv()))
    wpath = server.worker_path(session.json()["session"]["id"], worker["id"])
    async with ws_connect(server, f"{wpath}&token={TOKEN}" if "?" in wpath else
                          f"{wpath}?token={TOKEN}", token=None) as ws:  # fmt: skip
        await ws.send(json.dumps({"type": "input", "data": "env; echo ENV-$((40+2))-END\r"}))
        messages = await read_output_until(ws, "ENV-42-END")
        texts.extend(str(m) for m in messages)
    shell_env = "".join(m.get("data", "") for m in messages)
    printed = shell_env.split("echo ENV")[-1]
    ours = {line.split("=")[0] for line in printed.splitlines() if "AGENT_CONSOLE_" in line}
    assert "PATH=" in printed and ours == {"AGENT_CONSOLE_WORKER"}  # the worker's id only
    log = server.log()
    assert "token=[redacted]" in log and "WebSocket /ws/app?token=[redacted]" in log
    processes = family(server)
    assert len(processes) >= 2
    for process in processes[1:]:
        texts.append("\0".join(f"{k}={v}" for k, v in process.environ().items()))
    texts.extend(" ".join(p.cmdline()) for p in processes)
    for secret in secrets:
        assert secret not in log
        for text in texts:
            assert secret not in text and secret[:24] not in text


async def test_an_agent_worker_holds_only_its_own_hook_secret(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """An agent worker's environment adds AGENT_CONSOLE_HOOK: its data directory, its own hook
    route and that launch's secret — never the token, nor anything that opens another route."""
    session = api.post("/api/sessions", json={"type": "quick", "locationPath": str(tmp_path),
                                              "agentId": fake_agent["id"]}).json()["session"]  # fmt: skip
    wid = session["workers"][0]["id"]
    async with ws_connect(server, server.worker_path(session["id"], wid)) as ws:
        await ws.send(json.dumps({"type": "input", "data": "env AGENT_CONSOLE_HOOK\r"}))
        messages = await read_output_until(ws, "}\r\n")
    printed = "".join(m.get("data", "") for m in messages)
    hook = json.loads(printed.split("AGENT_CONSOLE_HOOK=", 1)[1].split("\r\n", 1)[0])
    assert set(hook) == {"dir", "route", "secret"} and hook["route"].startswith(
        f"/api/hooks/{wid}/"
    )
    assert TOKEN not in printed and hook["secret"] != access.cookie_value(TOKEN)
    launch = hook["route"].rsplit("/", 1)[1]
    assert hook["secret"] == access.hook_secret(TOKEN, wid, launch)
    with server.http(token=hook["secret"]) as worker:
        assert worker.get("/api/sessions").status_code == 401
    agent = next(p for p in family(server) if f"AGENT_CONSOLE_WORKER={wid}" in
                 "\0".join(f"{k}={v}" for k, v in p.environ().items()))  # fmt: skip
    ours = {k for k in agent.environ() if k.startswith("AGENT_CONSOLE_")}
    assert ours == {"AGENT_CONSOLE_WORKER", "AGENT_CONSOLE_HOOK"}


def test_generated_token_is_stored_private_and_reused(tmp_path: Path) -> None:
    """Without AGENT_CONSOLE_TOKEN the server makes a ≥128-bit token, stores it 0600 in a 0700
    data directory, prints the one login URL, and prints the same token on the next start."""
    data = tmp_path / "data"
    urls = []
    for _ in range(2):
        with start_serve(data, {"AGENT_CONSOLE_TOKEN": None}) as started:
            assert started.first_line.startswith(URL_PREFIX), started.stderr()
            urls.append(started.first_line.removeprefix(URL_PREFIX).strip())
    base, _, token = urls[0].partition("/?token=")
    assert base.startswith("http://127.0.0.1:") and len(token) >= 43
    assert urls[1].endswith(f"/?token={token}")
    assert (data / "token").read_text().strip() == token
    assert mode(data) == 0o700 and mode(data / "token") == 0o600


def test_start_is_refused_on_a_data_dir_others_can_write(tmp_path: Path) -> None:
    """A group- or world-writable data directory stops the server with the fix in the message."""
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o777)
    with start_serve(data, {}) as started:
        assert started.proc.wait(TIMEOUT) == 1 and started.first_line == ""
        assert "writable by group and others" in started.stderr()
        assert f"chmod 700 {data}" in started.stderr()


def test_start_is_refused_on_a_symlinked_token_file(tmp_path: Path) -> None:
    """A token file that is a symlink is neither read nor written through."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    target = tmp_path / "planted"
    target.write_text("planted-token-0123456789abcdef\n")
    target.chmod(0o600)
    (data / "token").symlink_to(target)
    with start_serve(data, {"AGENT_CONSOLE_TOKEN": None}) as started:
        assert started.proc.wait(TIMEOUT) == 1
        assert "symlink" in started.stderr()
    assert target.read_text() == "planted-token-0123456789abcdef\n"


def test_open_starts_the_browser_without_the_token_on_its_command_line(tmp_path: Path) -> None:
    """--open hands the browser a private 0600 page that forwards to the login URL: the token is
    in no argv and not in the browser's environment; the page is removed when the server ends."""
    browser = tmp_path / "browser"
    browser.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        "print('BROWSER', json.dumps([sys.argv, os.environ.get('AGENT_CONSOLE_TOKEN')]), "
        "flush=True)\n"
    )
    browser.chmod(0o700)
    with start_serve(tmp_path / "data", {"BROWSER": str(browser)}, "--open") as started:
        assert started.proc.stdout is not None
        line = started.proc.stdout.readline()
        argv, env_token = json.loads(line.removeprefix("BROWSER "))
        assert TOKEN not in " ".join(argv) and env_token is None
        page = Path(argv[1].removeprefix("file://"))
        assert mode(page) == 0o600 and f"?token={TOKEN}" in page.read_text()
    assert not page.exists()


def test_non_loopback_bind_warns_and_still_needs_the_token(tmp_path: Path) -> None:
    """--host 0.0.0.0 prints a clear warning, prints a loopback URL, and keeps the token check."""
    with start_serve(tmp_path / "data", {}, "--host", "0.0.0.0") as started:
        url = started.first_line.removeprefix(URL_PREFIX).strip()
        assert "WARNING" in started.stderr() and "SSH port forwarding" in started.stderr()
        base = url.partition("/?token=")[0]
        assert base.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=base) as client:
            assert client.get("/api/sessions").status_code == 401
            assert client.get(f"/api/sessions?token={TOKEN}").status_code == 200


def test_malformed_allow_lists_stop_the_start(tmp_path: Path) -> None:
    """A bad --allow-origin or --allow-host is a clear error, not a server that refuses all."""
    for flag, value in (("--allow-origin", "devbox"), ("--allow-host", "a:b:c")):
        with start_serve(tmp_path / f"data{flag}", {}, flag, value) as started:
            assert started.proc.wait(TIMEOUT) == 1
            assert flag in started.stderr()


async def test_allow_lists_admit_a_named_host_and_origin(tmp_path: Path) -> None:
    """--allow-host and --allow-origin admit exactly the named host and origin (e.g. a dev
    server or a name this machine is reached by)."""
    with start_serve(tmp_path / "data2", {}, "--allow-host", "devbox.example",
                     "--allow-origin", "http://devbox.example:5173") as started:  # fmt: skip
        base = started.first_line.removeprefix(URL_PREFIX).strip().partition("/?token=")[0]
        port = int(base.rsplit(":", 1)[1])
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}) as api:
            assert api.get("/api/sessions", headers={"Host": f"devbox.example:{port}"}).is_success
            assert api.get("/api/sessions", headers={"Host": "other.example"}).status_code == 403
        async with ws_connect(base, "/ws/app", origin="http://devbox.example:5173") as ws:
            assert '"sessions-sync"' in str(await ws.recv())
