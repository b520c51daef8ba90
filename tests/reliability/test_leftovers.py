"""Issue 9 items 11 and 12: files that belong to no worker do not pile up in the data directory
— pasted images go with their worker or session and after a week, orphan output logs at start."""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.harness import Server, read_output_until, running

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
WEEK = 7 * 24 * 3600


def new_session(api: httpx.Client, cwd: Path) -> dict[str, Any]:
    response = api.post("/api/sessions", json={"type": "quick", "locationPath": str(cwd)})
    assert response.status_code == 201, response.text
    return response.json()["session"]  # type: ignore[no-any-return]


async def paste(server: Server, session_id: str, worker_id: str) -> Path:
    """Pastes an image into the worker; the file it was saved to (its path is typed)."""
    images = server.data_dir / "images"
    before = set(images.iterdir()) if images.exists() else set()
    async with server.ws(server.worker_path(session_id, worker_id)) as ws:
        data = base64.b64encode(PNG).decode()
        await ws.send(json.dumps({"type": "image", "data": data, "mimeType": "image/png"}))
        await read_output_until(ws, ".png")
    [saved] = set(images.iterdir()) - before
    assert saved.name.startswith(worker_id)
    return saved


async def test_images_go_with_their_worker_and_session(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Removing a worker deletes the images pasted into it; deleting a session, its workers'."""
    session = new_session(api, tmp_path)
    first = session["workers"][0]["id"]
    added = api.post(f"/api/sessions/{session['id']}/workers", json={"type": "terminal"})
    second = added.json()["worker"]["id"]
    image_one = await paste(server, session["id"], first)
    image_two = await paste(server, session["id"], second)
    api.delete(f"/api/sessions/{session['id']}/workers/{second}").raise_for_status()
    assert not image_two.exists() and image_one.exists()
    api.delete(f"/api/sessions/{session['id']}").raise_for_status()
    assert not image_one.exists()


async def test_old_and_ownerless_images_are_pruned_at_start(data_dir: Path, tmp_path: Path) -> None:
    """At start, images older than a week and images of no worker are deleted; a live
    worker's recent image stays."""
    with running(data_dir) as server, server.http() as api:
        session = new_session(api, tmp_path)
        worker = session["workers"][0]["id"]
        recent = await paste(server, session["id"], worker)
        old = await paste(server, session["id"], worker)
    stale = time.time() - WEEK - 3600
    os.utime(old, (stale, stale))
    ownerless = recent.with_name(f"{uuid.uuid4()}-{os.urandom(6).hex()}.png")
    ownerless.write_bytes(PNG)
    with running(data_dir):
        assert recent.exists()
        assert not old.exists() and not ownerless.exists()


def test_orphan_logs_are_swept_at_start(data_dir: Path, tmp_path: Path) -> None:
    """An output log whose worker is in no session (a kill -9 during a session's creation
    leaves one) is deleted at the next start; the logs of restored workers stay."""
    server = Server(data_dir).start()
    with server.http() as api:
        worker = new_session(api, tmp_path)["workers"][0]["id"]
    server.kill()
    logs = data_dir / "logs"
    orphan = logs / f"{uuid.uuid4()}.log"
    orphan.write_bytes((logs / f"{worker}.log").read_bytes())
    with running(data_dir):
        assert not orphan.exists()
        assert (logs / f"{worker}.log").exists()
