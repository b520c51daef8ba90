"""Reading a worker's past output by offsets, against a real server: the recent tail on open
(with the terminal modes in effect there), pages back to the first byte without ever splitting a
character, a clear answer beyond retention, and a search of the whole log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.harness import Server, create_session, read_output_until, recv, running

UNICODE_LINE = "é日本語🎉 ünïcödé line"


async def print_lines(server: Server, session: dict[str, Any], command: str, done: str) -> int:
    """Runs `command` in the session's shell; the offset once `done` was printed."""
    path = server.worker_path(session["id"], session["workers"][0]["id"])
    async with server.ws(path, max_size=None) as ws:
        await ws.send(json.dumps({"type": "input", "data": f"stty -echo; {command}\r"}))
        messages = await read_output_until(ws, done, timeout=60)
    return int(messages[-1]["offset"])


def log_of(server: Server, worker_id: str) -> bytes:
    return (server.data_dir / "logs" / f"{worker_id}.log").read_bytes()[16:]


async def test_a_tail_opens_at_a_line_with_the_modes_in_effect(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """`?tail=N` sends only the end of a long history, starting at a line, with the sequence
    that restores the alternate screen and cursor keys the program switched on long before."""
    session = create_session(api, tmp_path)
    command = r"printf '\033[?1049h\033[?1h'; seq -f 'line %06g' 1 60000; echo TAIL-$((20+22))"
    end = await print_lines(server, session, command, "TAIL-42")
    path = server.worker_path(session["id"], session["workers"][0]["id"])
    async with server.ws(f"{path}?tail=65536", max_size=None) as ws:
        history = await recv(ws)
    assert history["type"] == "history" and history["retainedStart"] == 0
    assert end - 65536 <= history["startOffset"] <= end - 65536 + 4096
    assert history["data"].startswith("line ") and history["offset"] >= end - 1
    assert "\x1b[?1049h" in history["modes"] and "\x1b[?1h" in history["modes"]
    raw = log_of(server, session["workers"][0]["id"])
    assert raw[history["startOffset"] : history["offset"]] == history["data"].encode()


async def test_paging_back_reaches_the_first_byte_on_whole_characters(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Small pages from the end back to offset 0: each starts and ends on a whole character,
    holds exactly its bytes, and together they are the whole log."""
    session = create_session(api, tmp_path)
    wid = session["workers"][0]["id"]
    end = await print_lines(
        server,
        session,
        f"for i in $(seq 1 300); do echo $i {UNICODE_LINE}; done; echo PAGE-$((3+4))",
        "PAGE-7",
    )
    pages, at = [], end
    while at > 0:
        page = api.get(f"/api/sessions/{session['id']}/workers/{wid}/history",
                       params={"end": at, "bytes": 997}).json()  # fmt: skip
        data = page["data"].encode()
        assert "\ufffd" not in page["data"] and len(data) == page["offset"] - page["startOffset"]
        assert page["offset"] == at and page["startOffset"] < at
        pages.append(data)
        at = page["startOffset"]
    assert b"".join(reversed(pages)) == log_of(server, wid)[:end]


async def test_a_page_before_retention_is_a_clear_410(data_dir: Path, tmp_path: Path) -> None:
    """With 64 KiB retained, asking for output that has left retention says so, and where the
    retained output starts."""
    with running(data_dir, args=("--scrollback-bytes", "65536")) as server, server.http() as api:
        session = create_session(api, tmp_path)
        wid = session["workers"][0]["id"]
        await print_lines(server, session, "seq 1 40000; echo GONE-$((1+2))", "GONE-3")
        url = f"/api/sessions/{session['id']}/workers/{wid}/history"
        answer = api.get(url, params={"end": 1000})
        assert answer.status_code == 410
        body = answer.json()
        assert body["code"] == "OUT_OF_RETENTION" and body["retainedStart"] > 1000
        assert api.get(url, params={"end": body["retainedStart"] + 10}).status_code == 200


async def test_search_finds_a_line_anywhere_in_the_log(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A line printed among 50,000 others is found by a case-insensitive search, as plain text
    (colours removed), at the offset where it starts in the raw stream."""
    session = create_session(api, tmp_path)
    wid = session["workers"][0]["id"]
    command = r"seq 1 25000; printf '\033[31mNeedle\033[0m in the HAYSTACK\n'; seq 1 25000; echo SEARCHED-$((1+1))"
    await print_lines(server, session, command, "SEARCHED-2")
    found = api.get(f"/api/sessions/{session['id']}/workers/{wid}/search",
                    params={"q": "needle IN"}).json()  # fmt: skip
    assert found["truncated"] is False
    assert [m["line"] for m in found["matches"]] == ["Needle in the HAYSTACK"]
    offset = found["matches"][0]["offset"]
    assert log_of(server, wid)[offset:].startswith(b"\x1b[31mNeedle")
    assert api.get(f"/api/sessions/{session['id']}/workers/{wid}/search",
                   params={"q": ""}).status_code == 400  # fmt: skip


async def test_search_keeps_the_newest_matches_when_there_are_too_many(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Past 500 matching lines the answer keeps the newest 500 (what a terminal's find shows
    first), oldest first, and says older ones were left out."""
    session = create_session(api, tmp_path)
    wid = session["workers"][0]["id"]
    await print_lines(server, session, "seq -f 'hit-%g' 1 600; echo MANY-$((1+1))", "MANY-2")
    found = api.get(f"/api/sessions/{session['id']}/workers/{wid}/search",
                    params={"q": "hit-"}).json()  # fmt: skip
    assert found["truncated"] is True
    lines = [m["line"] for m in found["matches"]]
    assert (len(lines), lines[0], lines[-1]) == (500, "hit-101", "hit-600")
