"""Opening a page on a worker (issue 13): what the page does before the app is ready — its HTML
names the session chunk, its terminal's socket connects at once and is the terminal's own, the
terminal opens before the app state arrives, and parses its first history at the size it then
shows.

How fast it all is: bench/browser.py (`make bench`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, WebSocket, WebSocketRoute, expect

from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory, login
from tests.e2e.terminal import ACTIVE, host, run, wait_for_text, wait_ready
from tests.gitrepo import make_repo
from tests.harness import BIN, Server, create_session, fake_agent_fields

TAIL = 64 * 1024  # web/src/terminal/first-socket.ts TAIL_BYTES
PRELOAD = re.compile(
    r'<link rel="modulepreload" crossorigin href="(/assets/SessionPage-[\w-]+\.js)">'
)


@pytest.fixture
def server(shared_server: Server) -> Server:
    """One server for this module's tests, cleared after each."""
    return shared_server


def worker_url(server: Server, session: dict[str, Any]) -> str:
    return f"{server.base_url}/sessions/{session['id']}/workers/{session['workers'][0]['id']}"


class HeldAppState:
    """Holds back what the server says on the page's /ws/app (the app state) until `release`."""

    def __init__(self, page: Page) -> None:
        self.held: list[str | bytes] = []
        self.pending: WebSocketRoute | None = None
        self.route: WebSocketRoute | None = None  # set once released
        page.route_web_socket(re.compile(r"/ws/app$"), self.connect)

    def connect(self, ws: WebSocketRoute) -> None:
        def from_server(message: str | bytes) -> None:
            if self.route is None:
                self.held.append(message)
            else:
                ws.send(message)

        ws.connect_to_server().on_message(from_server)  # the page's messages go on to the server
        self.pending = ws

    def release(self) -> None:
        assert self.pending is not None, "the page did not open /ws/app"
        self.route = self.pending
        for message in self.held:
            self.route.send(message)


def resizes(page: Page) -> list[tuple[int, int]]:
    """The sizes the page's worker sockets send, as they are sent."""
    sizes: list[tuple[int, int]] = []

    def note(ws: WebSocket) -> None:
        def sent(payload: str | bytes) -> None:
            message = json.loads(payload)
            if message.get("type") == "resize":
                sizes.append((message["cols"], message["rows"]))

        if "/worker/" in ws.url:
            ws.on("framesent", sent)

    page.on("websocket", note)
    return sizes


def shown_size(page: Page) -> tuple[int, int]:
    return (
        int(host(page).get_attribute("data-cols") or 0),
        int(host(page).get_attribute("data-rows") or 0),
    )


def test_a_session_page_names_its_chunk_in_its_html(server: Server, tmp_path: Path) -> None:
    """A session page's HTML preloads the session chunk (served for a year); the dashboard's not."""
    with server.http() as api:
        session = create_session(api, tmp_path)
        found = PRELOAD.search(api.get(f"/sessions/{session['id']}/workers/x").text)
        assert found is not None, "the session page does not preload its chunk"
        chunk = api.get(found[1])
        assert chunk.status_code == 200
        assert "immutable" in chunk.headers["cache-control"]
        assert PRELOAD.search(api.get("/").text) is None


def test_a_page_asks_for_each_list_once(
    new_context: ContextFactory, server: Server, tmp_path: Path
) -> None:
    """The app's header, the dashboard and a session page all want the agents list as they open:
    one request serves them all, as one serves each other list."""
    with server.http() as api:
        session = create_session(api, tmp_path)
    context = new_context()
    asked: list[str] = []
    context.on("request", lambda r: asked.append(r.url.split("?")[0].removeprefix(server.base_url)))
    page = login(context, server)
    expect(page.locator(f'[data-session-id="{session["id"]}"]').first).to_be_visible()
    page.wait_for_load_state("networkidle")
    api_calls = [path for path in asked if path.startswith("/api/")]
    assert api_calls.count("/api/agents") == 1, api_calls
    assert len(api_calls) == len(set(api_calls)), f"a list asked for twice: {api_calls}"
    asked.clear()
    page.goto(worker_url(server, session))
    wait_ready(page)
    page.wait_for_load_state("networkidle")
    api_calls = [path for path in asked if path.startswith("/api/")]
    assert len(api_calls) == len(set(api_calls)), f"a list asked for twice: {api_calls}"


def test_a_page_opened_on_a_worker_connects_its_socket_before_the_app_state_arrives(
    new_context: ContextFactory, server: Server, tmp_path: Path
) -> None:
    """With /ws/app held back (no sessions known), the worker's socket still connects, for the tail."""
    with server.http() as api:
        session = create_session(api, tmp_path)
    page = login(new_context(), server)
    held: list[WebSocketRoute] = []

    def hold(ws: WebSocketRoute) -> None:
        held.append(ws)  # never connected to the server

    page.route_web_socket(re.compile(r"/ws/app$"), hold)
    with page.expect_websocket(lambda ws: "/worker/" in ws.url) as opened:
        page.goto(worker_url(server, session))
    assert opened.value.url.endswith(f"/worker/{session['workers'][0]['id']}?tail={TAIL}")
    expect(page.get_by_text("Loading session…")).to_be_visible()
    assert held, "the app socket was not opened at all"


