"""`/ws/session/{sessionId}/worker/{workerId}`: one worker's terminal — history, output, input."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from agent_console import protocol
from agent_console.errors import WorkerNotFound
from agent_console.hub import Outbox
from agent_console.web.sending import close, pump, receive_text
from agent_console.workers import LiveWorker

if TYPE_CHECKING:
    from agent_console.web.app import Console


def _input(console: Console, live: LiveWorker, message: protocol.Input) -> None:
    live.write(message.data)


def _resize(console: Console, live: LiveWorker, message: protocol.Resize) -> None:
    live.resize(message.cols, message.rows)


def _image(console: Console, live: LiveWorker, message: protocol.Image) -> None:
    data = protocol.decode_image(message, console.settings.limits.image_bytes)
    live.paste_image(console.settings.images_dir, data, protocol.IMAGE_TYPES[message.mime_type])


HANDLERS: dict[type[Any], Callable[[Console, LiveWorker, Any], None]] = {
    protocol.Input: _input,
    protocol.Resize: _resize,
    protocol.Image: _image,
}


def parse_offset(value: str | None) -> int | None:
    """The `?offset=` a reconnecting client sends; anything but a non-negative integer is None
    (the client then gets the full retained history, which is always safe)."""
    if value is None or not value.isdigit() or len(value) > 19:
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
    outbox = Outbox(console.settings.limits.client_queue_bytes)
    live.attach(outbox, parse_offset(websocket.query_params.get("offset")))
    sender = asyncio.create_task(pump(websocket, outbox))
    limits = console.settings.limits
    try:
        while (raw := await receive_text(websocket, limits.worker_message_bytes)) is not None:
            if outbox.closed:
                break
            try:
                message = protocol.parse_worker(raw)
                HANDLERS[type(message)](console, live, message)
            except protocol.ProtocolError as exc:
                outbox.put_text(protocol.error("INVALID_MESSAGE", str(exc)))
            except OSError as exc:
                outbox.put_text(
                    protocol.error("INVALID_MESSAGE", f"could not apply message: {exc.strerror}")
                )
    except WebSocketDisconnect:
        pass
    finally:
        live.detach(outbox)
        if not outbox.closed:
            outbox.close()
        with contextlib.suppress(Exception):
            await sender
