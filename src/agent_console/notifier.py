"""The notifier: a notice when an agent asks or finishes, sent by the user's command (the notice's
JSON on its stdin) and to a webhook (ntfy, Slack or plain JSON), never on the hot path.

`on_event`, a subscriber of the domain's events, only decides (notices.py) and queues: a bounded
queue (QUEUE notices; more are dropped and logged) drained by one sender task. The command runs
through `sh -c` with a timeout (its process group is killed after it), with an environment
without the access token; the webhook is posted from a worker thread with a timeout. The
settings are `notifications.json` in the data directory (0600), read again whenever the file
changed; the UI edits that same file.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from agent_console import access, notices
from agent_console.config import Settings
from agent_console.errors import InvalidRequest, NotFound
from agent_console.events import AppEvent, WorkerActivity
from agent_console.model import now_iso
from agent_console.notices import Notice, NoticeKind, NotifierConfig
from agent_console.sessions import Sessions

log = logging.getLogger(__name__)

CONFIG_FILE = "notifications.json"
QUEUE = 100
TIMEOUT = 10.0
STDERR_KEPT = 2000


@dataclass
class Delivery:
    """How the last notice went, for the settings page."""

    at: str | None = None
    error: str | None = None


class Notifier:
    def __init__(self, settings: Settings, sessions: Sessions) -> None:
        self._path = settings.data_dir / CONFIG_FILE
        self._token = settings.token
        self._sessions = sessions
        self._default_base = f"http://{access.url_host(settings.host)}:{settings.port}"
        self._config = NotifierConfig()
        self._mtime: float | None = None
        self.problem: str | None = None  # why the file could not be read
        self.last = Delivery()
        self._changes = notices.Changes()
        self._limit = notices.RateLimit()
        self._queue: asyncio.Queue[Notice] = asyncio.Queue(QUEUE)
        self._sender: asyncio.Task[None] | None = None

    # --- settings ---------------------------------------------------------------------------

    @property
    def config(self) -> NotifierConfig:
        """The settings as the file has them now (read again when it changed)."""
        try:
            mtime: float | None = self._path.stat().st_mtime
        except FileNotFoundError:
            mtime = None
        except OSError as exc:
            self.problem = f"cannot read {CONFIG_FILE}: {exc.strerror}"
            return self._config
        if mtime != self._mtime:
            self._mtime = mtime
            self._config, self.problem = self._read()
        return self._config

    def _read(self) -> tuple[NotifierConfig, str | None]:
        try:
            text = self._path.read_text()
        except FileNotFoundError:
            return NotifierConfig(), None
        except (OSError, UnicodeDecodeError) as exc:
            return NotifierConfig(), f"cannot read {CONFIG_FILE}: {exc}"
        try:
            return NotifierConfig.model_validate_json(text), None
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            problem = f"{CONFIG_FILE} is not valid ({where}: {error['msg']}); notifications are off"
            log.warning("%s", problem)
            return NotifierConfig(), problem

    def save(self, config: NotifierConfig) -> None:
        """Writes the settings (0600, replacing the file in one step)."""
        text = json.dumps(config.dump(), indent=2) + "\n"
        temporary = self._path.with_name(f".{CONFIG_FILE}.{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        access.write_secret(temporary, text)
        os.replace(temporary, self._path)
        self._config, self.problem, self._mtime = config, None, self._path.stat().st_mtime

    def link_base(self, config: NotifierConfig) -> str:
        return config.link_base or self._default_base

    # --- events -----------------------------------------------------------------------------

    def on_event(self, event: AppEvent) -> None:
        """Decides and queues; never waits (it runs inside the domain's publish)."""
        if not isinstance(event, WorkerActivity):
            return
        asked = event.question or {}
        question = notices.question_text(asked.get("text"))
        kind = self._changes.seen(event.worker_id, event.state, asked.get("id") or question)
        if kind is None:
            return
        config = self.config
        if not config.enabled or kind not in config.events:
            return
        if not self._limit.allow(event.worker_id, time.monotonic()):
            log.info("notification for %s dropped: rate limit", event.worker_id)
            return
        notice = self._notice(kind, event.session_id, event.worker_id, question)
        if notice is None:
            return
        try:
            self._queue.put_nowait(notice)
        except asyncio.QueueFull:
            log.warning("notification for %s dropped: %d are waiting", event.worker_id, QUEUE)

    def _notice(
        self, kind: NoticeKind, session_id: str, worker_id: str, question: str | None
    ) -> Notice | None:
        try:
            session = self._sessions.get(session_id)
            worker = self._sessions.worker(session_id, worker_id)
        except NotFound:
            return None
        title = session.title or Path(session.location_path).name or session.location_path
        question = question if kind == "asking" else None
        return Notice(kind, session_id, worker_id, worker.name, title, now_iso(), question,
                      self._limit.take_dropped())  # fmt: skip

    # --- sending ----------------------------------------------------------------------------

    def start(self) -> None:
        self._sender = asyncio.get_running_loop().create_task(self._send_all())

    async def close(self) -> None:
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender

    async def _send_all(self) -> None:
        while True:
            notice = await self._queue.get()
            errors = await self.send(notice, self.config)
            self.last = Delivery(now_iso(), "; ".join(errors.values()) or None)
            for way, error in errors.items():
                log.warning("notification by %s failed: %s", way, error)

    async def test(self, config: NotifierConfig) -> dict[str, str | None]:
        """Sends a test notice with `config`; each way's error (None: it went)."""
        if not (config.command or config.webhook_url):
            raise InvalidRequest("set a command or a webhook URL first")
        notice = Notice("test", "test-session", "test-worker", "Agent Console", "a test",
                        now_iso(), "This is a test notification.")  # fmt: skip
        errors = await self.send(notice, config)
        ways = [w for w, on in (("command", config.command), ("webhook", config.webhook_url)) if on]
        return {way: errors.get(way) for way in ways}

    async def send(self, notice: Notice, config: NotifierConfig) -> dict[str, str]:
        """Runs the command and calls the webhook (at once); each way's error, if any."""
        link = notice.link(self.link_base(config))
        calls: dict[str, Any] = {}
        if config.command:
            calls["command"] = self._run(config.command, notices.event(notice, link))
        if config.webhook_url:
            request = notices.webhook(notice, link, config.webhook_format)
            calls["webhook"] = asyncio.to_thread(_post, config.webhook_url, request)
        results = await asyncio.gather(*calls.values())
        return {way: error for way, error in zip(calls, results, strict=True) if error}

    async def _run(self, command: str, event: dict[str, Any]) -> str | None:
        """Runs the command with the event's JSON on stdin; its error, if any."""
        try:
            process = await asyncio.create_subprocess_exec(
                "/bin/sh", "-c", command,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE, env=self._environment(), start_new_session=True,
            )  # fmt: skip
        except OSError as exc:
            return f"cannot run the command: {exc.strerror}"
        try:
            async with asyncio.timeout(TIMEOUT):
                stderr = await _talk(process, json.dumps(event).encode())
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
            return f"the command took longer than {TIMEOUT:g} s and was stopped"
        if process.returncode:
            said = stderr.decode("utf-8", "replace").strip()
            return f"the command exited with {process.returncode}" + (f": {said}" if said else "")
        return None

    def _environment(self) -> dict[str, str]:
        """The server's environment without the access token."""
        token = self._token
        return {
            name: value
            for name, value in os.environ.items()
            if name != access.ENV_TOKEN and not (token and token in value)
        }

    def status(self) -> dict[str, Any]:
        config = self.config
        return {"config": config.dump(), "problem": self.problem, "lastSentAt": self.last.at,
                "lastError": self.last.error, "defaultLinkBase": self._default_base}  # fmt: skip


async def _talk(process: asyncio.subprocess.Process, data: bytes) -> bytes:
    """Gives the process `data` on stdin (it may not read it) and waits for it to end; the end of
    what it wrote on stderr."""
    assert process.stdin is not None and process.stderr is not None
    # A command that exits without reading closes the pipe: uvloop says so with RuntimeError.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError, RuntimeError):
        process.stdin.write(data)
        await process.stdin.drain()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError, RuntimeError):
        process.stdin.close()
    kept = b""
    while chunk := await process.stderr.read(65536):
        kept = (kept + chunk)[-STDERR_KEPT:]
    await process.wait()
    return kept


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is an error to report, not a new address to follow."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post(url: str, request: notices.Request) -> str | None:
    """POSTs the request (in a worker thread); its error, if any. `url` is http(s) (notices)."""
    call = urllib.request.Request(url, request.body, request.headers, method="POST")  # noqa: S310
    try:
        with _OPENER.open(call, timeout=TIMEOUT) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        return f"the webhook answered {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"the webhook cannot be reached: {reason}"
    return None
