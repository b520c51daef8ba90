"""Repositories, worktrees and worktree sessions through the REST API (SPEC §6, issue 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.gitrepo import git, make_repo
from tests.harness import FAKE_AGENT, Server, read_until, recv


def add_repo(api: httpx.Client, path: Path) -> dict[str, Any]:
    response = api.post("/api/repositories", json={"path": str(path)})
    assert response.status_code == 201, response.text
    return response.json()["repository"]  # type: ignore[no-any-return]


def test_register_list_remove(api: httpx.Client, tmp_path: Path) -> None:
    """A git repository registers once; a plain folder or a second registration is a 400."""
    repo = add_repo(api, make_repo(tmp_path / "proj"))
    assert repo["name"] == "proj"
    assert api.get("/api/repositories").json()["repositories"] == [repo]
    plain = tmp_path / "plain"
    plain.mkdir()
    for path, words in [(plain, "not a git repository"), (tmp_path / "proj", "already registered")]:
        response = api.post("/api/repositories", json={"path": str(path)})
        assert response.status_code == 400 and words in response.json()["error"]
    assert api.delete(f"/api/repositories/{repo['id']}").json() == {"success": True}
    assert api.get("/api/repositories").json()["repositories"] == []
    assert (tmp_path / "proj" / "README.md").exists()


def test_worktree_session_rename_validate_delete(api: httpx.Client, tmp_path: Path) -> None:
    """Create a worktree with an agent session, rename its branch, validate, delete it."""
    agent = api.post(
        "/api/agents", json={"name": "Fake", "commandTemplate": f"{FAKE_AGENT} {{{{prompt}}}}"}
    )
    agent_id = agent.json()["agent"]["id"]
    repo = add_repo(api, make_repo(tmp_path / "proj"))
    rid = repo["id"]
    branches = api.get(f"/api/repositories/{rid}/branches").json()
    assert branches["defaultBranch"] == "main" and "main" in branches["local"]

    body = {
        "mode": "custom",
        "branch": "feature/one",
        "autoStartSession": True,
        "agentId": agent_id,
        "title": "one",
    }
    created = api.post(f"/api/repositories/{rid}/worktrees", json=body)
    assert created.status_code == 201, created.text
    worktree, session = created.json()["worktree"], created.json()["session"]
    assert worktree["branch"] == "feature/one" and not worktree["isMain"]
    assert session["type"] == "worktree" and session["repositoryId"] == rid
    assert session["worktreeId"] == "feature/one" and session["locationPath"] == worktree["path"]
    listed = api.get(f"/api/repositories/{rid}/worktrees").json()["worktrees"]
    assert [w["isMain"] for w in listed] == [True, False]

    renamed = api.patch(f"/api/sessions/{session['id']}", json={"branch": "feature/renamed"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["session"]["worktreeId"] == "feature/renamed"
    assert git(Path(worktree["path"]), "branch", "--show-current") == "feature/renamed"
    bad = api.patch(f"/api/sessions/{session['id']}", json={"branch": "--upload-pack=x"})
    assert bad.status_code == 400

    assert api.get("/api/sessions/validate").json() == {"invalidSessions": []}
    (Path(worktree["path"]) / "dirty.txt").write_text("x")
    refused = api.delete(f"/api/repositories/{rid}/worktrees", params={"path": worktree["path"]})
    assert refused.status_code == 409 and "force" in refused.json()["error"]
    main = api.delete(f"/api/repositories/{rid}/worktrees", params={"path": str(tmp_path / "proj")})
    assert main.status_code == 400 and "main worktree" in main.json()["error"]
    forced = api.delete(
        f"/api/repositories/{rid}/worktrees", params={"path": worktree["path"], "force": "true"}
    )
    assert forced.status_code == 200, forced.text
    assert not Path(worktree["path"]).exists()
    assert api.get(f"/api/sessions/{session['id']}").status_code == 404


def test_validate_reports_vanished_branch_and_directory(api: httpx.Client, tmp_path: Path) -> None:
    """Sessions whose branch or directory disappeared are reported and can be removed."""
    repo = add_repo(api, make_repo(tmp_path / "proj"))
    made = api.post(f"/api/repositories/{repo['id']}/worktrees",
                    json={"mode": "custom", "branch": "gone", "autoStartSession": True}).json()  # fmt: skip
    path = Path(made["worktree"]["path"])
    git(path, "checkout", "-q", "--detach")
    git(path, "branch", "-D", "gone")
    quick_dir = tmp_path / "quick"
    quick_dir.mkdir()
    quick = api.post(
        "/api/sessions", json={"type": "quick", "locationPath": str(quick_dir)}
    ).json()["session"]
    quick_dir.rmdir()
    found = {
        p["sessionId"]: p["reason"]
        for p in api.get("/api/sessions/validate").json()["invalidSessions"]
    }
    assert found == {made["session"]["id"]: "branch-missing", quick["id"]: "directory-missing"}
    for sid in found:
        assert api.delete(f"/api/sessions/{sid}").status_code == 200


def test_worktree_session_must_match_repository(api: httpx.Client, tmp_path: Path) -> None:
    """A worktree session names a registered repository and one of its worktrees on that branch."""
    repo = add_repo(api, make_repo(tmp_path / "proj"))
    base = {"type": "worktree", "locationPath": str(tmp_path / "proj")}
    cases = [
        {**base, "repositoryId": "nope", "worktreeId": "main"},
        {**base, "repositoryId": repo["id"], "worktreeId": "other"},
        {**base, "repositoryId": repo["id"]},
    ]
    for body in cases:
        response = api.post("/api/sessions", json=body)
        assert response.status_code == 400, (body, response.text)
    ok = api.post("/api/sessions", json={**base, "repositoryId": repo["id"], "worktreeId": "main"})
    assert ok.status_code == 201, ok.text


async def test_diff_worker_follows_file_changes(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A git-diff worker reports the worktree's changes and pushes diff-changed on file events."""
    repo = add_repo(api, make_repo(tmp_path / "proj", {"a.txt": "one\n", "b.txt": "bee\n"}))
    made = api.post(f"/api/repositories/{repo['id']}/worktrees",
                    json={"mode": "custom", "branch": "diffing", "autoStartSession": True}).json()  # fmt: skip
    sid, path = made["session"]["id"], Path(made["worktree"]["path"])
    added = api.post(f"/api/sessions/{sid}/workers", json={"type": "git-diff"})
    assert added.status_code == 201, added.text
    wid = added.json()["worker"]["id"]
    assert api.get(f"/api/sessions/{sid}/workers/{wid}/diff").json()["files"] == []
    async with server.ws(server.worker_path(sid, wid)) as ws:
        assert (await recv(ws))["type"] == "history"
        await read_until(ws, lambda m: m["type"] == "diff-changed")  # the watcher is ready
        (path / "a.txt").write_text("one\ntwo\n")
        (path / "new.txt").write_text("fresh\n")
        (path / "b.txt").unlink()
        await read_until(ws, lambda m: m["type"] == "diff-changed")
    diff = api.get(f"/api/sessions/{sid}/workers/{wid}/diff").json()
    files = {f["path"]: (f["status"], f["additions"], f["deletions"]) for f in diff["files"]}
    assert files == {
        "a.txt": ("modified", 1, 0),
        "new.txt": ("added", 1, 0),
        "b.txt": ("deleted", 0, 1),
    }
    assert "+two" in diff["rawDiff"]
    head = git(path, "rev-parse", "HEAD")
    changed = api.patch(f"/api/sessions/{sid}/workers/{wid}", json={"baseCommit": head})
    assert changed.status_code == 200 and changed.json()["worker"]["baseCommit"] == head
    bad = api.patch(f"/api/sessions/{sid}/workers/{wid}", json={"baseCommit": "--output=/tmp/x"})
    assert bad.status_code == 400


def test_diff_worker_needs_a_repository(api: httpx.Client, tmp_path: Path) -> None:
    """A git-diff worker in a directory that is not a git worktree is refused."""
    session = api.post(
        "/api/sessions", json={"type": "quick", "locationPath": str(tmp_path)}
    ).json()["session"]
    response = api.post(f"/api/sessions/{session['id']}/workers", json={"type": "git-diff"})
    assert response.status_code == 400


def test_worktree_root_is_configurable(tmp_path: Path) -> None:
    """$AGENT_CONSOLE_WORKTREES (or --worktree-root) decides where new worktrees go."""
    from tests.harness import running

    root = tmp_path / "elsewhere"
    with (
        running(tmp_path / "data", env={"AGENT_CONSOLE_WORKTREES": str(root)}) as server,
        server.http() as api,
    ):
        repo = add_repo(api, make_repo(tmp_path / "proj"))
        made = api.post(
            f"/api/repositories/{repo['id']}/worktrees", json={"mode": "custom", "branch": "x"}
        )
        assert made.status_code == 201, made.text
        assert Path(made.json()["worktree"]["path"]).is_relative_to(root.resolve())
