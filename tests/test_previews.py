"""previews.py: screens read at a low rate, only for workers that printed — the core with real
ScreenText screens, then the wire against a real server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from agent_console.previews import MAX_COLS, MAX_LINES, Preview, Previews, due, trim
from agent_console.screen_text import ScreenText
from tests.harness import Message, Server, create_session, eventually_async, read_until, recv

INTERVAL = 0.05


class Screens:
    """Screens kept from output, as the worker host keeps them; counts the reads."""

    def __init__(self) -> None:
        self.screens: dict[str, ScreenText] = {}
        self.reads = 0
        self.read: list[str] = []

    def print(self, worker_id: str, text: str) -> None:
        self.screens.setdefault(worker_id, ScreenText()).feed(text)

    async def screen(self, worker_id: str) -> list[str]:
        self.reads += 1
        self.read.append(worker_id)
        return self.screens[worker_id].text().split("\n")


def test_trim_keeps_the_last_lines_without_trailing_blanks() -> None:
    """Trailing spaces and blank last lines go; at most MAX_LINES lines of MAX_COLS characters."""
    assert trim(["a  ", "", "b", "   ", ""]) == ("a", "", "b")
    long = [f"{n}" for n in range(MAX_LINES + 5)] + ["x" * (MAX_COLS + 9)]
    assert trim(long)[0] == "6" and len(trim(long)) == MAX_LINES and len(trim(long)[-1]) == MAX_COLS


def test_due_waits_out_the_interval_after_the_last_read() -> None:
    """A first read is immediate; later ones come an interval after the previous read."""
    assert due(10.0, None) == 10.0
    assert due(10.0, 9.5, 2.0) == 11.5
    assert due(12.0, 9.5, 2.0) == 12.0


async def test_a_worker_that_printed_gets_one_preview_of_its_screen() -> None:
    """Printing leads to a preview of the screen's text, published once and kept as current."""
    screens, heard = Screens(), list[Preview]()
    previews = Previews(screens.screen, heard.append, INTERVAL)
    screens.print("w1", "make test\r\n12 passed\r\n$ ")
    previews.printed("s1", "w1")
    await eventually_async(lambda: len(heard) == 1, what="one preview")
    assert heard[0].lines == ("make test", "12 passed", "$") and heard[0].session_id == "s1"
    assert previews.current() == heard
    previews.close()


async def test_a_stream_of_output_is_read_at_most_once_per_interval() -> None:
    """However often a worker prints, its screen is read no more than once per interval."""
    screens, heard = Screens(), list[Preview]()
    previews = Previews(screens.screen, heard.append, INTERVAL)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n in range(200):
        screens.print("w1", f"line {n}\r\n")
        previews.printed("s1", "w1")
        await asyncio.sleep(0.001)  # pacing the printing: a stream over time, not a wait
    elapsed = loop.time() - start
    await eventually_async(lambda: heard and "line 199" in heard[-1].lines, what="line 199 shown")
    assert screens.reads <= elapsed / INTERVAL + 2
    assert len(heard) <= screens.reads
    previews.close()


async def test_nothing_is_read_for_workers_that_do_not_print() -> None:
    """Idle workers have no timer and their screens are never read; an unchanged screen is
    not published again."""
    screens, heard = Screens(), list[Preview]()
    previews = Previews(screens.screen, heard.append, INTERVAL)
    screens.print("quiet", "$ ")
    screens.print("w1", "$ ")
    previews.printed("s1", "w1")
    await eventually_async(lambda: len(heard) == 1, what="one preview")
    previews.printed("s1", "w1")  # printed, but the screen shows the same
    await eventually_async(lambda: screens.reads == 2, what="a second read")
    assert len(heard) == 1 and "quiet" not in {p.worker_id for p in previews.current()}
    assert all(w.timer is None and w.task is None for w in previews._watched.values())
    previews.close()


