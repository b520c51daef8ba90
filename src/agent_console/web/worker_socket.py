"""`/ws/session/{sessionId}/worker/{workerId}`: one worker's terminal — history, output, input."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from agent_console import protocol
from agent_console.errors import WorkerNotFound
from agent_console.hub import Outbox
from agent_console.web.sending import close, pump, receive_text
from agent_console.workers import LiveWorker, PtyWorker

if TYPE_CHECKING:
    from agent_console.web.app import Console

log = logging.getLogger(__name__)


def _pty(live: LiveWorker) -> PtyWorker:
    if not isinstance(live, PtyWorker):
        raise protocol.ProtocolError(f"a {live.kind} worker has no terminal")
    return live


def _input(console: Console, live: LiveWorker, message: protocol.Input, by: Outbox) -> None:
    _pty(live).write(message.data, by)


def _resize(console: Console, live: LiveWorker, message: protocol.Resize, by: Outbox) -> None:
    _pty(live).resize(message.cols, message.rows)


def _image(console: Console, live: LiveWorker, message: protocol.Image, by: Outbox) -> None:
    pty = _pty(live)
    data = protocol.decode_image(message, console.settings.limits.image_bytes)
    if not pty.running:
        raise protocol.ProtocolError("the worker's process has exited; restart it to paste images")
    pty.paste_image(console.settings.images_dir, data, protocol.IMAGE_TYPES[message.mime_type])


def _pause(console: Console, live: LiveWorker, message: Any, by: Outbox) -> None:
    by.pause(isinstance(message, protocol.Pause))
    if isinstance(live, PtyWorker):
        live.progressed(by)  # flow control judges without (or with) it again


# Each handler applies one message from the client whose outbox is `by`.
HANDLERS: dict[type[Any], Callable[[Console, LiveWorker, Any, Outbox], None]] = {
    protocol.Input: _input,
    protocol.Resize: _resize,
    protocol.Image: _image,
    protocol.Pause: _pause,
    protocol.Resume: _pause,
}


def parse_offset(value: str | None) -> int | None:
    """The `?offset=` a reconnecting client sends; anything but a non-negative integer is None
    (the client then gets the full retained history, which is always safe)."""
    if value is None or not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    return int(value)


async def endpoint(websocket: WebSocket, session_id: str, worker_id: str) -> None:
    console: Console = websocket.app.state.console
    await websocket.accept()
    try:
        live = console.sessions.live(session_id, worker_id)
    except WorkerNotFound as exc:
        await websocket.send_text(protocol.error(exc.code, exc.message))
        await close(websocket, protocol.Close.NOT_FOUND, "worker not found")
        return
    source = live if isinstance(live, PtyWorker) else None
    outbox = Outbox(console.settings.limits.client_queue_bytes, source)
    query = websocket.query_params
    live.attach(outbox, parse_offset(query.get("offset")), parse_offset(query.get("tail")))
    sender = asyncio.create_task(pump(websocket, outbox))
    limits = console.settings.limits
    try:
        while (raw := await receive_text(websocket, limits.worker_message_bytes)) is not None:
            if outbox.closed:
                break
            try:
                message = protocol.parse_worker(raw)
                HANDLERS[type(message)](console, live, message, outbox)
            except protocol.ProtocolError as exc:
                outbox.put_text(protocol.error("INVALID_MESSAGE", str(exc)))
    except WebSocketDisconnect:
        pass
    except Exception:
        # A bug, not the client's mistake: log it and close with 1011 — never 1000, which would
        # tell the client its worker was deleted.
        log.exception("worker socket %s/%s failed", session_id, worker_id)
        outbox.close(protocol.Close.INTERNAL)
    finally:
        live.detach(outbox)
        if not outbox.closed:
            outbox.close()
        with contextlib.suppress(Exception):
            await sender
