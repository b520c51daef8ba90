"""Issue 9 item 6: a hostile REST body is a 400, never a 500, and changes nothing — on every
route that takes a body (found from the server's own OpenAPI description, not listed by hand);
and memory changes only once the database took the change."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from tests.gitrepo import make_repo
from tests.harness import Server, create_session, fake_agent_fields

# Routes whose body is free-form JSON in the OpenAPI description: the fields they read.
AGENT_FIELDS = ("name", "description", "commandTemplate", "continueTemplate", "headlessTemplate",
                "activityPatterns")  # fmt: skip
FREE_FORM = {"/api/agents": AGENT_FIELDS, "/api/agents/{agent_id}": AGENT_FIELDS}
LONE = ["\ud800", "tail\udfff", ["ok", "\udc00"], {"askingPatterns": ["\udbff"]}]
STATE = ("/api/agents", "/api/sessions", "/api/repositories")


def body_fields(spec: dict[str, Any], operation: dict[str, Any], path: str) -> tuple[str, ...]:
    """The request body's fields of one operation; () when it takes no body."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return ()
    schema = content["schema"]
    for ref in [schema.get("$ref"), *(s.get("$ref") for s in schema.get("anyOf", []))]:
        if ref:
            schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
            break
    return tuple(schema.get("properties") or FREE_FORM[path])


def valid_body(method: str, path: str, where: Path) -> dict[str, object]:
    """What the route needs besides the probed field, so that field is the only fault."""
    needs: dict[tuple[str, str], dict[str, object]] = {
        ("post", "/api/agents"): {"name": "Probe", "commandTemplate": "true"},
        ("post", "/api/sessions"): {"type": "quick", "locationPath": str(where)},
        ("post", "/api/repositories"): {"path": str(where / "repo")},
        ("post", "/api/repositories/{repo_id}/worktrees"): {"mode": "custom", "branch": "b"},
        ("post", "/api/sessions/{session_id}/workers"): {"type": "terminal"},
    }
    return needs.get((method, path), {})


