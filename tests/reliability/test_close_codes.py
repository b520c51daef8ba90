"""Close codes a client sees when the server goes away, read from the raw close frame."""

from __future__ import annotations

from pathlib import Path

from tests.harness import close_code, create_session, never_reading_client, running


def test_stopping_the_server_closes_every_socket_with_1012(tmp_path: Path) -> None:
    """`serve` ended with SIGTERM: a worker-socket client and an app-socket client each get a
    close frame with 1012 (the server restarts; reconnect), not a dropped connection. (uvicorn
    sends it as it stops serving, before our lifespan closes what is left with the same code.)"""
    with running(tmp_path / "data") as server:
        with server.http() as api:
            session = create_session(api, tmp_path)
        worker = never_reading_client(
            server, server.worker_path(session["id"], session["workers"][0]["id"])
        )
        app = never_reading_client(server, "/ws/app")
        with worker, app:
            server.stop()  # SIGTERM
            assert (close_code(worker), close_code(app)) == (1012, 1012)
