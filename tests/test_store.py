"""store.py: named migrations run once; sessions keep exactly their current workers."""

from __future__ import annotations

from pathlib import Path

from agent_console.model import Agent, Repository, Session, Worker
from agent_console.store import MIGRATIONS, Store


def test_migrations_are_named_and_run_once(tmp_path: Path) -> None:
    """A new database gets every migration recorded; reopening runs none again."""
    store = Store(tmp_path / "db")
    assert store.applied_migrations == [name for name, _ in MIGRATIONS]
    store.close()
    assert Store(tmp_path / "db").applied_migrations == [name for name, _ in MIGRATIONS]


def test_session_round_trip(tmp_path: Path) -> None:
    """Saved sessions load with their workers in order; removed workers are gone."""
    store = Store(tmp_path / "db")
    a, b, c = (Worker(name=n, type="terminal") for n in "abc")
    session = Session(type="quick", location_path="/tmp", title="t", workers=[a, b, c])
    store.save_session(session)
    session.workers = [c, a]
    store.save_session(session)
    [loaded] = Store(tmp_path / "db").load_sessions()
    assert loaded == session
    store.delete_session(session.id)
    assert store.load_sessions() == []


def test_agents_repositories_processes(tmp_path: Path) -> None:
    """Custom agents, repositories and worker process records persist and can be removed."""
    store = Store(tmp_path / "db")
    agent = Agent(id="x", name="X", command_template="x")
    repo = Repository(name="r", path="/r")
    store.save_agent(agent)
    store.save_repository(repo)
    store.record_process("w1", 123, 456, "boot-a")
    again = Store(tmp_path / "db")
    assert again.load_agents() == [agent] and again.load_repositories() == [repo]
    assert again.recorded_processes("boot-a") == [(123, 456)]
    assert again.recorded_processes("boot-b") == []  # pids of another boot mean nothing
    again.delete_agent("x")
    again.delete_repository(repo.id)
    again.forget_all_processes()
    assert (
        again.load_agents() == []
        and again.load_repositories() == []
        and again.recorded_processes("boot-a") == []
    )
