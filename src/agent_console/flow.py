"""Backpressure on one worker's output: when to stop reading its PTY, whom to drop (pure).

Every attached client reads the output at its own pace from the log (hub.Outbox). The PTY is
paused — the program blocks on its next write, nothing is lost — while every client is at least
PAUSE_ALL bytes behind (the server or the network is the bottleneck, as ttyd does), or while any
reading client is more than half the retained history behind (it would otherwise lose output that
leaves retention). It resumes with hysteresis. A client that made no progress for STALL seconds
while it holds the PTY back is truly stalled: it is dropped (1013; it reconnects with its offset)
so the others go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PAUSE_ALL = 1024 * 1024
STALL = 10.0


@dataclass(frozen=True)
class Lag:
    behind: int  # bytes between the client's sent offset and the live end
    idle: float  # seconds since the client last handed frames to its socket


class FlowControl:
    def __init__(self, retained: int) -> None:
        self.paused = False
        self._far = max(PAUSE_ALL, retained // 2)

    def judge(self, lags: Sequence[Lag]) -> list[int]:
        """Updates `paused` from the clients' lags; returns the indexes of stalled clients."""
        stalled = [i for i, lag in enumerate(lags) if self.paused and _stalled(lag)]
        active = [lag.behind for i, lag in enumerate(lags) if i not in stalled]
        if not active:
            self.paused = False
        elif self.paused:
            self.paused = not (min(active) < PAUSE_ALL // 2 and max(active) < self._far // 2)
        else:
            self.paused = min(active) >= PAUSE_ALL or max(active) >= self._far
        return stalled


def _stalled(lag: Lag) -> bool:
    return lag.idle >= STALL and lag.behind >= PAUSE_ALL
