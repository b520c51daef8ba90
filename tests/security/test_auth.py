"""Token authentication against a real server: every route of the app — enumerated from its own
route table, so a new route cannot be forgotten — without, with a wrong, and with a truncated
token; the login link, its cookie and its redirect."""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import SimpleCookie

import httpx
import pytest

from agent_console import access
from tests.harness import TOKEN, Server
from tests.security.conftest import concrete, refused_handshake, routes

SPA_PAGE = "/{path:path}"
PUBLIC = {("GET", "/api/health")}
WRONG_TOKENS = {
    "wrong": "w" * len(TOKEN),
    "truncated by one": TOKEN[:-1],
    "truncated to half": TOKEN[: len(TOKEN) // 2],
    "extended": TOKEN + "0",
    "other case": TOKEN.upper(),
    "empty": "",
}


def http_routes() -> Iterator[tuple[str, str]]:
    for route in routes():
        if not route.websocket and route.path.startswith("/api"):
            for method in sorted(route.methods):
                yield method, route.path


def socket_paths() -> list[str]:
    return [r.path for r in routes() if r.websocket]


def protected() -> list[tuple[str, str]]:
    return [(m, p) for m, p in http_routes() if (m, p) not in PUBLIC]


def assert_unauthorized(response: httpx.Response, what: str) -> None:
    assert response.status_code == 401, (what, response.status_code, response.text)
    if response.request.method != "HEAD":
        body = response.json()
        assert body["code"] == "UNAUTHORIZED" and body["error"], what
        assert TOKEN not in response.text


def test_every_route_is_under_api_a_socket_or_the_page() -> None:
    """Nothing is routed outside /api, the two sockets and the SPA page (whose files are public),
    so every route is covered by the checks below; a new kind of route fails here first."""
    for route in routes():
        ok = route.path.startswith("/api") or route.websocket or route.path == SPA_PAGE
        assert ok, f"route {route.path} is neither /api, a socket nor the page: decide its auth"
    assert len(protected()) >= 15 and len(socket_paths()) == 2


def test_every_api_route_refuses_a_missing_or_wrong_token(shared: Server) -> None:
    """Every /api route and method but GET/HEAD /api/health answers 401 without the exact token —
    by header, by query parameter or by a forged cookie — and nothing is created."""
    name = access.cookie_name(shared.port)
    forged_cookies = {"raw token": TOKEN, "cookie of a truncated token":
                      access.cookie_value(TOKEN[:-1])}  # fmt: skip
    with shared.http(token=None) as client:
        for method, template in protected():
            path = concrete(template)
            body: dict[str, str] | None = {} if method in ("POST", "PUT", "PATCH") else None
            assert_unauthorized(client.request(method, path, json=body), f"{method} {path}")
            for label, wrong in WRONG_TOKENS.items():
                headers = {"Authorization": f"Bearer {wrong}".strip()}
                what = f"{method} {path} bearer {label}"
                assert_unauthorized(client.request(method, path, headers=headers, json=body), what)
                url = f"{path}?token={wrong}"
                assert_unauthorized(client.request(method, url, json=body), f"{what} in query")
            for label, value in forged_cookies.items():
                headers = {"Cookie": f"{name}={value}"}
                response = client.request(method, path, headers=headers, json=body)
                assert_unauthorized(response, f"{method} {path} {label} cookie")
    with shared.http() as api:
        assert api.get("/api/sessions").json() == {"sessions": []}
        assert all(a["isBuiltIn"] for a in api.get("/api/agents").json()["agents"])


def test_every_api_route_accepts_the_token(shared: Server) -> None:
    """With the token, no read-only route is refused (by header or by query parameter)."""
    with shared.http() as api, shared.http(token=None) as anonymous:
        for method, template in http_routes():
            if method != "GET":
                continue
            path = concrete(template)
            assert api.get(path).status_code not in (401, 403), path
            assert anonymous.get(f"{path}?token={TOKEN}").status_code not in (401, 403), path


def test_health_needs_no_token_and_says_nothing(shared: Server) -> None:
    """GET /api/health is open and reveals only that the server is up."""
    with shared.http(token=None) as client:
        response = client.get("/api/health")
        assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_both_sockets_refuse_a_missing_or_wrong_token(shared: Server) -> None:
    """Both WebSocket handshakes are refused with HTTP 401 without the exact token."""
    for template in socket_paths():
        path = concrete(template)
        status, body = await refused_handshake(shared, path, token=None)
        assert status == 401 and b"UNAUTHORIZED" in body, path
        for label, wrong in WRONG_TOKENS.items():
            if wrong:
                status, _ = await refused_handshake(shared, path, token=wrong)
                assert status == 401, (path, label)
                status, _ = await refused_handshake(shared, f"{path}?token={wrong}", token=None)
                assert status == 401, (path, label, "query")


async def test_sockets_accept_the_token_in_the_query(shared: Server) -> None:
    """A client that cannot set headers may put the token in the socket URL."""
    async with shared.ws(f"/ws/app?token={TOKEN}", token=None) as ws:
        assert '"sessions-sync"' in str(await ws.recv())


def test_login_link_sets_a_cookie_that_is_no_copy_of_the_token(shared: Server) -> None:
    """GET /?token= answers 302 to / with an HttpOnly, SameSite=Strict, Path=/ cookie holding no
    copy of the token; the cookie then authenticates reads."""
    with httpx.Client(base_url=shared.base_url) as client:
        response = client.get(f"/?token={TOKEN}")
        assert response.status_code == 302 and response.headers["location"] == "/"
        header = response.headers["set-cookie"]
        morsel = next(iter(SimpleCookie(header).values()))
        assert morsel["httponly"] and morsel["samesite"] == "Strict" and morsel["path"] == "/"
        assert TOKEN not in header and TOKEN[:16] not in morsel.value
        assert client.get("/api/sessions").status_code == 200


def test_login_keeps_the_page_and_other_parameters(shared: Server) -> None:
    """A deep link keeps its path and parameters; only the token is dropped."""
    with httpx.Client(base_url=shared.base_url) as client:
        response = client.get(f"/sessions/abc?view=2&token={TOKEN}")
        assert response.status_code == 302
        assert response.headers["location"] == "/sessions/abc?view=2"


@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example/", "///evil.example"])
def test_login_redirect_stays_on_this_server(shared: Server, path: str) -> None:
    """The login redirect is never an open redirect to another host."""
    with httpx.Client(base_url=shared.base_url) as client:
        response = client.get(f"{path}?token={TOKEN}")
        location = response.headers["location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location


def test_login_with_a_wrong_token_sets_nothing(shared: Server) -> None:
    """A wrong login link gets a 401 page and no cookie."""
    with httpx.Client(base_url=shared.base_url) as client:
        response = client.get(f"/?token={TOKEN[:-1]}")
        assert response.status_code == 401 and "set-cookie" not in response.headers
        assert "not valid" in response.text


def test_pages_are_public_but_carry_no_data(shared: Server) -> None:
    """The page itself loads without a token (it asks for the API, which refuses)."""
    with httpx.Client(base_url=shared.base_url) as client:
        response = client.get("/")
        assert response.status_code == 200 and "text/html" in response.headers["content-type"]
        assert TOKEN not in response.text
