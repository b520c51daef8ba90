"""Untrusted input against a real server: prompts, titles, names and branch names carrying
`$(...)`, backticks, quotes, newlines and leading dashes never run anything (sentinel files stay
absent) and come back unchanged; paths must be absolute existing directories; static files never
escape their folder."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from tests.harness import FAKE_AGENT, TIMEOUT, Server, read_output_until

OPTION_AGENT = Path(__file__).parent / "bin" / "option-agent"


def payloads(sentinels: Path) -> list[str]:
    """Hostile strings, each of which would create a file in `sentinels` if anything ran it."""
    s = sentinels
    return [
        f"$(touch {s}/dollar)",
        f"`touch {s}/backtick`",
        f"'; touch {s}/single; '",
        f'"; touch {s}/double; "',
        f"x\ntouch {s}/newline\n",
        f"x && touch {s}/and | touch {s}/pipe",
        f"--touch={s}/option",
        f"-- --touch={s}/option2",
        "{{cwd}} $HOME ${IFS} %s %n {0}",
    ]


@pytest.fixture
def sentinels(tmp_path: Path) -> Path:
    path = tmp_path / "sentinels"
    path.mkdir()
    return path


def assert_nothing_ran(sentinels: Path) -> None:
    assert list(sentinels.iterdir()) == [], "a payload was executed"


def created(response: httpx.Response, key: str) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return response.json()[key]  # type: ignore[no-any-return]


async def test_titles_names_and_prompts_never_run(
    server: Server, api: httpx.Client, sentinels: Path, tmp_path: Path
) -> None:
    """Session titles, worker names, agent names and initial prompts are stored and passed as
    data: every payload round-trips exactly and no sentinel appears."""
    agent = created(api.post("/api/agents", json={"name": "Fake",
                    "commandTemplate": f"{FAKE_AGENT} {{{{prompt}}}}"}), "agent")  # fmt: skip
    for n, text in enumerate(payloads(sentinels)):
        title = text.replace("\n", " ")[:200]
        session = created(api.post("/api/sessions", json={"type": "quick",
                          "locationPath": str(tmp_path), "agentId": agent["id"],
                          "initialPrompt": text, "title": title}), "session")  # fmt: skip
        assert session["title"] == title and session["initialPrompt"] == text
        sid = session["id"]
        async with server.ws(server.worker_path(sid, session["workers"][0]["id"])) as ws:
            messages = await read_output_until(ws, "fake>")
        shown = "".join(m.get("data", "") for m in messages)
        # One argument, exactly as sent (after `--` when it could be read as an option).
        expected = ["--", text] if text.startswith("-") else [text]
        assert f"argv={expected!r}" in shown
        renamed = api.patch(f"/api/sessions/{sid}", json={"title": title[::-1] or "t"})
        assert renamed.json()["session"]["title"] == (title[::-1] or "t")
        name = f"{n} {title}"[:100]
        worker = created(api.post(f"/api/sessions/{sid}/workers",
                         json={"type": "terminal", "name": name}), "worker")  # fmt: skip
        assert worker["name"] == name
        agent_named = api.post("/api/agents", json={"name": name, "commandTemplate": "cat"})
        assert created(agent_named, "agent")["name"] == name
    assert_nothing_ran(sentinels)


async def test_prompt_placeholders_are_not_expanded_twice(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A prompt containing `{{cwd}}` reaches the agent literally."""
    agent = created(api.post("/api/agents", json={"name": "Fake",
                    "commandTemplate": f"{FAKE_AGENT} {{{{prompt}}}}"}), "agent")  # fmt: skip
    session = created(api.post("/api/sessions", json={"type": "quick",
                      "locationPath": str(tmp_path), "agentId": agent["id"],
                      "initialPrompt": "see {{cwd}}"}), "session")  # fmt: skip
    path = server.worker_path(session["id"], session["workers"][0]["id"])
    async with server.ws(path) as ws:
        await read_output_until(ws, "argv=['see {{cwd}}']")


