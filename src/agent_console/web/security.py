"""The security guard: one pure ASGI middleware in front of every HTTP request *and* WebSocket
handshake (Starlette's HTTP middleware never sees WebSockets). It applies the Policy (see
policy.py for the checks and their order): a refusal is answered before the app runs, so a refused
handshake spawns nothing and is an HTTP status the client sees. It bounds /api bodies, and gives
every HTTP response nosniff, no-referrer and a CSP with frame-ancestors 'none'.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_console.config import Settings
from agent_console.web.policy import (
    MAX_BODY,
    Allow,
    Decision,
    Facts,
    Policy,
    Redirect,
    Refuse,
    is_json,
    json_problem,
)

# --- the ASGI middleware -----------------------------------------------------------------------


DECIMAL = re.compile(r"[0-9]{1,15}")
TOO_LARGE = Refuse(413, "TOO_LARGE", f"request body larger than {MAX_BODY} bytes")


class SecurityGuard:
    """Applies the Policy to every HTTP request and WebSocket handshake; see the module doc."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.policy = Policy(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        facts = Facts.of(scope, self.policy.cookie_name)
        decision = self.policy.decide(facts)
        if scope["type"] == "websocket":
            if isinstance(decision, Allow):
                await self.app(scope, receive, send)
            else:
                await deny_handshake(scope, send, _as_refusal(decision))
            return
        send = with_headers(send, self.policy.headers(facts))
        if isinstance(decision, Refuse):
            await respond(send, decision)
        elif isinstance(decision, Redirect):
            await respond(send, None, 302, [("location", decision.location),
                                            ("set-cookie", decision.cookie)])  # fmt: skip
        elif decision.bounded_body:
            await self._with_bounded_body(scope, receive, send, facts)
        else:
            await self.app(scope, receive, send)

    async def _with_bounded_body(
        self, scope: Scope, receive: Receive, send: Send, facts: Facts
    ) -> None:
        length = Headers(scope=scope).get("content-length", "0")
        if not DECIMAL.fullmatch(length) or int(length) > MAX_BODY:
            await respond(send, TOO_LARGE)
            return
        try:
            body = await read_body(receive, MAX_BODY)
        except Disconnected:
            return
        if body is None:
            await respond(send, TOO_LARGE)
            return
        problem = json_problem(body) if body and is_json(facts) else None
        if problem:
            await respond(send, Refuse(400, "INVALID_REQUEST", problem))
            return
        await self.app(scope, replay(body, receive), send)


def _as_refusal(decision: Decision) -> Refuse:
    if isinstance(decision, Refuse):
        return decision
    return Refuse(403, "FORBIDDEN", "not a WebSocket endpoint")


class Disconnected(Exception):
    """The client went away while sending its body."""


async def read_body(receive: Receive, cap: int) -> bytes | None:
    """The whole request body, or None once it passes `cap` (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
        more = bool(message.get("more_body", False))
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


def with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    names = {k for k, _ in extra}

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
            message = {**message, "headers": kept + extra}
        await send(message)

    return sending


async def respond(
    send: Send, refusal: Refuse | None, status: int = 0, headers: Sequence[tuple[str, str]] = ()
) -> None:
    """A refusal as JSON ({"error","code"}) or, for a page, as a short HTML text; or a bare
    response with `status` and `headers`."""
    body, kind = b"", "text/plain; charset=utf-8"
    if refusal is not None:
        status = refusal.status
        body, kind = _refusal_body(refusal)
    pairs = [("content-type", kind), ("content-length", str(len(body))),
             ("cache-control", "no-store"), *headers]  # fmt: skip
    start = [(k.encode(), v.encode("latin-1")) for k, v in pairs]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body})


def _refusal_body(refusal: Refuse) -> tuple[bytes, str]:
    if refusal.page:
        text = refusal.message.replace("&", "&amp;").replace("<", "&lt;")
        html = f'<!doctype html><meta charset="utf-8"><title>Agent Console</title><p>{text}</p>'
        return html.encode(), "text/html; charset=utf-8"
    payload = {"error": refusal.message, "code": refusal.code}
    return json.dumps(payload).encode(), "application/json"


async def deny_handshake(scope: Scope, send: Send, refusal: Refuse) -> None:
    """Refuses a WebSocket handshake with an HTTP status a client can see; servers without the
    denial-response extension turn a close before accept into a bare 403."""
    if "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": 1008})
        return
    body, kind = _refusal_body(refusal)
    headers = [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "websocket.http.response.start", "status": refusal.status,
                "headers": headers})  # fmt: skip
    await send({"type": "websocket.http.response.body", "body": body})
