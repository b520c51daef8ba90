"""Search across everything, against a real server: a line printed in any worker of any session
is found with where it came from and the offset its line starts at; removed workers stay
searchable while their logs are kept; output printed while the server was down, and an index
that went missing, are indexed at start; pruning by age and by the log's size cap never leaves a
result pointing at output that is gone; session titles and branches match too."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_console.scrollback import HEADER
from tests.harness import Server, create_session, eventually, found, read_output_until, running

DAY = 86400


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for this module's tests that only add output no other test searches for (the
    machine has two cores; a server per such test wastes them). Tests of retention and restarts
    run their own."""
    with running(tmp_path_factory.mktemp("search") / "data") as srv:
        yield srv


def search(api: httpx.Client, q: str, **params: Any) -> dict[str, Any]:
    response = api.get("/api/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def type_in(server: Server, session: dict[str, Any], worker: int, command: str,
                  done: str) -> None:  # fmt: skip
    async with server.worker_ws(session, worker, max_size=None) as ws:
        await ws.send(json.dumps({"type": "input", "data": f"stty -echo; {command}\r"}))
        await read_output_until(ws, done, timeout=60)


def log_of(data_dir: Path, worker_id: str) -> tuple[int, bytes]:
    raw = (data_dir / "logs" / f"{worker_id}.log").read_bytes()
    return int.from_bytes(raw[8:16], "big"), raw[HEADER.size :]


