"""client/backoff.py: the seed's reconnection delays."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agent_console.client.backoff import Backoff, delay


def test_sequence_without_jitter() -> None:
    """1s → 2s → 4s → 8s → 16s → 30s → 30s… at the middle of the jitter range."""
    assert [delay(n, lambda: 0.5) for n in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]


@given(st.integers(0, 10_000), st.floats(0, 0.999999))
def test_jitter_stays_within_30_percent(attempt: int, r: float) -> None:
    """Every delay is the base ± 30 %."""
    base = min(2 ** min(attempt, 16), 30)
    assert base * 0.7 <= delay(attempt, lambda: r) <= base * 1.3


def test_reset_after_success() -> None:
    """Backoff counts attempts and starts again at 1 s after a reset."""
    backoff = Backoff(lambda: 0.5)
    assert [backoff.next() for _ in range(3)] == [1, 2, 4]
    backoff.reset()
    assert backoff.next() == 1
