"""REST API against a real server: sessions, workers, agents, errors (SPEC §6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.gitrepo import make_repo
from tests.harness import Server, create_session, read_output_until, running


def test_health_needs_no_token(server: Server) -> None:
    """GET /api/health answers without a token."""
    with server.http(token=None) as client:
        assert client.get("/api/health").json() == {"status": "ok"}


def test_quick_session_starts_with_a_terminal(api: httpx.Client, tmp_path: Path) -> None:
    """A quick session without an agent starts with one running terminal worker in its directory."""
    session = create_session(api, tmp_path, title="mine")
    assert session["type"] == "quick"
    assert session["locationPath"] == str(tmp_path.resolve())
    assert session["title"] == "mine"
    assert session["status"] == "active"
    [worker] = session["workers"]
    assert worker["type"] == "terminal" and worker["status"] == "running" and worker["pid"] > 0
    assert api.get(f"/api/sessions/{session['id']}").json()["session"] == session
    assert api.get("/api/sessions").json()["sessions"] == [session]


def test_session_with_agent_passes_prompt_as_one_argument(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """The initial prompt reaches the agent as exactly one argv entry, never through a shell."""
    import asyncio

    prompt = "fix $(touch pwned) `touch pwned2` \"quoted\" 'single'\nnext line"
    session = create_session(api, tmp_path, agentId=fake_agent["id"], initialPrompt=prompt)
    worker = session["workers"][0]
    assert worker["type"] == "agent" and worker["agentId"] == fake_agent["id"]

    async def check() -> None:
        async with server.ws(server.worker_path(session["id"], worker["id"])) as ws:
            await read_output_until(ws, "fake>")

    asyncio.run(check())
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()


def test_unknown_agent_is_400(api: httpx.Client, tmp_path: Path) -> None:
    """An unknown agentId is refused, never silently replaced by a default."""
    response = api.post(
        "/api/sessions", json={"type": "quick", "locationPath": str(tmp_path), "agentId": "nope"}
    )
    assert response.status_code == 400
    assert "agentId" in response.json()["error"]
    assert api.get("/api/sessions").json()["sessions"] == []


def test_missing_binary_is_a_clear_error(api: httpx.Client, tmp_path: Path) -> None:
    """An agent whose command does not exist fails that request with a message; the server lives on."""
    agent = api.post(
        "/api/agents", json={"name": "Ghost", "commandTemplate": "no-such-binary-xyz {{prompt}}"}
    )
    assert agent.status_code == 201, agent.text
    response = api.post(
        "/api/sessions",
        json={
            "type": "quick",
            "locationPath": str(tmp_path),
            "agentId": agent.json()["agent"]["id"],
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "SPAWN_FAILED" and "no-such-binary-xyz" in body["error"]
    assert api.get("/api/health").status_code == 200


def test_bad_location_paths_are_400(api: httpx.Client, tmp_path: Path) -> None:
    """Relative, missing and non-directory paths are refused with a message naming the field."""
    file = tmp_path / "file.txt"
    file.write_text("x")
    for path in ["relative/dir", str(tmp_path / "missing"), str(file), ""]:
        response = api.post("/api/sessions", json={"type": "quick", "locationPath": path})
        assert response.status_code == 400, path
        assert "locationPath" in response.json()["error"]


def test_patch_title_and_delete(api: httpx.Client, tmp_path: Path) -> None:
    """PATCH changes the title; DELETE removes the session and later GETs are 404."""
    session = create_session(api, tmp_path)
    response = api.patch(f"/api/sessions/{session['id']}", json={"title": "renamed"})
    assert response.status_code == 200 and response.json()["session"]["title"] == "renamed"
    assert api.patch(f"/api/sessions/{session['id']}", json={}).status_code == 400
    assert api.delete(f"/api/sessions/{session['id']}").json() == {"success": True}
    missing = api.get(f"/api/sessions/{session['id']}")
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"


def test_workers_add_restart_delete(
    api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """Workers can be added, restarted with the same id and a new pid, and deleted."""
    session = create_session(api, tmp_path)
    sid = session["id"]
    added = api.post(
        f"/api/sessions/{sid}/workers", json={"type": "agent", "agentId": fake_agent["id"]}
    )
    assert added.status_code == 201, added.text
    worker = added.json()["worker"]
    restarted = api.post(
        f"/api/sessions/{sid}/workers/{worker['id']}/restart", json={"continueConversation": True}
    )
    assert restarted.status_code == 200
    assert restarted.json()["worker"]["id"] == worker["id"]
    assert restarted.json()["worker"]["pid"] != worker["pid"]
    workers = api.get(f"/api/sessions/{sid}/workers").json()["workers"]
    assert [w["id"] for w in workers] == [session["workers"][0]["id"], worker["id"]]
    assert api.delete(f"/api/sessions/{sid}/workers/{worker['id']}").json() == {"success": True}
    assert len(api.get(f"/api/sessions/{sid}/workers").json()["workers"]) == 1
    assert api.delete(f"/api/sessions/{sid}/workers/{worker['id']}").status_code == 404


def test_agents_crud_and_guards(api: httpx.Client, tmp_path: Path) -> None:
    """Custom agents are created, read, updated and deleted; built-ins and agents in use are not."""
    agents = api.get("/api/agents").json()["agents"]
    ids = {a["id"] for a in agents}
    assert {"claude-code", "codex", "gemini", "aider", "opencode"} <= ids
    claude = api.get("/api/agents/claude-code").json()["agent"]
    assert claude["isBuiltIn"] and claude["commandTemplate"].startswith("claude")
    assert claude["capabilities"] == {"supportsContinue": True, "supportsHeadlessMode": True,
                                      "supportsActivityDetection": True}  # fmt: skip
    assert api.delete("/api/agents/claude-code").status_code == 409

    created = api.post("/api/agents", json={"name": "My Tool", "commandTemplate": "cat"}).json()[
        "agent"
    ]
    assert created["isBuiltIn"] is False
    updated = api.patch(f"/api/agents/{created['id']}", json={"description": "d"})
    assert updated.json()["agent"]["description"] == "d"
    create_session(api, tmp_path, agentId=created["id"])
    assert api.delete(f"/api/agents/{created['id']}").status_code == 409
    assert api.get("/api/agents/nope").status_code == 404


def test_agent_validation_messages(api: httpx.Client) -> None:
    """Invalid templates and catastrophic regexes are refused with a message naming the problem."""
    cases = [
        ({"name": "x", "commandTemplate": ""}, "commandTemplate", "required"),
        ({"name": "x", "commandTemplate": "a 'unclosed"}, "commandTemplate", "split"),
        ({"name": "x", "commandTemplate": "a {{nope}}"}, "commandTemplate", "nope"),
        ({"name": "x", "commandTemplate": "sh -c 'echo {{prompt}}'"}, "commandTemplate", "prompt"),
        (
            {
                "name": "x",
                "commandTemplate": "a",
                "activityPatterns": {"askingPatterns": ["(a+)+$"]},
            },
            "activityPatterns",
            "backtracking",
        ),
        (
            {"name": "x", "commandTemplate": "a", "activityPatterns": {"askingPatterns": ["("]}},
            "activityPatterns",
            "not a valid regular expression",
        ),
        ({"commandTemplate": "a"}, "name", "required"),
        ({"name": "x", "commandTemplate": "a", "bogus": 1}, "bogus", "bogus"),
    ]
    for body, field, words in cases:
        response = api.post("/api/agents", json=body)
        assert response.status_code == 400, (body, response.text)
        [error] = response.json()["errors"]
        assert error["field"] == field and words in error["message"], (body, response.json())
        assert words in response.json()["error"]


def test_agent_errors_list_every_field_problem(api: httpx.Client) -> None:
    """A refused agent keeps {error, code} and adds errors: [{field, message}], one per problem;
    a name already taken (in any case) is one of them."""
    api.post("/api/agents", json={"name": "Fake agent", "commandTemplate": "cat"})
    body = {
        "name": "FAKE agent",
        "commandTemplate": "",
        "activityPatterns": {"askingPatterns": ["ok", "("]},
    }
    response = api.post("/api/agents", json=body)
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "INVALID_REQUEST"
    assert [e["field"] for e in payload["errors"]] == [
        "name",
        "commandTemplate",
        "activityPatterns",
    ]
    assert payload["errors"][0]["message"] == 'Name: an agent called "Fake agent" already exists'
    assert payload["errors"][2]["message"].startswith("Asking pattern 2 ")
    assert payload["error"] == "; ".join(e["message"] for e in payload["errors"])


def test_agents_say_whether_their_program_is_installed(tmp_path: Path) -> None:
    """GET /api/agents looks each program up on the server's PATH: a missing built-in carries
    installed: false and its install command; one on PATH is installed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "codex").write_text("#!/bin/sh\n")
    (bin_dir / "codex").chmod(0o755)
    with running(tmp_path / "data", env={"PATH": str(bin_dir)}) as server, server.http() as api:
        agents = {a["id"]: a for a in api.get("/api/agents").json()["agents"]}
        assert agents["codex"]["installed"] is True
        assert agents["claude-code"]["installed"] is False
        assert agents["claude-code"]["installCommand"] == "npm i -g @anthropic-ai/claude-code"
        assert (
            api.get("/api/agents/aider").json()["agent"]["installCommand"]
            == "pipx install aider-chat"
        )