async def test_prompt_with_leading_dashes_is_not_an_option(
    server: Server, api: httpx.Client, sentinels: Path, tmp_path: Path
) -> None:
    """A prompt like `--touch=FILE` reaches an agent CLI as its prompt, not as an option."""
    agent = created(api.post("/api/agents", json={"name": "Options",
                    "commandTemplate": f"{OPTION_AGENT} {{{{prompt}}}}"}), "agent")  # fmt: skip
    prompt = f"--touch={sentinels}/option"
    session = created(api.post("/api/sessions", json={"type": "quick",
                      "locationPath": str(tmp_path), "agentId": agent["id"],
                      "initialPrompt": prompt}), "session")  # fmt: skip
    async with server.ws(server.worker_path(session["id"], session["workers"][0]["id"])) as ws:
        await read_output_until(ws, "ready>")
    assert_nothing_ran(sentinels)


def test_location_paths_must_be_absolute_existing_directories(
    api: httpx.Client, tmp_path: Path
) -> None:
    """Relative, traversing, missing, non-directory, NUL-carrying and huge paths are 400s (`~`
    alone is the server's home, but `~user` is no path); a path with `..` that resolves to a
    directory is stored resolved."""
    file = tmp_path / "file.txt"
    file.write_text("x")
    (tmp_path / "link-to-file").symlink_to(file)
    bad = ["relative", "../../etc", "~root", "~/no-such-folder", "", str(tmp_path / "missing"), str(file), "/etc/passwd",
           str(tmp_path / "link-to-file"), f"{tmp_path}/\u0000/x", "/" + "a" * 5000,
           "--help", "-"]  # fmt: skip
    for path in bad:
        response = api.post("/api/sessions", json={"type": "quick", "locationPath": path})
        assert response.status_code == 400, (path[:50], response.text)
        assert response.json()["code"] == "INVALID_REQUEST"
    (tmp_path / "inner").mkdir()
    body = {"type": "quick", "locationPath": f"{tmp_path}/inner/../inner/."}
    session = created(api.post("/api/sessions", json=body), "session")
    assert session["locationPath"] == str((tmp_path / "inner").resolve())
    assert len(api.get("/api/sessions").json()["sessions"]) == 1


def test_hostile_asking_patterns_are_refused(shared: Server) -> None:
    """Client regexes that could backtrack catastrophically, nest absurdly, match everything or
    run long are 400s naming the field; the server answers at once afterwards."""
    hostile = ["(a+)+$", "(a|a)*b", "(x*)*y", "(.*a){20}", "(" * 500 + "a" + ")" * 500, "(",
               "", "x?", "a" * 100_000, "(?:a|b|ab)*c"]  # fmt: skip
    with shared.http() as api:
        for pattern in hostile:
            body = {"name": "Regex", "commandTemplate": "cat",
                    "activityPatterns": {"askingPatterns": [pattern]}}  # fmt: skip
            response = api.post("/api/agents", json=body)
            assert response.status_code == 400, (pattern[:30], response.text[:200])
            assert response.json()["errors"][0]["field"] == "activityPatterns"
        assert api.get("/api/health", timeout=2).status_code == 200


def raw_get(server: Server, target: str) -> tuple[int, bytes]:
    """GET with `target` sent byte for byte (clients normalize `..` away)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
        request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nConnection: close"
        sock.sendall(request.encode() + b"\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_static_files_never_escape_their_folder(shared: Server) -> None:
    """Traversal in page and asset paths, encoded or not, never serves a file outside the
    client's folder."""
    targets = ["/../../../../etc/passwd", "/assets/../../../../../etc/passwd",
               "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
               "/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", "/favicon.svg/../../../config.py",
               "/%2e%2e%2f%2e%2e%2f%2e%2e%2f__init__.py", "//etc/passwd",
               "/assets/%2e%2e/%2e%2e/%2e%2e/access.py"]  # fmt: skip
    for target in targets:
        status, body = raw_get(shared, target)
        assert b"root:" not in body and b"import " not in body, target
        assert status in (200, 400, 404), target


