"""store.py: named migrations run once; sessions keep exactly their current workers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agent_console.model import Agent, QueuedMessage, Repository, Session, Worker
from agent_console.store import MIGRATIONS, DamagedDatabase, Store


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
    assert again.recorded_processes("boot-a", "w1") == [(123, 456)]
    assert again.recorded_processes("boot-a", "w2") == []
    assert again.recorded_processes("boot-b", "w1") == []  # pids of another boot mean nothing
    again.delete_agent("x")
    again.delete_repository(repo.id)
    again.forget_all_processes()
    assert (
        again.load_agents() == []
        and again.load_repositories() == []
        and again.recorded_processes("boot-a", "w1") == []
    )


def test_unreadable_rows_are_quarantined_once(tmp_path: Path) -> None:
    """A worker, agent or repository row that no longer parses is moved to the quarantine table
    (the rest loads); the next load finds nothing more to set aside."""
    store = Store(tmp_path / "db")
    a, b = Worker(name="a", type="terminal"), Worker(name="b", type="terminal")
    session = Session(type="quick", location_path="/tmp", workers=[a, b])
    store.save_session(session)
    store.save_agent(Agent(id="x", name="X", command_template="x"))
    store.save_repository(Repository(name="r", path="/r"))
    raw = sqlite3.connect(tmp_path / "db")
    with raw:
        raw.execute("UPDATE workers SET data = '[]' WHERE id = ?", (b.id,))
        raw.execute('UPDATE agents SET data = \'{"id": "y", "name": 1}\'')
        raw.execute("UPDATE repositories SET data = 'nope'")
    again = Store(tmp_path / "db")
    [loaded] = again.load_sessions()
    assert loaded.workers == [a]
    assert again.load_agents() == [] and again.load_repositories() == []
    records = again.quarantined()
    assert [r.kind for r in records] == ["worker", "agent", "repository"]
    assert [r.name for r in records[:2]] == [b.id, "x"]
    assert records[0].worker_ids == [b.id] and "unreadable row" in records[0].reason
    third = Store(tmp_path / "db")
    assert third.load_sessions() == [loaded]
    assert third.load_agents() == [] and third.load_repositories() == []
    assert third.quarantined_now == [] and len(third.quarantined()) == 3


def test_a_damaged_database_is_reported_as_such(tmp_path: Path) -> None:
    """Bytes that are not SQLite, and a directory, are DamagedDatabase (never opened over)."""
    (tmp_path / "junk").write_bytes(b"x" * 4096)
    (tmp_path / "folder").mkdir()
    for path in (tmp_path / "junk", tmp_path / "folder"):
        with pytest.raises(DamagedDatabase):
            Store(path)


def test_queued_messages_keep_their_order_and_go_with_their_worker(tmp_path: Path) -> None:
    """Queued messages load in order, an edit keeps its place, and removing the worker (or its
    session) removes its queue; the worker's own row never holds the queue."""
    store = Store(tmp_path / "db")
    a, b = Worker(name="a", type="agent"), Worker(name="b", type="agent")
    session = Session(type="quick", location_path="/tmp", workers=[a, b])
    store.save_session(session)
    first, second, other = (QueuedMessage(text=t) for t in ("one", "two", "other"))
    for message in (first, second):
        store.queue_message(a.id, message)
    store.queue_message(b.id, other)
    edited = first.model_copy(update={"text": "one, edited"})
    store.update_queued(edited)
    assert Store(tmp_path / "db").load_queues() == {a.id: [edited, second], b.id: [other]}
    a.queue = [edited, second]
    store.save_session(session)
    [loaded] = store.load_sessions()
    assert loaded.workers[0].queue is None
    store.unqueue(second.id)
    session.workers = [b]
    store.save_session(session)
    assert store.load_queues() == {b.id: [other]}
    store.delete_session(session.id)
    assert store.load_queues() == {}
