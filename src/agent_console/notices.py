"""What the notifier sends, and when (pure): the configuration, the changes worth a notice, the
rate limit, and the bodies for a command and for ntfy, Slack and plain JSON webhooks.

- A notice is due once per real change: an agent starts asking (or asks another question), or
  its turn ends (working → idle: "finished"). The first state seen of a worker (a server that
  just started adopting it) is no change.
- Rate limit: token buckets, per worker (PER_WORKER notices, then one every WORKER_REFILL s) and
  for the whole server (TOTAL, then one every TOTAL_REFILL s). A notice over the limit is dropped
  and counted; the next one sent says how many were.
- A notice names the worker, its session, the question (when asking) and the plain URL of the
  worker's page — never the access token.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlsplit

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from agent_console.model import ActivityState, Wire

NoticeKind = Literal["asking", "finished"]
WebhookFormat = Literal["json", "ntfy", "slack"]
KINDS: tuple[NoticeKind, ...] = ("asking", "finished")

PER_WORKER, WORKER_REFILL = 5, 10.0
TOTAL, TOTAL_REFILL = 20, 3.0
MAX_QUESTION = 300


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not hold a user name or password")
    return value


Url = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_http_url)] | None


class NotifierConfig(Wire):
    """The notifier's settings (`notifications.json` in the data directory)."""

    model_config = ConfigDict(extra="forbid")

    command: Annotated[str, StringConstraints(max_length=2000)] | None = None
    webhook_url: Url = None
    webhook_format: WebhookFormat = "json"
    events: list[NoticeKind] = Field(default_factory=lambda: list(KINDS))
    link_base: Url = None  # how links start (e.g. the address a phone reaches this server at)

    @property
    def enabled(self) -> bool:
        return bool(self.command or self.webhook_url) and bool(self.events)


@dataclass(frozen=True)
class Notice:
    """One notification: what changed, for which worker, and where to open it."""

    kind: NoticeKind | Literal["test"]
    session_id: str
    worker_id: str
    worker_name: str
    session_title: str
    at: str  # ISO-8601
    question: str | None = None
    suppressed: int = 0  # notices dropped by the rate limit since the last one sent

    @property
    def title(self) -> str:
        verb = {"asking": "is asking", "finished": "has finished", "test": "test notification"}
        return f"{self.worker_name} {verb[self.kind]}"

    @property
    def message(self) -> str:
        lines = [self.question or f"in {self.session_title}"]
        if self.question:
            lines.append(f"in {self.session_title}")
        if self.suppressed:
            lines.append(f"({self.suppressed} more notifications were not sent: rate limit)")
        return "\n".join(lines)

    def link(self, base: str) -> str:
        """The plain URL of the worker's page (no token: the browser's cookie signs it in)."""
        session, worker = quote(self.session_id, safe=""), quote(self.worker_id, safe="")
        return f"{base.rstrip('/')}/sessions/{session}/workers/{worker}"


def question_text(text: str | None) -> str | None:
    if not text:
        return None
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUESTION else text[: MAX_QUESTION - 1] + "…"


# -- when -----------------------------------------------------------------------------------------


@dataclass
class Changes:
    """Which activity changes are real changes worth a notice (see the module doc)."""

    _last: dict[str, tuple[ActivityState, str | None]] = field(default_factory=dict)

    def seen(self, worker_id: str, state: ActivityState, question: str | None) -> NoticeKind | None:
        """The worker is now in `state` (asking `question`, when it is known: its id)."""
        before = self._last.get(worker_id)
        self._last[worker_id] = (state, question)
        if before is None:
            return None
        old_state, old_question = before
        if state is ActivityState.ASKING:
            if old_state is not ActivityState.ASKING or (question and question != old_question):
                return "asking"
            return None
        if old_state is ActivityState.ACTIVE and state is ActivityState.IDLE:
            return "finished"
        return None

    def forget(self, worker_id: str) -> None:
        self._last.pop(worker_id, None)


@dataclass
class _Bucket:
    size: int
    refill: float  # seconds per token
    tokens: float = -1.0  # -1: never used (full)
    at: float = 0.0

    def ready(self, now: float) -> bool:
        """Refills for the time passed; whether a token is there."""
        gained = (now - self.at) / self.refill
        self.tokens = self.size if self.tokens < 0 else min(self.size, self.tokens + gained)
        self.at = now
        return self.tokens >= 1


@dataclass
class RateLimit:
    """At most PER_WORKER notices per worker and TOTAL in all in a burst (module doc)."""

    _workers: dict[str, _Bucket] = field(default_factory=dict)
    _total: _Bucket = field(default_factory=lambda: _Bucket(TOTAL, TOTAL_REFILL))
    _dropped: int = 0

    def allow(self, worker_id: str, now: float) -> bool:
        worker = self._workers.setdefault(worker_id, _Bucket(PER_WORKER, WORKER_REFILL))
        if worker.ready(now) and self._total.ready(now):
            worker.tokens -= 1
            self._total.tokens -= 1
            return True
        self._dropped += 1
        return False

    def take_dropped(self) -> int:
        """How many were dropped since the last call."""
        dropped, self._dropped = self._dropped, 0
        return dropped


# -- bodies -----------------------------------------------------------------------------------------


def event(notice: Notice, link: str) -> dict[str, Any]:
    """The notice as JSON: a command's stdin, and the body of a "json" webhook."""
    return {
        "event": notice.kind,
        "title": notice.title,
        "message": notice.message,
        "url": link,
        "sessionId": notice.session_id,
        "workerId": notice.worker_id,
        "workerName": notice.worker_name,
        "sessionTitle": notice.session_title,
        "question": notice.question,
        "suppressed": notice.suppressed,
        "at": notice.at,
    }


@dataclass(frozen=True)
class Request:
    """An HTTP POST to make."""

    body: bytes
    headers: dict[str, str]


def webhook(notice: Notice, link: str, form: WebhookFormat) -> Request:
    """The webhook call in the chosen format: ntfy (the message as the body, title and link in
    its headers), Slack (an incoming webhook's `text`) or the event JSON."""
    if form == "ntfy":
        tags = {"asking": "question", "finished": "white_check_mark", "test": "bell"}
        headers = {"Title": _header(notice.title), "Click": link, "Tags": tags[notice.kind],
                   "Content-Type": "text/plain; charset=utf-8"}  # fmt: skip
        if notice.kind == "asking":
            headers["Priority"] = "high"
        return Request(notice.message.encode(), headers)
    if form == "slack":
        text = f"*{_slack(notice.title)}*\n{_slack(notice.message)}\n<{link}|Open the worker>"
        return Request(json.dumps({"text": text}).encode(), {"Content-Type": "application/json"})
    body = json.dumps(event(notice, link)).encode()
    return Request(body, {"Content-Type": "application/json"})


def _header(text: str) -> str:
    """A header value: ASCII as it is, else RFC 2047 encoded (ntfy decodes it)."""
    if text.isascii() and text.isprintable():
        return text
    return "=?UTF-8?B?" + base64.b64encode(text.encode()).decode() + "?="


def _slack(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