def test_socket_ids_are_only_ids(shared: Server) -> None:
    """Path-like session and worker ids on the socket find nothing and crash nothing."""
    import asyncio

    async def check() -> None:
        for sid in ("..", "..%2f..%2fetc", "%00", "x" * 1000, "%2e%2e"):
            try:
                async with shared.ws(f"/ws/session/{sid}/worker/{sid}") as ws:
                    assert "WORKER_NOT_FOUND" in str(await ws.recv())
            except InvalidStatus as exc:  # a path that matches no socket route
                assert exc.response.status_code in (403, 404), sid

    asyncio.run(check())
    with shared.http() as api:
        assert api.get("/api/health").status_code == 200


# --- branch names (the git layer) ---------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout  # fmt: skip


def repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README").write_text("x\n")
    git(repo, "add", "README")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "init")
    return repo


def branch_payloads(sentinels: Path) -> list[str]:
    return [*payloads(sentinels), f"--upload-pack=touch {sentinels}/upload", "-b", "--help",
            "../../escape", "refs/heads/../../escape2", "@{-1}", "a..b", "x.lock", " lead",
            "HEAD", "main~1", "a b", "a\tb", "x" * 190]  # fmt: skip


def assert_git_accepts(repo: Path, branch: str) -> None:
    """A branch the server made is one git itself calls valid, and no option."""
    assert not branch.startswith("-"), branch
    git(repo, "check-ref-format", "--branch", branch)


def test_branch_names_and_refs_never_run_or_escape(
    api: httpx.Client, sentinels: Path, tmp_path: Path
) -> None:
    """Branch, base-branch and prompt-derived names with shell syntax, leading dashes or `..`
    are refused or taken literally by git: no sentinel appears, nothing is made outside the
    worktree root, every branch made is valid, and the server never answers 500."""
    repo = repository(tmp_path)
    hostile = api.post("/api/repositories", json={"path": f"--upload-pack=touch {sentinels}/p"})
    assert hostile.status_code == 400
    rid = created(api.post("/api/repositories", json={"path": str(repo)}), "repository")["id"]
    url = f"/api/repositories/{rid}/worktrees"
    for name in branch_payloads(sentinels):
        for body in ({"mode": "custom", "branch": name}, {"mode": "existing", "branch": name},
                     {"mode": "custom", "branch": "ok-branch", "baseBranch": name},
                     {"mode": "prompt", "initialPrompt": name}):  # fmt: skip
            response = api.post(url, json=body)
            assert response.status_code in (201, 400, 409), (body, response.text)
            if response.status_code == 201:
                branch = response.json()["worktree"]["branch"]
                assert_git_accepts(repo, branch)
                if body["mode"] == "custom" and "baseBranch" not in body:
                    assert branch == name
    assert_nothing_ran(sentinels)
    for escaped in (tmp_path / "escape", tmp_path.parent / "escape", tmp_path / "escape2"):
        assert not escaped.exists(), escaped
    assert git(repo, "branch", "--list", "--", "-*") == ""


def test_branch_renames_never_run_or_break_the_session(
    api: httpx.Client, sentinels: Path, tmp_path: Path
) -> None:
    """Renaming a worktree session's branch to hostile names is refused or done literally:
    no sentinel appears and the session keeps a valid branch."""
    repo = repository(tmp_path)
    rid = created(api.post("/api/repositories", json={"path": str(repo)}), "repository")["id"]
    made = api.post(f"/api/repositories/{rid}/worktrees",
                    json={"mode": "custom", "branch": "feature", "autoStartSession": True})  # fmt: skip
    sid = created(made, "session")["id"]
    for name in branch_payloads(sentinels):
        response = api.patch(f"/api/sessions/{sid}", json={"branch": name})
        assert response.status_code in (200, 400, 409), (name, response.text)
        branch = api.get(f"/api/sessions/{sid}").json()["session"]["worktreeId"]
        assert_git_accepts(repo, branch)
        if response.status_code == 200:
            assert branch == name
    assert_nothing_ran(sentinels)
