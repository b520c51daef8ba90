"""The browser client: built files from web/static, and index.html for every other page path."""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

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


# The pages that load a chunk of their own (the session page brings xterm.js), by path prefix:
# their HTML names it, so the browser fetches and compiles it while the app starts rather than
# once the app asks for it. Vite's manifest says which files a source became.
PAGE_CHUNKS = {"sessions/": "src/ui/SessionPage.tsx"}
MANIFEST = STATIC / ".vite" / "manifest.json"


def index(path: str = "") -> Response:
    page = STATIC / "index.html"
    if not page.is_file():
        return HTMLResponse(NOT_BUILT)
    links = next((_preloads(src) for pre, src in PAGE_CHUNKS.items() if path.startswith(pre)), "")
    if links == "":
        return FileResponse(page, headers={"Cache-Control": "no-cache"})
    html = page.read_text(encoding="utf-8").replace("</head>", f"{links}</head>", 1)
    return HTMLResponse(html, headers={"Cache-Control": "no-cache"})


def not_found_page() -> Response:
    return index()


def _preloads(source: str) -> str:
    """`<link>`s for the chunk `source` became and its CSS; none if the manifest lacks it."""
    chunk = _chunks().get(source)
    if not isinstance(chunk, dict) or not isinstance(chunk.get("file"), str):
        return ""
    links = [f'<link rel="modulepreload" crossorigin href="/{escape(chunk["file"])}">']
    links += [f'<link rel="stylesheet" crossorigin href="/{escape(css)}">'
              for css in chunk.get("css", []) if isinstance(css, str)]  # fmt: skip
    return "".join(links)


def _chunks() -> dict[str, Any]:
    """Vite's manifest (source → built files), read again when a build replaced it."""
    try:
        return _manifest(MANIFEST.stat().st_mtime_ns)
    except OSError:
        return {}


@lru_cache(maxsize=1)
def _manifest(mtime_ns: int) -> dict[str, Any]:  # the time is the cache key
    try:
        found = json.loads(MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


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
        return index(path)
