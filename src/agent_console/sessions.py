"""The session registry: create, restore, change and delete sessions and their workers.

It owns every Session and its LiveWorkers, persists each change through the store and publishes
an event for it; it knows nothing of HTTP or sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

from agent_console import protocol
from agent_console.activity import ActivityDetector, compile_patterns
from agent_console.agent_catalog import AgentCatalog
from agent_console.agents import INPUT_AREAS, PLACEHOLDER, build_argv, launch_template
from agent_console.config import Settings
from agent_console.datadir import remove_worker_files
from agent_console.errors import InvalidRequest, NotFound, SpawnFailed, WorkerNotFound
from agent_console.events import (
    AppEvent,
    SessionCreated,
    SessionDeleted,
    SessionUpdated,
    WorkerActivity,
)
from agent_console.hub import Hub
from agent_console.model import (
    Agent,
    Session,
    Worker,
    WorkerActivityInfo,
    WorkerStatus,
)
from agent_console.process import boot_id, end_leftovers
from agent_console.scrollback import Scrollback
from agent_console.session_requests import NewSession, NewWorker, resolve_directory
from agent_console.store import Store
from agent_console.workers import LiveWorker


class Sessions:
    def __init__(
        self, settings: Settings, store: Store, agents: AgentCatalog, events: Hub[AppEvent]
    ):
        self.settings = settings
        self._store = store
        self._agents = agents
        self._events = events
        self._sessions: dict[str, Session] = {}
        self._live: dict[str, LiveWorker] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._boot = boot_id()
        self._closing = False

    @contextlib.asynccontextmanager
    async def _exclusive(self, session_id: str) -> AsyncIterator[Session]:
        """Serialises lifecycle changes of one session (restart, remove, delete, add) and
        re-reads it after the wait, so nothing acts on a session deleted meanwhile."""
        lock = self._locks.setdefault(session_id, asyncio.Lock())
        async with lock:
            yield self.get(session_id)

    # --- reading ----------------------------------------------------------------------------

    def all(self) -> list[Session]:
        return list(self._sessions.values())

    def get(self, session_id: str) -> Session:
        session = self._sessions.get(session_id)
        if session is None:
            raise NotFound(f"session {session_id!r} not found")
        return session

    def live(self, session_id: str, worker_id: str) -> LiveWorker:
        session = self._sessions.get(session_id)
        live = self._live.get(worker_id)
        if session is None or live is None or live.session_id != session_id:
            raise WorkerNotFound(f"worker {worker_id!r} of session {session_id!r} not found")
        return live

    def worker(self, session_id: str, worker_id: str) -> Worker:
        return self.live(session_id, worker_id).model

    def activity_states(self) -> list[WorkerActivityInfo]:
        return [
            WorkerActivityInfo(session_id=live.session_id, worker_id=live.id, activity_state=state)
            for live in self._live.values()
            if (state := live.activity) is not None
        ]

    def agent_in_use(self, agent_id: str) -> bool:
        return any(live.model.agent_id == agent_id for live in self._live.values())

    # --- sessions ---------------------------------------------------------------------------

    async def create(self, request: NewSession) -> Session:
        location = resolve_directory(request.location_path)
        agent = self._agents.resolve(request.agent_id) if request.agent_id else None
        session = Session(
            type=request.type,
            location_path=location,
            title=request.title,
            initial_prompt=request.initial_prompt,
            repository_id=request.repository_id,
            worktree_id=request.worktree_id,
        )
        first = NewWorker(
            type="agent" if agent else "terminal",
            agent_id=agent.id if agent else None,
            continue_conversation=request.continue_conversation,
        )
        worker = self._new_worker_model(session, first, agent)
        live = self._new_live(session, worker, agent)
        try:
            await self._launch(
                session, live, agent, request.initial_prompt, first.continue_conversation
            )
        except SpawnFailed:
            live.close()
            self._remove_log(worker.id)
            raise
        session.workers.append(worker)
        self._sessions[session.id] = session
        self._live[worker.id] = live
        self._save(session)
        self._events.publish(SessionCreated(session))
        self._announce_activity(live)
        return session

    def update(self, session_id: str, title: str | None) -> Session:
        session = self.get(session_id)
        session.title = title
        self._changed(session)
        return session

    def rename_branch(self, old: str, new: str, location_path: str) -> None:
        """Every worktree session on that worktree now names the renamed branch."""
        for session in self._sessions.values():
            if session.worktree_id == old and session.location_path == location_path:
                session.worktree_id = new
                self._changed(session)

    async def delete(self, session_id: str) -> None:
        async with self._exclusive(session_id) as session:
            del self._sessions[session_id]
            lives = [self._live.pop(w.id) for w in session.workers if w.id in self._live]
            await asyncio.gather(*(live.stop() for live in lives))
            for live in lives:
                live.close()
                self._store.forget_process(live.id)
                self._remove_log(live.id)
            self._store.delete_session(session_id)
            self._events.publish(SessionDeleted(session_id))
        self._locks.pop(session_id, None)

    # --- workers ----------------------------------------------------------------------------

    async def add_worker(self, session_id: str, request: NewWorker) -> Worker:
        async with self._exclusive(session_id) as session:
            return await self._add_worker(session, request)

    async def _add_worker(self, session: Session, request: NewWorker) -> Worker:
        agent = (
            self._agents.resolve(request.agent_id)
            if request.type == "agent" and request.agent_id
            else None
        )
        if request.type == "agent" and agent is None:
            raise InvalidRequest("agentId is required for an agent worker")
        worker = self._new_worker_model(session, request, agent)
        live = self._new_live(session, worker, agent)
        if worker.type != "git-diff":
            try:
                await self._launch(session, live, agent, None, request.continue_conversation)
            except SpawnFailed:
                live.close()
                self._remove_log(worker.id)
                raise
        session.workers.append(worker)
        self._live[worker.id] = live
        self._changed(session)
        self._announce_activity(live)
        return worker

    async def remove_worker(self, session_id: str, worker_id: str) -> None:
        async with self._exclusive(session_id) as session:
            live = self.live(session_id, worker_id)
            del self._live[worker_id]
            session.workers = [w for w in session.workers if w.id != worker_id]
            await live.stop()
            live.close()
            self._store.forget_process(worker_id)
            self._remove_log(worker_id)
            self._changed(session)

    async def restart_worker(
        self, session_id: str, worker_id: str, continue_conversation: bool
    ) -> Worker:
        async with self._exclusive(session_id) as session:
            live = self.live(session_id, worker_id)
            if live.model.type == "git-diff":
                raise InvalidRequest("a git-diff worker has no process to restart")
            agent = self._agents.resolve(live.model.agent_id) if live.model.agent_id else None
            await live.stop()
            if agent is not None:
                live.reset_activity(self._detector(agent))
            await self._launch(session, live, agent, None, continue_conversation)
            self._changed(session)
            return live.model

    # --- restore and shutdown ---------------------------------------------------------------

    def set_base_commit(self, session_id: str, worker_id: str, base_commit: str | None) -> Worker:
        session = self.get(session_id)
        live = self.live(session_id, worker_id)
        if live.model.type != "git-diff":
            raise InvalidRequest("baseCommit: only git-diff workers have a base commit")
        live.model.base_commit = base_commit
        self._changed(session)
        live.changed()
        return live.model

    async def restore(self) -> None:
        """Brings back every persisted session with the same ids; relaunches its workers."""
        end_leftovers(self._store.recorded_processes(self._boot))
        self._store.forget_all_processes()
        for session in self._store.load_sessions():
            self._sessions[session.id] = session
            for worker in session.workers:
                await self._restore_worker(session, worker)
            self._refresh_status(session)
            self._save(session)

    async def _restore_worker(self, session: Session, worker: Worker) -> None:
        agent = None
        if worker.agent_id:
            with contextlib.suppress(NotFound):
                agent = self._agents.get(worker.agent_id)
        live = self._new_live(session, worker, agent)
        self._live[worker.id] = live
        if worker.type == "git-diff" or worker.status == WorkerStatus.EXITED:
            return
        if worker.type == "agent" and agent is None:
            live.note(
                f"agent {worker.agent_id!r} no longer exists; this worker cannot be relaunched"
            )
            worker.status = WorkerStatus.EXITED
            return
        try:
            await self._launch(session, live, agent, None, continue_conversation=True)
        except SpawnFailed as exc:
            live.note(exc.message)
            worker.status, worker.exit_code, worker.pid = WorkerStatus.EXITED, 127, None

    async def shutdown(self) -> None:
        """Ends every process group; exits caused by the shutdown are not recorded as exits."""
        self._closing = True
        for task in self._tasks:
            task.cancel()
        lives = list(self._live.values())
        await asyncio.gather(*(live.stop() for live in lives))
        for live in lives:
            live.close(protocol.Close.GOING_AWAY)
        self._store.forget_all_processes()

    # --- internals --------------------------------------------------------------------------

    def _new_worker_model(
        self, session: Session, request: NewWorker, agent: Agent | None
    ) -> Worker:
        base = request.name or (
            agent.name if agent else {"terminal": "Terminal", "git-diff": "Diff"}[request.type]
        )
        taken = {w.name for w in session.workers}
        name = (
            base
            if base not in taken
            else next(f"{base} {n}" for n in range(2, 10_000) if f"{base} {n}" not in taken)
        )
        return Worker(name=name[:100], type=request.type, agent_id=agent.id if agent else None,
                      base_commit=request.base_commit)  # fmt: skip

    def _new_live(self, session: Session, worker: Worker, agent: Agent | None) -> LiveWorker:
        scrollback = None
        if worker.type != "git-diff":
            self.settings.logs_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            scrollback = Scrollback(
                self._log_path(worker.id), self.settings.limits.scrollback_bytes
            )
        detector = self._detector(agent) if agent is not None else None
        live = LiveWorker(
            session.id, worker, scrollback, detector, self._worker_changed, self._worker_activity
        )
        if worker.type == "git-diff":
            live.watch_path = Path(session.location_path)
        return live

    def _detector(self, agent: Agent) -> ActivityDetector:
        patterns = agent.activity_patterns.asking_patterns if agent.activity_patterns else None
        return ActivityDetector(
            compile_patterns(patterns or []),
            self.settings.quiet_period,
            INPUT_AREAS.get(agent.id) if agent.is_built_in else None,
        )

    async def _launch(
        self,
        session: Session,
        live: LiveWorker,
        agent: Agent | None,
        prompt: str | None,
        continue_conversation: bool,
    ) -> None:
        if live.model.type == "agent" and agent is not None:
            template, uses_prompt = launch_template(agent, continue_conversation)
            argv = build_argv(template, prompt if uses_prompt else None, session.location_path)
            if uses_prompt and prompt and "prompt" not in PLACEHOLDER.findall(template):
                live.type_when_idle = prompt + "\r"
            live.continue_fallback = agent if not uses_prompt else None
        else:
            argv = terminal_argv()
        await live.start(argv, session.location_path)
        assert live.process is not None
        self._store.record_process(live.id, live.process.pid, live.process.started, self._boot)

    def _worker_changed(self, live: LiveWorker) -> None:
        if self._closing:
            return
        session = self._sessions.get(live.session_id)
        if session is None or live.id not in self._live:
            return
        agent, live.continue_fallback = live.continue_fallback, None
        if agent is not None and live.failed_at_start:
            # e.g. `claude --continue` with no conversation to continue exits at once.
            task = asyncio.get_running_loop().create_task(
                self._start_fresh(session.id, live, agent)
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._changed(session)

    async def _start_fresh(self, session_id: str, live: LiveWorker, agent: Agent) -> None:
        """Launches an agent anew after its continue command failed at once."""
        async with self._exclusive(session_id) as session:
            if live.id not in self._live or live.running:
                return
            live.note("could not continue the previous conversation; starting a new one")
            try:
                await self._launch(session, live, agent, None, continue_conversation=False)
            except SpawnFailed as exc:
                live.note(exc.message)
            self._changed(session)

    def _announce_activity(self, live: LiveWorker) -> None:
        """A new agent worker's first state, so app clients hold what a fresh sync would give."""
        if live.activity is not None:
            self._events.publish(WorkerActivity(live.session_id, live.id, live.activity))

    def _worker_activity(self, live: LiveWorker) -> None:
        if live.activity is not None and not self._closing:
            self._events.publish(WorkerActivity(live.session_id, live.id, live.activity))

    def _changed(self, session: Session) -> None:
        if session.id not in self._sessions:
            return  # deleted meanwhile: a late update must not resurrect it for clients
        self._refresh_status(session)
        self._save(session)
        self._events.publish(SessionUpdated(session))

    def _refresh_status(self, session: Session) -> None:
        running = any(
            w.status == WorkerStatus.RUNNING and w.type != "git-diff" for w in session.workers
        )
        session.status = "active" if running or not session.workers else "inactive"

    def _save(self, session: Session) -> None:
        if session.id in self._sessions:
            self._store.save_session(session)

    def _log_path(self, worker_id: str) -> Path:
        return self.settings.logs_dir / f"{worker_id}.log"

    def _remove_log(self, worker_id: str) -> None:
        """A worker that is gone takes its output log and pasted images with it."""
        remove_worker_files(self.settings.logs_dir, self.settings.images_dir, worker_id)


def terminal_argv() -> list[str]:
    """The user's login shell, else /bin/sh."""
    shell = os.environ.get("SHELL", "")
    if shell and os.path.isabs(shell) and os.access(shell, os.X_OK):
        return [shell, "-l"]
    return ["/bin/sh"]
