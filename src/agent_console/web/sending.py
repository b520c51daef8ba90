"""What both sockets share: the per-client sender task, and receiving with a size cap."""

from __future__ import annotations

import contextlib

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from agent_console import protocol
from agent_console.hub import Outbox


async def pump(websocket: WebSocket, outbox: Outbox) -> None:
    """Sends the outbox's frames until it closes; a client that fell behind is closed (1013)."""
    try:
        while (texts := await outbox.take()) is not None:
            for text in texts:
                await websocket.send_text(text)
    except (WebSocketDisconnect, RuntimeError, OSError):
        return
    code = protocol.Close.TRY_AGAIN if outbox.overflowed else outbox.close_code
    reason = "client too slow; reconnect" if outbox.overflowed else outbox.close_reason
    await close(websocket, code, reason)


async def close(websocket: WebSocket, code: int, reason: str = "") -> None:
    if websocket.application_state == WebSocketState.CONNECTED:
        with contextlib.suppress(Exception):
            await websocket.close(code, reason)


async def receive_text(websocket: WebSocket, cap: int) -> str | None:
    """The next message as text; None once the client has gone or was closed for size (1009)."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        return None
    raw = message.get("text")
    if raw is None:
        data = message.get("bytes") or b""
        raw = data.decode("utf-8", "replace")
    if len(raw) * 4 > cap and len(raw.encode("utf-8", "surrogatepass")) > cap:
        await close(websocket, protocol.Close.TOO_BIG, f"message larger than {cap} bytes")
        return None
    return str(raw)