def test_diff_review_is_available_only_in_a_git_working_tree(
    api: httpx.Client, tmp_path: Path
) -> None:
    """GET .../diff-review says whether a git-diff worker can be added, and why not: the same
    rule as adding one."""
    plain = tmp_path / "plain"
    plain.mkdir()
    session = create_session(api, plain)
    answer = api.get(f"/api/sessions/{session['id']}/diff-review").json()
    assert answer == {"available": False, "reason": f"{plain} is not a git repository"}
    refused = api.post(f"/api/sessions/{session['id']}/workers", json={"type": "git-diff"})
    assert refused.status_code == 400 and answer["reason"] in refused.json()["error"]
    repo = make_repo(tmp_path / "repo")
    (repo / "sub").mkdir()
    for path in (repo, repo / "sub"):
        session = create_session(api, path)
        assert api.get(f"/api/sessions/{session['id']}/diff-review").json() == {"available": True}
    assert api.get("/api/sessions/nope/diff-review").status_code == 404


def test_unknown_api_path_is_json_404(api: httpx.Client) -> None:
    """Unknown /api paths are JSON 404s, never the HTML page."""
    for method in ("GET", "POST", "DELETE"):
        response = api.request(method, "/api/does/not/exist")
        assert response.status_code == 404
        assert response.json()["code"] == "NOT_FOUND"


def test_openapi_is_served(api: httpx.Client) -> None:
    """The OpenAPI description lists the session routes."""
    paths = api.get("/api/openapi.json").json()["paths"]
    assert (
        "/api/sessions" in paths
        and "/api/sessions/{session_id}/workers/{worker_id}/restart" in paths
    )