async def test_a_forgotten_worker_is_not_read() -> None:
    """A worker removed before its read is due is never read, and leaves no preview."""
    screens, heard = Screens(), list[Preview]()
    previews = Previews(screens.screen, heard.append, INTERVAL)
    screens.print("w1", "x\r\n")
    previews.printed("s1", "w1")
    await eventually_async(lambda: len(heard) == 1, what="one preview")
    previews.printed("s1", "w1")  # the next read waits for the interval
    previews.forget("w1")
    screens.print("w2", "y\r\n")
    previews.printed("s1", "w2")
    previews.printed("s1", "w2")
    await eventually_async(lambda: screens.read.count("w2") == 1, what="w2 read")
    previews.printed("s1", "w2")
    await eventually_async(
        lambda: screens.read.count("w2") == 2,
        what="w2 read again, an interval later (when w1's read was due)",
    )
    assert screens.read.count("w1") == 1 and [p.worker_id for p in previews.current()] == ["w2"]
    previews.close()


# --- on the wire, against a real server --------------------------------------------------------


def previews_of(messages: list[Message], worker_id: str) -> list[Message]:
    return [m for m in messages if m["type"] == "worker-preview" and m["workerId"] == worker_id]


async def test_printed_output_reaches_app_clients_as_a_preview_and_in_the_sync(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A terminal's output shows, as screen lines, in a worker-preview and in the next sync."""
    session = create_session(api, tmp_path)
    wid = session["workers"][0]["id"]
    async with (
        server.ws("/ws/app") as app,
        server.ws(server.worker_path(session["id"], wid)) as term,
    ):
        await recv(app)
        await term.send(json.dumps({"type": "input", "data": "echo shown-$((40+2))\r"}))
        [*_, preview] = await read_until(
            app, lambda m: m["type"] == "worker-preview" and "shown-42" in m["lines"]
        )
        assert preview["sessionId"] == session["id"] and preview["at"].endswith("Z")
        await app.send(json.dumps({"type": "request-sync"}))
        [*_, sync] = await read_until(app, lambda m: m["type"] == "sessions-sync")
        assert [p["lines"] for p in sync["previews"] if p["workerId"] == wid] == [preview["lines"]]


def shows_prompt(preview: Message) -> bool:
    """The preview's last line is a shell prompt (a shell may print other things before it)."""
    return bool(preview["lines"]) and preview["lines"][-1].endswith(("$", "#"))


async def test_a_busy_worker_is_previewed_at_most_every_two_seconds_and_idle_ones_never(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """While one terminal prints continuously, its previews come at most once per 2 s; terminals
    that print nothing get none."""
    busy = create_session(api, tmp_path)
    idle = [create_session(api, tmp_path) for _ in range(3)]
    bid = busy["workers"][0]["id"]
    loop = asyncio.get_running_loop()
    async with server.ws("/ws/app") as app:
        sync = await recv(app)
        waiting = {s["workers"][0]["id"] for s in idle}  # until the idle shells' prompts show
        waiting -= {p["workerId"] for p in sync["previews"] if shows_prompt(p)}

        def prompt_shown(m: Message) -> bool:
            if m["type"] == "worker-preview" and shows_prompt(m):
                waiting.discard(m["workerId"])
            return not waiting

        if waiting:
            await read_until(app, prompt_shown)
        async with server.ws(server.worker_path(busy["id"], bid)) as term:
            loop_cmd = (
                "for i in $(seq 1 400); do echo tick-$i; sleep 0.02; done; echo DONE-$((2*3))\r"
            )
            await term.send(json.dumps({"type": "input", "data": loop_cmd}))
            start = loop.time()
            seen = await read_until(
                app, lambda m: m["type"] == "worker-preview" and "DONE-6" in m["lines"], timeout=60
            )
            elapsed = loop.time() - start
    assert len(previews_of(seen, bid)) <= elapsed / 2.0 + 1
    assert len(previews_of(seen, bid)) >= 2  # it did stream
    assert not [m for m in seen if m["type"] == "worker-preview" and m["workerId"] != bid]
