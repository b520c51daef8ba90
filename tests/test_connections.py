"""web/connections.py's ConnectionGate: which connections are closed to stay within the cap."""

from __future__ import annotations

from agent_console.web.connections import ConnectionGate


def test_under_the_cap_nothing_is_closed() -> None:
    """Connections up to the cap are all kept, waiting or not."""
    gate = ConnectionGate(cap=3)
    assert [gate.opened(n, n) for n in (1, 2, 3)] == [[], [], []]


def test_the_longest_waiting_connection_makes_room() -> None:
    """Past the cap, the connection that has waited longest for a request is closed; busy ones
    (a request under way, a WebSocket) never are."""
    gate = ConnectionGate(cap=2)
    gate.opened("a", 1)
    gate.opened("b", 2)
    gate.busy("a")
    assert gate.opened("c", 3) == ["b"]
    gate.closed("b")
    assert gate.opened("d", 3) == ["c"]


def test_the_new_connection_goes_when_nothing_else_waits() -> None:
    """When every other connection is busy, the newcomer itself is closed."""
    gate = ConnectionGate(cap=1)
    gate.opened("owner", 1)
    gate.busy("owner")
    assert gate.opened("late", 2) == ["late"]


def test_an_idle_connection_waits_again_from_the_back() -> None:
    """After its response a kept-alive connection is evictable again, as the newest waiter."""
    gate = ConnectionGate(cap=2)
    gate.opened("a", 1)
    gate.opened("b", 2)
    gate.busy("a")
    gate.idle("a")
    assert gate.opened("c", 3) == ["b"]


def test_evicted_connections_are_not_counted_twice() -> None:
    """Connections already being closed free their places at once: the next arrivals do not
    evict more than needed while those closes are still on their way."""
    gate = ConnectionGate(cap=2)
    gate.opened("a", 1)
    gate.opened("b", 2)
    assert gate.opened("c", 3) == ["a"]
    assert gate.opened("d", 4) == ["b"]  # a is closing: still counted by the server, not here
    gate.closed("a")
    gate.closed("b")
    assert gate.waiting == 2
