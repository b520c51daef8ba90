"""DiffWorker: a git-diff worker — no process; tells its clients whenever the worktree's files
change (they fetch the diff itself over REST)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from agent_console import protocol
from agent_console.diff import DiffWatcher
from agent_console.errors import Error
from agent_console.hub import Frame, Outbox
from agent_console.model import Agent, Worker
from agent_console.workers import LiveWorker, OnChange, Surroundings

log = logging.getLogger(__name__)


class DiffWorker(LiveWorker):
    """A git-diff worker: no process; tells its clients whenever the worktree's files change."""

    kind = "git-diff"
    default_name = "Diff"
    has_process = False

    @classmethod
    def build(cls, at: Surroundings, model: Worker, agent: Agent | None) -> DiffWorker:
        return cls(at.session_id, model, at.location, at.on_change)

    def __init__(self, session_id: str, model: Worker, watch_path: Path, on_change: OnChange):
        super().__init__(session_id, model, on_change)
        self.watch_path = watch_path
        self._watch: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return False

    def attach(self, outbox: Outbox, offset: int | None, tail: int | None = None) -> None:
        outbox.put(Frame(protocol.history("", 0, 0)), force=True)
        self.clients.add(outbox)
        if self._watch is None:
            self._watch = self._loop.create_task(self._watch_files())

    def detach(self, outbox: Outbox) -> None:
        super().detach(outbox)
        if not self.clients and self._watch is not None:
            self._watch.cancel()
            self._watch = None

    def close(self, code: int = protocol.Close.NORMAL) -> None:
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        super().close(code)

    async def _watch_files(self) -> None:
        """Tells attached clients each time the worktree's files change (file-system events)."""
        try:
            async with DiffWatcher(self.watch_path) as watcher:
                self.changed()  # watching now: a client that fetches from here on misses nothing
                async for _ in watcher:
                    self.changed()
        except Error as exc:
            log.warning("cannot watch %s for changes: %s", self.watch_path, exc.message)

    def changed(self) -> None:
        """The diff this worker shows may have changed."""
        self.broadcast(Frame(protocol.diff_changed()))
