"""The seed's reconnection delay: min(1 s × 2^n, 30 s) ± 30 % jitter (pure)."""

from __future__ import annotations

import random
from collections.abc import Callable

INITIAL = 1.0
MAXIMUM = 30.0
JITTER = 0.3


def delay(attempt: int, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before reconnect attempt `attempt` (0-based); `rand` gives [0, 1)."""
    base: float = min(INITIAL * 2.0 ** min(attempt, 16), MAXIMUM)
    return base * (1 + JITTER * (2 * rand() - 1))


class Backoff:
    """Attempt counter: `next()` gives the delay and counts; `reset()` after a success."""

    def __init__(self, rand: Callable[[], float] = random.random) -> None:
        self.attempt = 0
        self._rand = rand

    def next(self) -> float:
        value = delay(self.attempt, self._rand)
        self.attempt += 1
        return value

    def reset(self) -> None:
        self.attempt = 0
