"""A worker's output as the clients see it: whole-character text at absolute offsets (pure).

Bytes arrive from the host with the offset at their end. A character split across two chunks is
held until it completes, so every text handed on ends on a character boundary and its offset
(`complete_offset`) is where a client resumes. A jump in offsets (the log restarted after a
full disk dropped bytes) drops a held partial character rather than gluing it to unrelated bytes.
"""

from __future__ import annotations

from agent_console.scrollback import Utf8Boundary


class OutputStream:
    def __init__(self, end_offset: int = 0) -> None:
        self.end_offset = end_offset  # bytes received
        self._boundary = Utf8Boundary()

    @property
    def complete_offset(self) -> int:
        """The offset after the last whole character handed on (what clients have seen)."""
        return self.end_offset - self._boundary.pending

    def reset(self, end_offset: int) -> None:
        self.end_offset = end_offset
        self._boundary = Utf8Boundary()

    def feed(self, data: bytes, end_offset: int) -> str:
        """The whole characters that `data` (ending at `end_offset`) completes; may be ''."""
        if end_offset - len(data) != self.end_offset:
            self._boundary = Utf8Boundary()
        self.end_offset = end_offset
        whole = self._boundary.feed(data)
        return whole.decode("utf-8", "replace") if whole else ""

    def flush(self) -> str:
        """The bytes of an unfinished character, as replacement text (the process ended)."""
        return self._boundary.flush().decode("utf-8", "replace")
