"""A local HTTP receiver for webhook tests: it keeps every POST it gets."""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.harness import TIMEOUT


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps every POST (path, headers, body)."""

    def __init__(self) -> None:
        self.calls: queue.Queue[dict[str, Any]] = queue.Queue()
        received = self.calls

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.put({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self) -> dict[str, Any]:
        return self.calls.get(timeout=TIMEOUT * 2)

    def next_json(self) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(self.next()["body"])
        return body

    async def call(self) -> dict[str, Any]:
        """The next call, waited for without holding up the test's event loop."""
        return await asyncio.to_thread(self.next)

    async def event(self) -> dict[str, Any]:
        return await asyncio.to_thread(self.next_json)