def test_the_first_socket_is_the_terminals_own(
    new_context: ContextFactory, server: Server, tmp_path: Path
) -> None:
    """The socket connected as the page started is the one the terminal uses: no second
    connection, and typing goes through it."""
    with server.http() as api:
        session = create_session(api, tmp_path)
    page = login(new_context(), server)
    sockets: list[WebSocket] = []
    page.on("websocket", lambda ws: sockets.append(ws) if "/worker/" in ws.url else None)
    page.goto(worker_url(server, session))
    wait_ready(page)
    run(page, "echo first-$((6*7))")
    wait_for_text(page, r"^first-42")
    assert len(sockets) == 1, [ws.url for ws in sockets]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_terminal_opens_at_the_size_its_history_was_parsed_at(
    new_context: ContextFactory, server: Server, tmp_path: Path, viewport: ViewportSize
) -> None:
    """The size told before xterm.js opened (expected-size.ts) is the one it fits to: the
    server hears of one size only, the one the terminal shows."""
    with server.http() as api:
        session = create_session(api, tmp_path)
    page: Page = login(new_context(viewport=viewport), server)
    sizes = resizes(page)
    page.goto(worker_url(server, session))
    wait_ready(page)
    run(page, "echo sized-$((6*7))")
    wait_for_text(page, r"^sized-42")
    assert sizes == [shown_size(page)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_terminal_opens_before_the_app_state_arrives(
    new_context: ContextFactory, server: Server, tmp_path: Path, viewport: ViewportSize
) -> None:
    """With /ws/app held back, the agent's terminal the URL names opens, parses its history and
    takes typing, its size not yet told; once the app state arrives the page fills in around the
    same terminal (the queue under it, which takes rows from it) and the server hears one size,
    the one shown."""
    with server.http() as api:
        agent = api.post("/api/agents", json=fake_agent_fields()).json()["agent"]
        session = create_session(api, tmp_path, agentId=agent["id"])
    page: Page = login(new_context(viewport=viewport), server)
    app = HeldAppState(page)
    sizes = resizes(page)
    page.goto(worker_url(server, session))
    wait_ready(page)
    run(page, "hello early")
    wait_for_text(page, r"you said: hello early")
    expect(page.get_by_role("tab")).to_have_count(0)
    assert sizes == []
    app.release()
    expect(page.get_by_role("tab")).to_have_count(1)
    expect(page.get_by_test_id("queue")).to_be_visible()
    run(page, "hello later")
    wait_for_text(page, r"you said: hello later")
    expect(page.locator(".terminal-host")).to_have_count(1)
    assert sizes == [shown_size(page)]


def open_refused_before_the_app_state(page: Page, url: str) -> None:
    """Opens `url` (naming a worker the server does not have) with the app state held back until
    the server has refused the worker's socket, then lets the state through."""
    app = HeldAppState(page)
    with page.expect_websocket(lambda ws: "/worker/" in ws.url) as opened:
        page.goto(url)
    if not opened.value.is_closed():  # refused by the server, maybe already
        opened.value.wait_for_event("close")
    app.release()


def test_a_url_naming_no_such_worker_ends_on_the_sessions_first_worker(
    new_context: ContextFactory, server: Server, tmp_path: Path
) -> None:
    """A worker id the session does not have, opened before the app state arrives: once it
    arrives the page shows the session's first worker, in one terminal."""
    with server.http() as api:
        session = create_session(api, tmp_path)
    page = login(new_context(), server)
    open_refused_before_the_app_state(
        page, f"{server.base_url}/sessions/{session['id']}/workers/nope"
    )
    wait_ready(page)
    run(page, "echo first-$((6*7))")
    wait_for_text(page, r"^first-42")
    expect(page.locator(".terminal-pane")).to_have_count(1)
    expect(page.locator(".terminal-pane")).to_have_attribute(
        "data-worker-id", session["workers"][0]["id"]
    )


def test_a_url_naming_no_such_session_ends_on_not_found(
    new_context: ContextFactory, server: Server
) -> None:
    """A session id the server does not have, opened before the app state arrives: once it
    arrives the page says so, and no terminal is left."""
    page = login(new_context(), server)
    open_refused_before_the_app_state(page, f"{server.base_url}/sessions/nope/workers/nope")
    expect(page.get_by_role("heading", name="This session no longer exists")).to_be_visible()
    expect(page.locator(".terminal-pane")).to_have_count(0)


def expect_keyboard_in_terminal(page: Page) -> None:
    """The keyboard is in the terminal: its element before xterm.js opens, xterm.js's after."""
    expect(page.locator(f"{ACTIVE} .terminal-host:focus-within")).to_have_count(1)


class HeldHistory:
    """Routes a page's worker socket so that what the server sends (its first history first) is
    held until `release`: the terminal stays unopened meanwhile. The page's messages go on."""

    def __init__(self, page: Page) -> None:
        self.held: list[str | bytes] = []
        self.routes: list[WebSocketRoute] = []
        self.holding = True
        page.route_web_socket(re.compile(r"/worker/"), self.route)

    def route(self, ws: WebSocketRoute) -> None:
        def from_server(message: str | bytes) -> None:
            if self.holding:
                self.held.append(message)
            else:
                ws.send(message)

        ws.connect_to_server().on_message(from_server)
        self.routes.append(ws)

    def release(self) -> None:
        """The history comes in now, in order, then everything after it."""
        [route] = self.routes
        sent = 0
        while sent < len(self.held):
            route.send(self.held[sent])
            sent += 1
        self.holding = False


def test_keys_typed_before_the_terminal_opens_reach_the_program(
    new_context: ContextFactory, server: Server, tmp_path: Path
) -> None:
    """With its first history held back (the terminal not open yet), what is typed into the
    terminal still reaches the program, in order, and the terminal then takes the keyboard."""
    with server.http() as api:
        session = create_session(api, tmp_path)
    page = login(new_context(), server)
    history = HeldHistory(page)
    page.goto(worker_url(server, session))
    expect_keyboard_in_terminal(page)
    page.keyboard.type("echo early-$((6*7))")
    page.keyboard.press("Enter")
    history.release()
    wait_for_text(page, r"^early-42")
    run(page, "echo after-$((6*7))")
    wait_for_text(page, r"^after-42")


# Ctrl, Alt, cursor, editing and function keys and a paste (the browser's own: Ctrl+Shift+V).
KEYS = ["Control+C", "Control+D", "ArrowUp", "Home", "Alt+b", "F5", "Delete", "Escape", "Control+Shift+V", "x"]  # fmt: skip
PASTED = "pasted words"
# As xterm.js sends them to a program in application cursor-key and bracketed-paste modes.
SENT = b"\x03\x04\x1bOA\x1bOH\x1bb\x1b[15~\x1b[3~\x1b\x1b[200~" + PASTED.encode() + b"\x1b[201~x"


def type_keys(page: Page) -> None:
    """Types KEYS, then opens and closes the search (the page's shortcut: nothing is sent), then Enter."""
    for key in KEYS:
        page.keyboard.press(key)
    page.keyboard.press("Control+Shift+F")
    expect(page.get_by_role("searchbox", name="Search this terminal's history")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")


@pytest.mark.parametrize("xterm_open", [False, True], ids=["unopened", "opened-by-the-wait"])
def test_keys_typed_before_the_terminal_opens_reach_the_program_as_xterm_sends_them(
    new_context: ContextFactory, server: Server, tmp_path: Path, xterm_open: bool
) -> None:
    """Ctrl and Alt keys, arrows, Home, F-keys, Delete, Esc and a paste typed while the first
    history is held back reach the program as the same keys typed into the open terminal do:
    encoded for the modes the program set (application cursor keys, bracketed paste); the
    page's shortcuts (Ctrl+Shift+F) stay the page's. So do keys typed once xterm.js opened
    without waiting any longer for that history (`xterm_open`)."""
    with server.http() as api:
        session = create_session(api, tmp_path)
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base_url)
    opened = login(context, server)
    opened.goto(worker_url(server, session))
    wait_ready(opened)
    record = tmp_path / "typed"
    run(opened, f"{BIN / 'key-bytes'} {record}")
    wait_for_text(opened, r"^ready")
    opened.evaluate("(text) => navigator.clipboard.writeText(text)", PASTED)
    type_keys(opened)
    wait_for_text(opened, r"^got 1")
    opened.close()

    page = login(context, server)
    history = HeldHistory(page)
    page.goto(worker_url(server, session))
    expect_keyboard_in_terminal(page)
    if xterm_open:
        page.wait_for_selector(f"{ACTIVE} .terminal-host .xterm-rows")
    type_keys(page)
    history.release()
    wait_for_text(page, r"^got 2")
    assert [bytes.fromhex(line) for line in record.read_text().splitlines()] == [SENT, SENT]


def test_a_url_naming_a_diff_review_ends_on_the_diff_review(
    new_context: ContextFactory, server: Server, tmp_path: Path
) -> None:
    """A diff review's worker id, opened before the app state arrives (its terminal opens, as for
    any worker): once it arrives the page shows the diff review, and no terminal is left."""
    with server.http() as api:
        repo = make_repo(tmp_path / "lib")
        rid = api.post("/api/repositories", json={"path": str(repo)}).json()["repository"]["id"]
        body = {"mode": "custom", "branch": "topic", "autoStartSession": True}
        session = api.post(f"/api/repositories/{rid}/worktrees", json=body).json()["session"]
        diff = api.post(f"/api/sessions/{session['id']}/workers", json={"type": "git-diff"})
        diff_id = diff.json()["worker"]["id"]
    page = login(new_context(), server)
    app = HeldAppState(page)
    page.goto(f"{server.base_url}/sessions/{session['id']}/workers/{diff_id}")
    expect(page.locator(f'.terminal-pane[data-worker-id="{diff_id}"]')).to_have_count(1)
    app.release()
    expect(page.get_by_test_id("no-changes")).to_be_visible()
    expect(page.locator(".terminal-pane")).to_have_count(0)