async def test_a_line_is_found_in_a_worker_of_another_session(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """The result names the session and worker and when it was printed, and its offset is where
    the line starts in the raw log; colour codes are no obstacle and the lines around it come
    along."""
    began = datetime.now(UTC).replace(microsecond=0)
    create_session(api, tmp_path, title="First")
    other = create_session(api, tmp_path, title="Second one")
    worker = other["workers"][0]
    command = r"printf 'before\n\033[1;31mneedle-\033[0mfound here\nafter\n'; echo OK-$((40+2))"
    await type_in(server, other, 0, command, "OK-42")
    [hit] = found(api, "needle-found")
    assert hit["session"] == {"id": other["id"], "title": "Second one", "branch": None,
                              "locationPath": str(tmp_path), "removed": False}  # fmt: skip
    assert hit["worker"] == {"id": worker["id"], "name": worker["name"], "type": "terminal",
                             "removed": False}  # fmt: skip
    assert hit["line"] == "needle-found here"
    assert began <= datetime.fromisoformat(hit["time"]) <= datetime.now(UTC)
    assert hit["before"] == ["before"] and hit["after"] == ["after"]
    start, raw = log_of(server.data_dir, worker["id"])
    [before], [after] = hit["beforeOffsets"], hit["afterOffsets"]
    assert raw[before - start - 1 : hit["offset"] - start].endswith(b"before\r\n")
    assert raw[before - start - 1 : before - start] == b"\n"  # where that line starts
    assert raw[after - start :].startswith(b"after\r\n")
    assert raw[hit["offset"] - start :].startswith(b"\x1b[1;31mneedle-")
    assert raw[hit["offset"] - start - 1 : hit["offset"] - start] == b"\n"


async def test_words_match_from_their_start_ignoring_case_newest_first(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """ "build fail" finds "Build failed" lines, not "rebuild failed"; the newest line comes first
    and pages follow on with `next` until there are no more."""
    session = create_session(api, tmp_path)
    command = ("B=Build; for i in 1 2 3 4 5; do echo \"$B failed $i\"; done; echo \"re${B,} failed\"; "
               "echo DONE-$((6*7))")  # fmt: skip
    await type_in(server, session, 0, command, "DONE-42")
    eventually(
        lambda: len(search(api, "build fail")["results"]) == 5, what="five results for 'build fail'"
    )
    first = search(api, "build fail", limit=2)
    assert [r["line"] for r in first["results"]] == ["Build failed 5", "Build failed 4"]
    rest = search(api, "build fail", limit=10, cursor=first["next"])
    assert [r["line"] for r in rest["results"]] == ["Build failed 3", "Build failed 2",
                                                    "Build failed 1"]  # fmt: skip
    assert rest["next"] is None
    assert search(api, "uild")["results"] == []


async def test_a_flood_is_indexed_whole_with_true_offsets(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Lines from the start, the middle and the end of a 5 MiB flood (more than the indexer holds
    from the live path, so part of it is read back from the host) are found where they are."""
    session = create_session(api, tmp_path)
    await type_in(server, session, 0, "seq -f 'flood %08g' 1 400000; echo F-$((6*7))", "F-42")
    start, raw = log_of(server.data_dir, session["workers"][0]["id"])
    for number in (1, 200000, 400000):
        [hit] = found(api, f"flood {number:08d}")
        assert hit["line"] == f"flood {number:08d}"
        line = raw[hit["offset"] - start :].split(b"\n", 1)[0]
        assert line.endswith(f"flood {number:08d}\r".encode())
        assert raw[hit["offset"] - start - 1] == ord("\n")


def test_titles_and_branches_match_too(server: Server, api: httpx.Client, tmp_path: Path) -> None:
    """A session whose title contains the query is listed with the first page of results."""
    session = create_session(api, tmp_path, title="Payment refactor")
    listed = search(api, "payment")["sessions"]
    assert [(s["id"], s["removed"]) for s in listed] == [(session["id"], False)]


async def test_removed_workers_stay_searchable_until_pruned(data_dir: Path, tmp_path: Path) -> None:
    """A removed worker's log is kept and its output found (marked removed, its session's title
    still shown); once its last output is older than --history-days, the next start deletes the
    log and the search forgets it."""
    with running(data_dir) as server, server.http() as api:
        session = create_session(api, tmp_path, title="Gone soon")
        added = api.post(f"/api/sessions/{session['id']}/workers", json={"type": "terminal"})
        session = api.get(f"/api/sessions/{session['id']}").json()["session"]
        worker_id = added.json()["worker"]["id"]
        await type_in(server, session, 1, "echo retired-$((40+2))-line", "retired-42-line")
        found(api, "retired-42")
        api.delete(f"/api/sessions/{session['id']}").raise_for_status()
        [hit] = found(api, "retired-42")
        assert hit["worker"]["removed"] and hit["session"]["removed"]
        assert hit["session"]["title"] == "Gone soon" and hit["worker"]["id"] == worker_id
        assert [s["removed"] for s in search(api, "gone soon")["sessions"]] == [True]
    logs = [data_dir / "logs" / f"{w['id']}.log" for w in session["workers"]]
    assert all(log.exists() for log in logs)
    old = time.time() - 3 * DAY
    for log in logs:
        os.utime(log, (old, old))
    with running(data_dir, args=("--history-days", "2")) as server, server.http() as api:
        assert not any(log.exists() for log in logs)
        assert search(api, "retired-42")["results"] == []
        assert search(api, "gone soon")["sessions"] == []


async def test_output_printed_while_the_server_was_down_is_found(
    data_dir: Path, tmp_path: Path
) -> None:
    """The worker host keeps printing while no server runs; the next server indexes what came
    meanwhile — and rebuilds the whole index when its file is gone."""
    server = Server(data_dir).start()
    with server.http() as api:
        session = create_session(api, tmp_path)
        command = "sleep 3; echo while-down-$((40+2)); echo"
        async with server.worker_ws(session) as ws:
            await ws.send(json.dumps({"type": "input", "data": f"{command}\r"}))
            await read_output_until(ws, "$((40+2))")
    server.stop(keep_host=True)
    worker_log = data_dir / "logs" / f"{session['workers'][0]['id']}.log"
    eventually(lambda: b"while-down-42" in worker_log.read_bytes(), what="while-down-42 in the log")
    with running(data_dir) as server, server.http() as api:
        assert found(api, "while-down-42")[0]["worker"]["id"] == session["workers"][0]["id"]
        server.stop(keep_host=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{data_dir / 'search.db'}{suffix}").unlink(missing_ok=True)
    with running(data_dir) as server, server.http() as api:
        assert found(api, "while-down-42")[0]["line"] == "while-down-42"


async def test_output_past_the_size_cap_leaves_the_index(data_dir: Path, tmp_path: Path) -> None:
    """A line whose bytes the log no longer keeps (--scrollback-bytes) is no longer a result."""
    with running(data_dir, args=("--scrollback-bytes", "65536")) as server, server.http() as api:
        session = create_session(api, tmp_path)
        await type_in(server, session, 0, "echo capped-$((40+2))-line", "capped-42-line")
        found(api, "capped-42")
        flood = "seq -f 'filler %08g' 1 20000; echo FLOOD-$((6*7))"
        await type_in(server, session, 0, flood, "FLOOD-42")
        eventually(
            lambda: search(api, "capped-42")["results"] == [], what="no result for capped-42"
        )
        assert found(api, "filler 00019999")


def test_with_no_history_kept_search_is_off_and_logs_go(data_dir: Path, tmp_path: Path) -> None:
    """--history-days 0: the search answers 409, and a removed worker's log is deleted at once."""
    with running(data_dir, args=("--history-days", "0")) as server, server.http() as api:
        session = create_session(api, tmp_path)
        assert api.get("/api/search", params={"q": "x"}).status_code == 409
        api.delete(f"/api/sessions/{session['id']}").raise_for_status()
        assert not (data_dir / "logs" / f"{session['workers'][0]['id']}.log").exists()


def test_bad_queries_are_refused(server: Server, api: httpx.Client) -> None:
    """No letter or digit, an empty query or a made-up cursor: 400 with a reason."""
    for params in ({"q": "-> !"}, {"q": ""}, {"q": "x", "cursor": "nope"}):
        response = api.get("/api/search", params=params)
        assert response.status_code == 400, response.text
        assert response.json()["error"]


def test_an_index_that_cannot_be_opened_leaves_the_server_up(
    data_dir: Path, tmp_path: Path
) -> None:
    """search.db is a directory: the server starts, sessions work, and search answers 503 with
    the reason."""
    (data_dir / "search.db").mkdir(parents=True)
    with running(data_dir) as server, server.http() as api:
        create_session(api, tmp_path)
        response = api.get("/api/search", params={"q": "anything"})
        assert response.status_code == 503
        assert "search index cannot be opened" in response.json()["error"]
