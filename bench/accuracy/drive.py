"""One CLI running inside the product: a real `agent-console serve` whose environment points the
CLI at its mock, a session with the CLI's built-in agent created through the REST API, the
dashboard's app socket (the product's states) and the worker socket (the raw terminal stream the
script matches, and where it types, resizes and answers).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.harness import Server

from bench.accuracy.clis import Cli
from bench.accuracy.mock import Mock
from bench.accuracy.script import Script
from bench.accuracy.seen import Seen, Sighting
from bench.accuracy.truth import Transition, Truth

COLS, ROWS = 120, 40
FOREIGN = ("ANTHROPIC_", "CLAUDE", "OPENAI_", "CODEX_", "GEMINI_", "GOOGLE_", "OPENCODE",
           "AWS_", "AZURE_", "VERTEX")  # fmt: skip
# A CI machine's markers make the CLIs think no one is at the terminal: Gemini CLI then refuses an
# untrusted folder and exits (55) instead of asking, Ink stops animating. The PTY has a person.
HEADLESS = ("CI", "CONTINUOUS_INTEGRATION", "GITHUB_ACTIONS", "BUILD_NUMBER", "RUN_ID")


class HarnessError(Exception):
    """The scenario could not be carried out (not a figure: the run is broken)."""


class Drive:
    """The product with one CLI in one session; everything the script saw, with times."""

    def __init__(self, cli: Cli, bin_dir: Path, folder: Path) -> None:
        self.cli = cli
        self.folder = folder
        self.home = folder / "home"
        self.project = folder / "project"
        self.script = Script()
        self.mock = Mock(cli.provider(), self.script, folder / "mock.jsonl", folder / "requests")
        self.bin_dir = bin_dir
        self.seen = Seen(COLS, ROWS)
        self.states: list[Transition] = []  # the dashboard's worker-activity
        self.worker_states: list[Transition] = []  # the worker socket's activity
        self.reasons: list[tuple[float, str, str | None]] = []  # each change, with its reason
        self.activity: dict[str, Any] = {}  # GET …/activity at the end
        self.truth = Truth()
        self.exited: dict[str, Any] | None = None
        self.server: Server | None = None
        self.session_id = self.worker_id = ""
        self._tasks: list[asyncio.Task[None]] = []
        self._app: Any = None
        self._worker: Any = None
        self._turn = 0
        self._raw: list[str] = []

    # -- setup and teardown ----------------------------------------------------------------

    async def open(self, prompt: str) -> None:
        """Starts the mock and the server, and a session whose agent starts with `prompt`."""
        await self.mock.start()
        self.home.mkdir(parents=True)
        self.project.mkdir()
        git = await asyncio.create_subprocess_exec("git", "init", "-q", str(self.project))
        if await git.wait() != 0:
            raise HarnessError(f"git init {self.project} failed")
        env = {
            "HOME": str(self.home),
            "PATH": f"{self.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_STATE_HOME": str(self.home / ".local" / "state"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            **self.cli.configure(self.home, self.mock.url),
        }
        server = Server(self.folder / "data")
        # Nothing of this machine's own provider settings or keys reaches the CLIs.
        for name in [n for n in server.env if n.startswith(FOREIGN) or _headless(n)]:
            del server.env[name]
        server.env.update(env)
        self.server = await asyncio.to_thread(server.start)
        self._app = await self.server.ws("/ws/app")
        self._tasks.append(asyncio.create_task(self._read_app()))
        body = {"type": "quick", "locationPath": str(self.project),
                "agentId": self.cli.agent_id, "title": f"accuracy {self.cli.name}",
                "initialPrompt": prompt}  # fmt: skip
        with self.server.http() as api:
            response = await asyncio.to_thread(api.post, "/api/sessions", json=body)
        if response.status_code != 201:
            raise HarnessError(f"creating the session failed: {response.text}")
        session = response.json()["session"]
        worker = next(w for w in session["workers"] if w["type"] == "agent")
        self.session_id, self.worker_id = session["id"], worker["id"]
        path = self.server.worker_path(self.session_id, self.worker_id)
        self._worker = await self.server.ws(path, max_size=None)
        self._tasks.append(asyncio.create_task(self._read_worker()))
        await self.resize(COLS, ROWS)

    async def close(self) -> None:
        await self._fetch_activity()
        for socket in (self._worker, self._app):
            if socket is not None:
                with contextlib.suppress(Exception):
                    await socket.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.server is not None and self.server.proc is not None:
            if self.session_id:
                with self.server.http() as api, contextlib.suppress(Exception):
                    await asyncio.to_thread(api.delete, f"/api/sessions/{self.session_id}")
            if self.server.proc.poll() is None:
                await asyncio.to_thread(self.server.stop)
        await self.mock.stop()

    # -- what the product says -------------------------------------------------------------

    async def _fetch_activity(self) -> None:
        """The product's own account of the last changes and signals (its explanation of a
        figure), with times on this script's clock."""
        if self.server is None or self.server.proc is None or not self.worker_id:
            return
        path = f"/api/sessions/{self.session_id}/workers/{self.worker_id}/activity"
        with self.server.http() as api, contextlib.suppress(Exception):
            response = await asyncio.to_thread(api.get, path)
            if response.status_code == 200:
                offset = time.time() - time.monotonic()
                self.activity = response.json()
                for item in [*self.activity["changes"], *self.activity["signals"]]:
                    item["t"] = _epoch(item["at"]) - offset

    async def _read_app(self) -> None:
        async for raw in self._app:
            now = time.monotonic()
            message = json.loads(raw)
            if message["type"] == "sessions-sync":
                for info in message.get("activityStates", []):
                    if info["workerId"] == self.worker_id:
                        self.states.append((now, info["activityState"]))
            elif message["type"] == "worker-activity" and message["workerId"] == self.worker_id:
                self.states.append((now, message["activityState"]))
                self.reasons.append((now, message["activityState"], message.get("reason")))
            elif message["type"] == "worker-activity" and not self.worker_id:
                self.states.append((now, message["activityState"]))  # before we knew its id

    async def _read_worker(self) -> None:
        async for raw in self._worker:
            now = time.monotonic()
            message = json.loads(raw)
            if message["type"] in ("output", "history"):
                self.seen.feed(message["data"], now)
                self._raw.append(message["data"])
            elif message["type"] == "activity":
                self.worker_states.append((now, message["state"]))
            elif message["type"] == "exit":
                self.exited = message

    @property
    def state(self) -> str | None:
        return self.states[-1][1] if self.states else None

    async def until_state(self, state: str, within: float) -> float | None:
        """When the product said `state` (now, if it already does); None after `within` s."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.state == state:
                return self.states[-1][0]
            await asyncio.sleep(0.02)
        return None

    # -- what the script does --------------------------------------------------------------

    async def send(self, data: str) -> float:
        """Types `data` into the terminal; returns when it was sent."""
        await self._worker.send(json.dumps({"type": "input", "data": data}))
        return time.monotonic()

    async def type_slowly(self, text: str, gap: float) -> None:
        for char in text:
            await self.send(char)
            await asyncio.sleep(gap)

    async def resize(self, cols: int, rows: int) -> None:
        await self._worker.send(json.dumps({"type": "resize", "cols": cols, "rows": rows}))
        self.seen.resize(cols, rows)

    async def until_seen(self, phrase: str, since: int, within: float, what: str) -> Sighting:
        """The first sighting of `phrase` after position `since`, or a HarnessError."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            found = self.seen.find(phrase, since)
            if found is not None:
                return found
            if self.exited is not None:
                raise HarnessError(f"{self.cli.name} exited ({self.exited}) waiting for {what}")
            self._check_readers()
            await asyncio.sleep(0.02)
        tail = self.seen.text[-300:]
        raise HarnessError(f"{what}: {phrase!r} not on screen within {within:.0f} s; saw …{tail}")

    def _check_readers(self) -> None:
        """A reader that died (a defect of the script's own view) ends the run, not silently."""
        for task in self._tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise RuntimeError(f"the script's socket reader died: {task.exception()!r}")

    def next_turn(self) -> int:
        self._turn += 1
        return self._turn

    def save(self) -> None:
        """The script's view of the run, for explaining a figure or a failure afterwards."""
        (self.folder / "screen.txt").write_text(self.seen.text)
        (self.folder / "terminal.raw").write_text("".join(self._raw))
        record = {"states": self.states, "worker_states": self.worker_states,
                  "reasons": self.reasons, "activity": self.activity,
                  "truth": _plain(self.truth), "unplanned": self.script.unplanned,
                  "mock_errors": self.mock.errors}  # fmt: skip
        (self.folder / "run.json").write_text(json.dumps(record, indent=1))


def _headless(name: str) -> bool:
    return name in HEADLESS or name.startswith("CI_")


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _plain(truth: Truth) -> dict[str, Any]:
    return {name: [vars(item) for item in getattr(truth, name)]
            for name in ("questions", "turns", "idle", "answers")}  # fmt: skip
