"""Browser fixtures: Debian's chromium driven by Playwright, a screenshot of every page on failure.

Playwright never downloads a browser here: it launches /usr/bin/chromium. Each test gets a fresh
browser context (its own cookies); `login` opens the token URL the server prints, as a person would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from tests.harness import ROOT, TOKEN, Server, running

CHROMIUM = Path("/usr/bin/chromium")
STATIC_INDEX = ROOT / "src" / "agent_console" / "web" / "static" / "index.html"
ARTIFACTS = ROOT / "test-results" / "e2e"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=390, height=844)


@dataclass(frozen=True)
class Look:
    """A viewport and a colour theme: the tests of the dashboard issue run in all four."""

    name: str
    viewport: ViewportSize
    scheme: Literal["dark", "light"]

    @property
    def phone(self) -> bool:
        return self.viewport == PHONE

    def options(self) -> dict[str, object]:
        return {"viewport": self.viewport, "color_scheme": self.scheme, "has_touch": self.phone}


SCHEMES: tuple[Literal["dark", "light"], ...] = ("dark", "light")
LOOKS = [Look(f"{device}-{scheme}", viewport, scheme)
         for device, viewport in (("desktop", DESKTOP), ("phone", PHONE))
         for scheme in SCHEMES]  # fmt: skip
PHONES = [look for look in LOOKS if look.phone]  # for what only a phone has (its key row)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not STATIC_INDEX.exists():
        pytest.fail("the browser client is not built: run `make setup` (npm ci + vite build)")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            "e2e tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
    yield browser
    browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    contexts: list[BrowserContext] = getattr(item, "browser_contexts", [])
    if report.failed and report.when in ("setup", "call") and contexts:
        # Now, while the server and pages are still alive (fixture teardown comes later).
        save_screenshots(item.name, contexts)
    server = getattr(item, "funcargs", {}).get("server")
    if report.failed and report.when == "call" and isinstance(server, Server):
        # What the server kept beside what the screenshot shows: was output lost on the way?
        report.sections.append(
            ("what each worker printed, as the server keeps it", outputs(server))
        )
    return report


def outputs(server: Server, size: int = 2048) -> str:
    """The last `size` bytes of every worker's output as the server stored it (escape sequences
    shown as Python escapes), or why they could not be read."""
    try:
        with server.http() as api:
            found = []
            for session in api.get("/api/sessions").json()["sessions"]:
                for worker in session["workers"]:
                    path = f"/api/sessions/{session['id']}/workers/{worker['id']}/history"
                    page = api.get(path, params={"end": 2**53, "bytes": size}).json()
                    found.append(f"{session.get('title')} / {worker.get('name')} [{page.get('startOffset')}, "
                                 f"{page.get('offset')}): {page.get('data')!r}")  # fmt: skip
            return "\n".join(found) or "no workers"
    except Exception as exc:  # the server may be what failed
        return f"could not read them: {exc!r}"


ContextFactory = Callable[..., BrowserContext]


@pytest.fixture
def new_context(browser: Browser, request: pytest.FixtureRequest) -> Iterator[ContextFactory]:
    """Makes browser contexts; on failure every page of every context is saved as a PNG."""
    contexts: list[BrowserContext] = []
    request.node.browser_contexts = contexts

    def make(**options: object) -> BrowserContext:
        context = browser.new_context(**{"viewport": DESKTOP, **options})  # type: ignore[arg-type]
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def save_screenshots(test_name: str, contexts: list[BrowserContext]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "_", test_name)
    for c, context in enumerate(contexts):
        for p, page in enumerate(context.pages):
            try:
                page.screenshot(path=str(ARTIFACTS / f"{safe}-{c}-{p}.png"), full_page=True)
            except Exception as exc:  # a crashed page must not hide the test's own failure
                print(f"screenshot of {safe}-{c}-{p} failed: {exc}")


def login(context: BrowserContext, server: Server) -> Page:
    """Opens the printed URL with its token, as the user does once; returns the dashboard page."""
    page = context.new_page()
    page.goto(f"{server.base_url}/?token={TOKEN}")
    page.get_by_role("heading", name="Sessions", exact=True).wait_for()
    return page


@pytest.fixture
def own_server(data_dir: Path, tmp_path: Path) -> Iterator[Server]:
    """The real server, the test's own (one that restarts it may ask for it in a module that
    shares one), its shells started with an empty HOME: the machine's own rc files (a slow
    `pyenv init`, a stale rehash lock) must not decide how fast a test's prompt appears."""
    home = tmp_path / "home"
    home.mkdir()
    with running(data_dir, env={"HOME": str(home)}) as srv:
        yield srv


@pytest.fixture
def server(own_server: Server) -> Server:
    """The test's own server, unless its module shares one (`shared_server`)."""
    return own_server


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for all the tests of a module that asks for it (see `shared_server`)."""
    with running(tmp_path_factory.mktemp("shared") / "data") as srv:
        yield srv


@pytest.fixture
def shared_server(module_server: Server) -> Iterator[Server]:
    """The module's server, left as a test finds a fresh one: no session, repository or custom
    agent (starting a server per test cost several seconds each). Its HOME is
    `server.env["HOME"]`."""
    yield module_server
    with module_server.http() as api:
        for session in api.get("/api/sessions").json()["sessions"]:
            api.delete(f"/api/sessions/{session['id']}").raise_for_status()
        for repo in api.get("/api/repositories").json()["repositories"]:
            api.delete(f"/api/repositories/{repo['id']}").raise_for_status()
        for agent in api.get("/api/agents").json()["agents"]:
            if not agent["isBuiltIn"]:
                api.delete(f"/api/agents/{agent['id']}").raise_for_status()


@pytest.fixture
def page(new_context: ContextFactory, server: Server) -> Page:
    return login(new_context(), server)


@pytest.fixture(params=LOOKS, ids=[look.name for look in LOOKS])
def look(request: pytest.FixtureRequest) -> Look:
    """Each test that asks for it runs in all four looks: desktop and phone, dark and light (a
    test of what only a phone has narrows it with `@pytest.mark.parametrize("look", PHONES)`)."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def seen(new_context: ContextFactory, server: Server, look: Look) -> Page:
    """The dashboard, signed in, in `look` (scripts may be injected: axe-core)."""
    return login(new_context(**look.options(), bypass_csp=True), server)
