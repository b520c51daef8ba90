"""Messages queued for busy agents: kept in the store, shown on their worker (`queue`), editable
and cancellable while they wait, and delivered one at a time, in order, each the next time the
agent is idle.

A message is typed only into an idle agent — never into an open question, never while another
message or an answer is being typed, never within a quiet period of an Enter typed into it (the
agent may not show yet that it took that turn) — and leaves the queue as its typing starts (from then on it
can no longer be edited or cancelled). A marker line in the worker's history says what was
delivered. The next one waits for the agent's next idle; should the agent show no change at all
for SETTLE seconds after a delivery (a message it took without working), it is idle again for
that purpose. The queue outlives server restarts; after one, delivery resumes once the agent is
idle.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from agent_console.errors import Conflict, Error, InvalidRequest, NotFound
from agent_console.keystrokes import clean_text, dialect, message_keys
from agent_console.model import ActivityState, QueuedMessage, Worker
from agent_console.store import Store
from agent_console.workers import AgentWorker, LiveWorker

log = logging.getLogger(__name__)

MAX_QUEUED = 50
SETTLE = 5.0
MARKER_TEXT = 80  # characters of a delivered message quoted in its marker line


class MessageQueues:
    """Every agent worker's queue; `announce` tells clients the worker's queue changed."""

    def __init__(
        self, store: Store, announce: Callable[[LiveWorker], None], quiet_period: float
    ) -> None:
        self._store = store
        self._announce = announce
        self._quiet = quiet_period
        self._tasks: set[asyncio.Task[None]] = set()
        self._changes: dict[str, int] = {}  # activity changes seen, by worker

    def restore(self, workers: list[Worker]) -> None:
        """Puts the stored queues back on their workers (at start, before they are adopted)."""
        queues = self._store.load_queues()
        for worker in workers:
            worker.queue = queues.get(worker.id) or None

    # --- changes a client asks for ----------------------------------------------------------

    def add(self, live: LiveWorker, text: str) -> tuple[QueuedMessage, bool]:
        """Queues `text`; (the message, whether its delivery began at once: the agent is idle)."""
        agent = _agent(live)
        queue = agent.model.queue or []
        if len(queue) >= MAX_QUEUED:
            raise Conflict(f"this agent already has {MAX_QUEUED} messages waiting")
        message = QueuedMessage(text=clean_text(text))
        self._store.queue_message(agent.id, message)
        agent.model.queue = [*queue, message]
        delivered = self.deliver_if_idle(agent)
        if not delivered:
            self._announce(agent)
        return message, delivered

    def edit(self, live: LiveWorker, message_id: str, text: str) -> QueuedMessage:
        agent = _agent(live)
        old = _find(agent, message_id)
        message = old.model_copy(update={"text": clean_text(text)})
        self._store.update_queued(message)
        agent.model.queue = [message if m.id == message_id else m for m in agent.model.queue or []]
        self._announce(agent)
        return message

    def cancel(self, live: LiveWorker, message_id: str) -> None:
        agent = _agent(live)
        _find(agent, message_id)
        self._store.unqueue(message_id)
        agent.model.queue = [m for m in agent.model.queue or [] if m.id != message_id] or None
        self._announce(agent)

    # --- delivery ---------------------------------------------------------------------------

    def on_activity(self, live: LiveWorker) -> None:
        """The worker's activity changed."""
        self._changes[live.id] = self._changes.get(live.id, 0) + 1
        self.deliver_if_idle(live)

    def deliver_if_idle(self, live: LiveWorker) -> bool:
        """Starts typing the worker's next message if the agent is idle and nothing is being
        typed into it; whether it did. Called on every activity change."""
        if not isinstance(live, AgentWorker) or not live.model.queue:
            return False
        if live.activity is not ActivityState.IDLE or not live.running or live.typing:
            return False
        loop = asyncio.get_running_loop()
        settled_at = live.entered_at + self._quiet
        if loop.time() < settled_at:
            loop.call_at(settled_at, self.deliver_if_idle, live)
            return False
        message = live.model.queue[0]
        try:
            self._store.unqueue(message.id)
        except Error as exc:  # a full disk: it stays queued, and is tried at the next idle
            log.warning("cannot take a queued message off the queue: %s", exc.message)
            return False
        live.model.queue = live.model.queue[1:] or None
        live.typing = True  # from now: a second call in this same turn must not deliver too
        self._announce(live)
        task = loop.create_task(self._deliver(live, message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _deliver(self, live: AgentWorker, message: QueuedMessage) -> None:
        quoted = " ".join(message.text.split())
        if len(quoted) > MARKER_TEXT:
            quoted = quoted[: MARKER_TEXT - 1] + "…"
        live.note(f"queued message delivered: {quoted}")
        changes = self._changes.get(live.id, 0)
        try:
            await live.type_keys(message_keys(message.text, dialect(live.model.agent_id)))
        finally:
            live.typing = False
        await asyncio.sleep(SETTLE)
        if self._changes.get(live.id, 0) == changes:
            self.deliver_if_idle(live)

    def close(self) -> None:
        for task in self._tasks:
            task.cancel()


def _agent(live: LiveWorker) -> AgentWorker:
    if not isinstance(live, AgentWorker):
        raise InvalidRequest(f"only agent workers take queued messages (this is a {live.kind})")
    return live


def _find(live: AgentWorker, message_id: str) -> QueuedMessage:
    for message in live.model.queue or []:
        if message.id == message_id:
            return message
    raise NotFound(f"no queued message {message_id!r}: it was delivered or cancelled")
