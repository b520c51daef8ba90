"""Fixtures shared by the suite: a real server per test on a fresh data directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.harness import Server, fake_agent_fields, running, stop_hosts_under
from tests.receiver import Receiver


@pytest.fixture(autouse=True)
def no_host_outlives_its_test(tmp_path: Path) -> Iterator[None]:
    """Whatever started a worker host under this test's directory, it ends with the test."""
    yield
    stop_hosts_under(tmp_path)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def server(data_dir: Path) -> Iterator[Server]:
    with running(data_dir) as srv:
        yield srv


@pytest.fixture
def api(server: Server) -> Iterator[httpx.Client]:
    with server.http() as client:
        yield client


@pytest.fixture
def fake_agent(api: httpx.Client) -> dict[str, Any]:
    """A custom agent backed by tests/bin/fake-agent."""
    response = api.post("/api/agents", json=fake_agent_fields())
    assert response.status_code == 201, response.text
    return response.json()["agent"]  # type: ignore[no-any-return]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local HTTP receiver of webhooks."""
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
