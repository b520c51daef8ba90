"""`/ws/app`: the app-wide state socket — sessions-sync first, then every change, to every client."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from starlette.websockets import WebSocket, WebSocketDisconnect

from agent_console import protocol
from agent_console.events import (
    AppEvent,
    SessionCreated,
    SessionDeleted,
    SessionUpdated,
    WorkerActivity,
    WorkerPreviewed,
)
from agent_console.hub import Frame, Outbox
from agent_console.sessions import Sessions
from agent_console.web.sending import pump, receive_text

if TYPE_CHECKING:
    from agent_console.web.app import Console


def event_message(event: AppEvent) -> str:
    match event:
        case SessionCreated(session):
            return protocol.session_event("session-created", session.listed())
        case SessionUpdated(session):
            return protocol.session_event("session-updated", session.listed())
        case SessionDeleted(session_id):
            return protocol.session_deleted(session_id)
        case WorkerActivity(session_id, worker_id, state, attention, since, changed_at, reason,
                            question):  # fmt: skip
            fields = {"attention": attention, "attentionSince": since, "stateChangedAt": changed_at,
                      "reason": reason, "question": question}  # fmt: skip
            return protocol.worker_activity(session_id, worker_id, state.value, fields)
        case WorkerPreviewed(preview):
            return protocol.worker_preview(preview.dump())


class AppClients:
    """Every connected app socket's outbox; each event is encoded once and queued to all."""

    def __init__(self, sessions: Sessions, queue_limit: int) -> None:
        self._sessions = sessions
        self._limit = queue_limit
        self._clients: set[Outbox] = set()

    def sync_message(self) -> str:
        return protocol.sessions_sync(
            [s.listed() for s in self._sessions.all()],
            [a.dump() for a in self._sessions.activity_states()],
            [p.dump() for p in self._sessions.previews.current()],
        )

    def send_sync(self, outbox: Outbox) -> None:
        """Queues a sessions-sync whatever its size (the live cap is for changes, not for the
        state itself); it supersedes everything still queued, so a client that keeps asking
        holds at most one sync plus the changes since."""
        outbox.snapshot(Frame(self.sync_message()))

    def join(self) -> Outbox:
        outbox = Outbox(self._limit)
        self.send_sync(outbox)
        self._clients.add(outbox)
        return outbox

    def leave(self, outbox: Outbox) -> None:
        self._clients.discard(outbox)
        outbox.close()

    def on_event(self, event: AppEvent) -> None:
        text = event_message(event)
        for outbox in self._clients:
            outbox.put_text(text)

    def close_all(self) -> None:
        for outbox in self._clients:
            outbox.close(protocol.Close.SERVICE_RESTART)

    @property
    def count(self) -> int:
        return len(self._clients)


async def endpoint(websocket: WebSocket) -> None:
    console: Console = websocket.app.state.console
    clients = console.app_clients
    await websocket.accept()
    outbox = clients.join()
    sender = asyncio.create_task(pump(websocket, outbox))
    try:
        while (
            raw := await receive_text(websocket, console.settings.limits.app_message_bytes)
        ) is not None:
            try:
                protocol.parse_app(raw)
            except protocol.ProtocolError as exc:
                outbox.put_text(protocol.error("INVALID_MESSAGE", str(exc)))
                continue
            clients.send_sync(outbox)
    except WebSocketDisconnect:
        pass
    finally:
        clients.leave(outbox)
        with contextlib.suppress(Exception):
            await sender
