"""Runs the app under uvicorn on a socket bound before start (so port 0 works and the URL
printed is the real one), with the websockets backend's size caps and pings."""

from __future__ import annotations

import copy
import socket
from collections.abc import Callable
from types import FrameType
from typing import Any

import uvicorn
from uvicorn._types import ASGISendEvent
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from agent_console import access
from agent_console.config import Settings
from agent_console.store import Store
from agent_console.web.app import create_app
from agent_console.web.connections import ConnectionGate, default_cap, guarded_http


class _Server(uvicorn.Server):
    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # uvicorn re-raises a captured signal after shutdown (exit 130/143); a clean shutdown
        # on SIGINT/SIGTERM is a success, so only the flags are set.
        if self.should_exit and sig == 2:
            self.force_exit = True
        self.should_exit = True


class _WebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets (sans-I/O) protocol, counting a denial response (a handshake the
    security guard refused with 401 or 403) as a completed handshake, as uvicorn's wsproto
    protocol does. Without this, the app returning after a refusal is taken for an app that
    never answered, and each refusal logs `ERROR: ASGI callable returned without completing
    handshake` (Kludex/uvicorn#3138)."""

    async def send(self, message: ASGISendEvent) -> None:
        await super().send(message)
        if message["type"] == "websocket.http.response.body" and not message.get("more_body"):
            self.handshake_complete = True


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(128)
    sock.set_inheritable(False)
    return sock


def config(
    settings: Settings, on_ready: Callable[[], None] | None = None, store: Store | None = None
) -> uvicorn.Config:
    limits = settings.limits
    return uvicorn.Config(
        create_app(settings, on_ready, store),
        loop="uvloop",
        # httptools, with a deadline for requests to arrive and a cap on idle connections
        http=guarded_http(
            ConnectionGate(limits.max_connections or default_cap()), limits.request_timeout
        ),
        ws=_WebSocketProtocol,  # the websockets library, sans-I/O: size caps, pings, flow control
        ws_max_size=max(limits.worker_message_bytes, limits.app_message_bytes),
        ws_ping_interval=limits.ping_interval,
        ws_ping_timeout=limits.ping_timeout,
        ws_per_message_deflate=False,
        lifespan="on",
        timeout_graceful_shutdown=3,
        log_level=settings.log_level,
        log_config=log_config(settings),
        server_header=False,
    )


def log_config(settings: Settings) -> dict[str, Any]:
    """uvicorn's logging at the chosen level (at the default, warning, there is no access log:
    the URL stays in sight), with every handler scrubbing the token (its access and WebSocket
    lines print query strings) and the access log on stderr beside the rest (stdout carries the
    URL)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    secrets = [settings.token, access.cookie_value(settings.token)] if settings.token else []
    config["filters"] = {"redact": {"()": access.RedactSecrets, "secrets": secrets}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact"]
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    config["root"] = {"handlers": ["default"], "level": settings.log_level.upper()}
    return config


def serve(
    settings: Settings,
    sock: socket.socket,
    on_ready: Callable[[], None] | None = None,
    store: Store | None = None,
) -> None:
    server = _Server(config(settings, on_ready, store))
    server.run(sockets=[sock])