@pytest.fixture
def ids(api: httpx.Client, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Real ids for every path parameter, so each route reaches its body."""
    repo = make_repo(tmp_path / "repo")
    agent = api.post("/api/agents", json=fake_agent_fields()).json()["agent"]
    repository = api.post("/api/repositories", json={"path": str(repo)}).json()["repository"]
    session = api.post("/api/sessions", json={"type": "quick", "locationPath": str(repo)})
    body = session.json()["session"]
    # No message waits in a queue: a queued message's body is refused before its id is looked up.
    yield {"session_id": body["id"], "worker_id": body["workers"][0]["id"],
           "agent_id": agent["id"], "repo_id": repository["id"], "message_id": "none"}  # fmt: skip


def state(api: httpx.Client) -> list[Any]:
    return [api.get(path).json() for path in STATE]


def test_lone_surrogates_in_any_field_are_400_and_change_nothing(
    api: httpx.Client, ids: dict[str, str], tmp_path: Path
) -> None:
    """Every body field of every route, set to text with an unpaired surrogate (alone, in a
    list, in an object), is answered 400 naming the field; afterwards the agents, sessions and
    repositories are exactly what they were."""
    spec = api.get("/api/openapi.json").json()
    before = state(api)
    probed = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for field in body_fields(spec, operation, path):
                base = valid_body(method, path, tmp_path)
                for value in LONE:
                    raw = json.dumps({**base, field: value})  # ASCII: the surrogate as \\uXXXX
                    url = path.format(**ids)
                    response = api.request(method, url, content=raw, headers=JSON_TYPE)
                    assert response.status_code == 400, (method, path, raw, response.text)
                    assert field in response.json()["error"], (method, path, response.text)
                    probed.add((method, path))
    assert len(probed) >= 9, probed  # every route that takes a body (9 today), not a lucky few
    assert state(api) == before


JSON_TYPE = {"content-type": "application/json"}


def test_memory_changes_only_after_the_store(server: Server, api: httpx.Client) -> None:
    """While the database refuses writes, adding or changing an agent is a 503 and leaves the
    agent list as it was; once it takes writes again, the same call succeeds."""
    agent = api.post("/api/agents", json=fake_agent_fields("Kept")).json()["agent"]
    before = api.get("/api/agents").json()
    blocker = sqlite3.connect(server.data_dir / "agent-console.db", isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # holds the write lock: every write of the server fails
        added = api.post("/api/agents", json=fake_agent_fields("Lost"))
        renamed = api.patch(f"/api/agents/{agent['id']}", json={"name": "Renamed"})
        removed = api.delete(f"/api/agents/{agent['id']}")
        assert [r.status_code for r in (added, renamed, removed)] == [503, 503, 503]
        assert added.json()["code"] == "STORE_FAILED"
        assert api.get("/api/agents").json() == before
    finally:
        blocker.close()
    assert api.post("/api/agents", json=fake_agent_fields("Lost")).status_code == 201


def test_sessions_change_only_after_the_store(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """While the database refuses writes, creating, renaming and deleting a session, and adding
    or removing a worker, are 503s that leave the sessions (and their processes) as they were."""
    session = create_session(api, tmp_path, title="before")
    sid = session["id"]
    api.post(f"/api/sessions/{sid}/workers", json={"type": "terminal"})
    before = api.get(f"/api/sessions/{sid}").json()["session"]
    pids = [w["pid"] for w in before["workers"]]
    blocker = sqlite3.connect(server.data_dir / "agent-console.db", isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # holds the write lock: every write of the server fails
        answers = [
            api.post("/api/sessions", json={"type": "quick", "locationPath": str(tmp_path)}),
            api.patch(f"/api/sessions/{sid}", json={"title": "after"}),
            api.post(f"/api/sessions/{sid}/workers", json={"type": "terminal"}),
            api.delete(f"/api/sessions/{sid}/workers/{before['workers'][1]['id']}"),
            api.delete(f"/api/sessions/{sid}"),
        ]
        assert [a.status_code for a in answers] == [503] * 5, [a.text for a in answers]
        assert [s["id"] for s in api.get("/api/sessions").json()["sessions"]] == [sid]
        assert api.get(f"/api/sessions/{sid}").json()["session"] == before
        assert all(psutil.pid_exists(pid) for pid in pids)
    finally:
        blocker.close()
    assert api.patch(f"/api/sessions/{sid}", json={"title": "after"}).status_code == 200


def test_repositories_change_only_after_the_store(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """While the database refuses writes, registering and removing a repository, creating a
    worktree with its session, deleting a worktree that has a session, and changing a git-diff
    worker's base commit are 503 STORE_FAILED, and every GET answers as before (the worktrees
    on disk too)."""
    repo, other = make_repo(tmp_path / "repo"), make_repo(tmp_path / "other")
    rid = api.post("/api/repositories", json={"path": str(repo)}).json()["repository"]["id"]
    worktrees = f"/api/repositories/{rid}/worktrees"
    started = {"mode": "custom", "autoStartSession": True}
    made = api.post(worktrees, json={**started, "branch": "kept"})
    session = made.json()["session"]
    diff = api.post(f"/api/sessions/{session['id']}/workers", json={"type": "git-diff"})
    base = f"/api/sessions/{session['id']}/workers/{diff.json()['worker']['id']}"
    reads = ["/api/repositories", f"/api/repositories/{rid}", worktrees, "/api/sessions"]
    before = [api.get(path).json() for path in reads]
    blocker = sqlite3.connect(server.data_dir / "agent-console.db", isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # holds the write lock: every write of the server fails
        answers = [
            api.post("/api/repositories", json={"path": str(other)}),
            api.delete(f"/api/repositories/{rid}"),
            api.post(worktrees, json={**started, "branch": "lost"}),
            api.delete(worktrees, params={"path": made.json()["worktree"]["path"], "force": True}),
            api.patch(base, json={"baseCommit": "HEAD"}),
        ]
        assert [(a.status_code, a.json().get("code")) for a in answers] == [
            (503, "STORE_FAILED")
        ] * 5, [a.text for a in answers]
        assert [api.get(path).json() for path in reads] == before
    finally:
        blocker.close()
    assert api.patch(base, json={"baseCommit": "HEAD"}).status_code == 200
