"""notices.py: which activity changes are worth a notice, the rate limit, and the bodies."""

from __future__ import annotations

import base64
import json

from agent_console.model import ActivityState
from agent_console.notices import (
    PER_WORKER,
    TOTAL,
    TOTAL_REFILL,
    WORKER_REFILL,
    Changes,
    Notice,
    RateLimit,
    event,
    webhook,
)

ACTIVE, IDLE, ASKING, UNKNOWN = (ActivityState.ACTIVE, ActivityState.IDLE, ActivityState.ASKING,
                                 ActivityState.UNKNOWN)  # fmt: skip
NOTICE = Notice("asking", "s 1", "w/1", "Claude Code", "my project", "2026-01-01T00:00:00.000Z",
                "Do you want to proceed?")  # fmt: skip


def test_the_first_state_seen_is_no_change() -> None:
    """A worker first seen asking (a server that just adopted it) is not news."""
    changes = Changes()
    assert changes.seen("w", ASKING, "Proceed?") is None
    assert changes.seen("w", ASKING, "Proceed?") is None


def test_asking_once_per_question_and_finished_once_per_turn() -> None:
    """Asking notifies on entering it and on another question, finished on working → idle only."""
    changes = Changes()
    seen = [changes.seen("w", state, question) for state, question in [
        (UNKNOWN, None), (ASKING, "Trust?"), (ASKING, "Trust?"), (ASKING, "Run ls?"),
        (ACTIVE, None), (IDLE, None), (IDLE, None), (ACTIVE, None), (ASKING, None),
        (IDLE, None), (UNKNOWN, None), (IDLE, None),
    ]]  # fmt: skip
    assert seen == [None, "asking", None, "asking", None, "finished", None, None, "asking",
                    None, None, None]  # fmt: skip


def test_rate_limit_per_worker_and_in_total() -> None:
    """A worker gets PER_WORKER notices in a burst, then one per WORKER_REFILL s; all workers
    together TOTAL; dropped ones are counted once."""
    limit = RateLimit()
    assert [limit.allow("a", 0.0) for _ in range(PER_WORKER + 1)] == [True] * PER_WORKER + [False]
    assert not limit.allow("a", WORKER_REFILL / 2)
    assert limit.allow("a", WORKER_REFILL)
    assert limit.take_dropped() == 2 and limit.take_dropped() == 0
    fresh = RateLimit()
    assert [fresh.allow(f"w{i}", 0.0) for i in range(TOTAL + 2)].count(True) == TOTAL
    assert fresh.allow("another", TOTAL_REFILL)


def test_json_body_links_the_worker_page_without_a_token() -> None:
    """The event JSON names the worker and its question, with the plain URL of its page."""
    body = event(NOTICE, NOTICE.link("http://127.0.0.1:3457/"))
    assert body["url"] == "http://127.0.0.1:3457/sessions/s%201/workers/w%2F1"
    assert body["event"] == "asking" and body["question"] == "Do you want to proceed?"
    assert body["title"] == "Claude Code is asking"
    assert json.loads(webhook(NOTICE, body["url"], "json").body) == body


def test_ntfy_puts_title_and_link_in_headers() -> None:
    """ntfy: the message is the body; title (RFC 2047 when not ASCII), click link and tags are
    headers."""
    request = webhook(NOTICE, "http://x/sessions/s/workers/w", "ntfy")
    assert request.body.decode().startswith("Do you want to proceed?\nin my project")
    assert request.headers["Title"] == "Claude Code is asking"
    assert request.headers["Click"] == "http://x/sessions/s/workers/w"
    assert request.headers["Tags"] == "question" and request.headers["Priority"] == "high"
    accented = Notice("finished", "s", "w", "Agent é", "t", NOTICE.at)
    title = webhook(accented, "http://x", "ntfy").headers["Title"]
    assert title.startswith("=?UTF-8?B?")
    assert base64.b64decode(title[10:-2]).decode() == "Agent é has finished"


def test_slack_text_escapes_and_links() -> None:
    """Slack: one `text`, with its control characters escaped and a link to open the worker."""
    tricky = Notice("asking", "s", "w", "a<b>", "t", NOTICE.at, "rm -rf & <go>?")
    text = json.loads(webhook(tricky, "http://x/w", "slack").body)["text"]
    assert (
        text
        == "*a&lt;b&gt; is asking*\nrm -rf &amp; &lt;go&gt;?\nin t\n<http://x/w|Open the worker>"
    )
