"""The browser client: built files from web/static, and index.html for every other page path."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

STATIC = Path(__file__).parent / "static"

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Agent Console</title>
<body style="font:16px system-ui;margin:3rem;background:#111;color:#ddd">
<h1>Agent Console</h1><p>The browser client has not been built. Run <code>make run</code>
(it builds <code>web/</code> with npm), or use the REST API under <code>/api</code>.</p>"""


def _file(path: str) -> Path | None:
    """The static file a URL path names, never anything outside the static folder."""
    root = STATIC.resolve()
    candidate = (root / path.lstrip("/")).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


def index() -> Response:
    page = STATIC / "index.html"
    if page.is_file():
        return FileResponse(page, headers={"Cache-Control": "no-cache"})
    return HTMLResponse(NOT_BUILT)


def not_found_page() -> Response:
    return index()


def install(app: FastAPI) -> None:
    @app.get("/{path:path}", include_in_schema=False)
    async def page(request: Request, path: str) -> Response:
        if path.startswith(("api/", "ws/")) or path in ("api", "ws"):
            return Response(status_code=404)
        found = _file(path) if path else None
        if found is not None:
            immutable = path.startswith("assets/")
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(found, headers={"Cache-Control": cache})
        return index()
