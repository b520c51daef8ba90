"""Cross-site request forgery and hostile bodies against a real server: the cookie a browser
holds cannot make a form, text/plain or foreign-origin request change anything; bodies are
capped and their JSON bounded; the server lives on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.harness import TOKEN, Server


def quick(path: Path) -> str:
    return json.dumps({"type": "quick", "locationPath": str(path)})


@pytest.fixture
def sessions(server: Server) -> Iterator[httpx.Client]:
    """A token client to look at what exists."""
    with server.http() as api:
        yield api


def test_cross_site_form_posts_with_the_cookie_change_nothing(
    server: Server, browser: httpx.Client, sessions: httpx.Client, tmp_path: Path
) -> None:
    """What a foreign page's form can send — urlencoded, multipart or text/plain, with a foreign
    or `null` Origin or none — is refused, and no session appears."""
    forms = {
        "application/x-www-form-urlencoded": f"type=quick&locationPath={tmp_path}",
        "multipart/form-data; boundary=b": f'--b\r\nContent-Disposition: form-data; name="x"'
                                           f"\r\n\r\n{quick(tmp_path)}\r\n--b--\r\n",
        "text/plain": quick(tmp_path),  # a JSON-looking text/plain body: the classic bypass
    }  # fmt: skip
    for kind, body in forms.items():
        for origin in ("http://evil.example", "null", None, server.base_url):
            headers = {"Content-Type": kind, **({"Origin": origin} if origin else {})}
            response = browser.post("/api/sessions", content=body, headers=headers)
            assert response.status_code in (403, 415), (kind, origin, response.status_code)
            expected = "UNSUPPORTED_MEDIA_TYPE" if origin == server.base_url else "FORBIDDEN"
            assert response.json()["code"] == expected, (kind, origin)
    assert sessions.get("/api/sessions").json() == {"sessions": []}


def test_cookie_json_requests_need_this_origin(
    server: Server, browser: httpx.Client, sessions: httpx.Client, tmp_path: Path
) -> None:
    """With the cookie, a JSON POST succeeds only with this server's Origin (as the page's own
    fetch sends it); a foreign or missing Origin is 403."""
    body = {"type": "quick", "locationPath": str(tmp_path)}
    for origin in ("http://evil.example", "null", f"http://127.0.0.1:{server.port + 1}"):
        response = browser.post("/api/sessions", json=body, headers={"Origin": origin})
        assert response.status_code == 403, origin
    assert browser.post("/api/sessions", json=body).status_code == 403
    assert sessions.get("/api/sessions").json() == {"sessions": []}
    created = browser.post("/api/sessions", json=body, headers={"Origin": server.base_url})
    assert created.status_code == 201, created.text
    sid = created.json()["session"]["id"]
    assert browser.delete(f"/api/sessions/{sid}").status_code == 403  # no Origin
    deleted = browser.delete(f"/api/sessions/{sid}", headers={"Origin": server.base_url})
    assert deleted.status_code == 200


def test_cookie_reads_work_and_foreign_origin_reads_do_not(
    server: Server, browser: httpx.Client
) -> None:
    """A same-origin page reads with its cookie; a read announcing a foreign Origin is 403."""
    assert browser.get("/api/sessions").status_code == 200
    evil = browser.get("/api/sessions", headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403


def test_token_clients_need_json_for_bodies_but_no_origin(
    server: Server, sessions: httpx.Client, tmp_path: Path
) -> None:
    """Bearer clients send no Origin; their bodies must still be JSON; a body-less DELETE is fine."""
    form = sessions.post("/api/sessions", content=quick(tmp_path),
                         headers={"Content-Type": "text/plain"})  # fmt: skip
    assert form.status_code == 415 and form.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"
    bare = sessions.post("/api/sessions", content=quick(tmp_path), headers={"Content-Type": ""})
    assert bare.status_code == 415
    created = sessions.post("/api/sessions", json={"type": "quick", "locationPath": str(tmp_path)})
    assert created.status_code == 201
    sid = created.json()["session"]["id"]
    assert sessions.delete(f"/api/sessions/{sid}").status_code == 200


def test_body_size_is_capped(server: Server, sessions: httpx.Client) -> None:
    """A body over 1 MiB is 413, announced by Content-Length or sent chunked."""
    big = b'{"type": "quick", "locationPath": "/tmp", "title": "' + b"x" * (1 << 20) + b'"}'
    headers = {"Content-Type": "application/json"}
    response = sessions.post("/api/sessions", content=big, headers=headers)
    assert response.status_code == 413 and response.json()["code"] == "TOO_LARGE"

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    chunked = sessions.post("/api/sessions", content=chunks(), headers=headers)
    assert chunked.status_code == 413
    assert sessions.get("/api/health").json() == {"status": "ok"}


def test_hostile_json_is_a_400(server: Server, sessions: httpx.Client) -> None:
    """100k nested brackets, deep objects and 5000-digit numbers are 400s naming the problem;
    the server stays up."""
    headers = {"Content-Type": "application/json"}
    bodies = [b"[" * 100_000, b'{"a":' * 1000 + b"1" + b"}" * 1000,
              b'{"type": "quick", "locationPath": ' + b"9" * 5000 + b"}",
              b'{"name": "x", "commandTemplate": "cat", "n": 1e' + b"9" * 400 + b"}"]  # fmt: skip
    for body in bodies:
        for path in ("/api/sessions", "/api/agents"):
            response = sessions.post(path, content=body, headers=headers)
            assert response.status_code == 400, (path, body[:40], response.text)
            assert response.json()["code"] == "INVALID_REQUEST"
    assert sessions.get("/api/health").json() == {"status": "ok"}


def test_login_cookie_is_not_accepted_as_a_token(server: Server) -> None:
    """The cookie value is not the token: it cannot be replayed as a Bearer token."""
    with httpx.Client(base_url=server.base_url) as client:
        client.get(f"/?token={TOKEN}")
        [value] = client.cookies.values()
    with server.http(token=value) as forged:
        assert forged.get("/api/sessions").status_code == 401
