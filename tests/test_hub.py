"""hub.py: bounded outboxes, merged output backlogs, and synchronous publish."""

from __future__ import annotations

import json

from agent_console import protocol
from agent_console.hub import Frame, Hub, Outbox, merge_outputs


def out(data: str, offset: int) -> Frame:
    return Frame(protocol.output(data, offset), data, offset)


def test_consecutive_outputs_are_merged_in_order() -> None:
    """A backlog of output frames becomes one frame; other frames keep their place."""
    texts = merge_outputs([out("a", 1), out("bc", 3), Frame('{"type":"exit"}'), out("d", 4)])
    assert [json.loads(t) for t in texts] == [
        {"type": "output", "data": "abc", "offset": 3},
        {"type": "exit"},
        {"type": "output", "data": "d", "offset": 4},
    ]


async def test_outbox_overflow_marks_it_for_closing() -> None:
    """A client that falls more than the limit behind is dropped, not buffered without bound."""
    box = Outbox(limit=100)
    box.put(out("x" * 30, 30))
    box.put(out("y" * 80, 110))
    assert box.overflowed and box.queued_bytes == 0
    assert await box.take() is None


async def test_forced_frames_pass_the_limit() -> None:
    """History (forced) is queued even when larger than the limit; then frames flow as usual."""
    box = Outbox(limit=10)
    box.put(Frame("h" * 50), force=True)
    assert await box.take() == ["h" * 50]
    box.close(protocol.Close.SERVICE_RESTART)
    assert await box.take() is None and box.close_code == protocol.Close.SERVICE_RESTART


def test_publish_reaches_subscribers_until_unsubscribed() -> None:
    """publish() calls every subscriber synchronously; unsubscribe stops delivery."""
    hub: Hub[int] = Hub()
    seen: list[int] = []
    stop = hub.subscribe(seen.append)
    hub.publish(1)
    stop()
    hub.publish(2)
    assert seen == [1]


def test_merged_outputs_stay_within_a_bound() -> None:
    """A long backlog is merged into frames of at most MERGE_MAX characters, in order."""
    from agent_console.hub import MERGE_MAX

    piece = "y" * (MERGE_MAX // 3 + 1)
    frames = [out(piece, (i + 1) * len(piece)) for i in range(9)]
    texts = merge_outputs(frames)
    messages = [json.loads(t) for t in texts]
    assert all(len(m["data"]) <= MERGE_MAX for m in messages) and len(messages) > 1
    assert "".join(m["data"] for m in messages) == piece * 9
    assert messages[-1]["offset"] == 9 * len(piece)
