"""The session registry: create, restore, change and delete sessions and their workers.

It owns every Session and its live workers, persists each change through the store and publishes
an event for it; it knows nothing of HTTP or sockets. Processes run on a WorkerHost that outlives
this server: a restart adopts them as they are; when the host itself went away (reboot, kill -9),
agents are relaunched with their continue template and terminals as fresh shells, each with a
marker line in its history.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from agent_console import attention, protocol
from agent_console.activity import ActivityDetector, compile_patterns
from agent_console.agent_catalog import AgentCatalog
from agent_console.agents import INPUT_AREAS
from agent_console.config import Settings
from agent_console.datadir import remove_worker_files
from agent_console.diff_worker import DiffWorker
from agent_console.errors import Error, InvalidRequest, NotFound, SpawnFailed, WorkerNotFound
from agent_console.events import (
    AppEvent,
    SessionCreated,
    SessionDeleted,
    SessionUpdated,
    WorkerActivity,
    WorkerPreviewed,
)
from agent_console.hook_calls import SIGNALLING, HookCalls
from agent_console.hub import Hub
from agent_console.judge import ActivityJudge
from agent_console.message_queue import MessageQueues
from agent_console.model import (
    Agent,
    LogOwner,
    Session,
    Worker,
    WorkerActivityInfo,
    WorkerStatus,
)
from agent_console.previews import Previews
from agent_console.process import boot_id, end_leftovers, end_marked
from agent_console.session_requests import NewSession, NewWorker, resolve_directory
from agent_console.store import Store
from agent_console.worker_host import Hosted, WorkerHost
from agent_console.worker_kinds import WORKER_KINDS
from agent_console.worker_launch import (
    agent_launch,
    environment,
    relaunch_marker,
    terminal_argv,
)
from agent_console.workers import AgentWorker, LiveWorker, PtyWorker, Surroundings

log = logging.getLogger(__name__)
ConnectHost = Callable[[], Awaitable[WorkerHost]]


class Sessions:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        agents: AgentCatalog,
        events: Hub[AppEvent],
        host: WorkerHost,
        reconnect: ConnectHost | None = None,
    ):
        self.settings = settings
        self.host = host
        self._reconnect = reconnect
        self._store = store
        self._agents = agents
        self._events = events
        self._sessions: dict[str, Session] = {}
        self._live: dict[str, LiveWorker] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._boot = boot_id()
        self._closing = False
        # The dashboard's live screens, from the screen state of the host of the moment.
        self.previews = Previews(self._screen, lambda p: events.publish(WorkerPreviewed(p)))
        self.output_logged: Callable[[str, int, bytes], None] | None = None  # the indexer's hook
        self.hooks = HookCalls(settings.data_dir, settings.token, self._live.get,
                               self._agent_session_id)  # fmt: skip
        self.queues = MessageQueues(store, self._announce_worker, settings.quiet_period)

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
            WorkerActivityInfo(
                session_id=live.session_id,
                worker_id=live.id,
                activity_state=state,
                reason=live.model.activity_reason,
                question=live.model.question,
            )
            for live in self._live.values()
            if (state := live.activity) is not None
        ]

    def owners(self) -> dict[str, LogOwner]:
        """Whose output each live worker's log holds, by worker id."""
        return {w.id: LogOwner.of(s, w) for s in self._sessions.values() for w in s.workers}

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
        live = await self._start_worker(session, first, agent, request.initial_prompt)
        session.workers.append(live.model)
        await self._keep(session, live, lambda: self._store.save_session(session))
        self._sessions[session.id] = session
        self._live[live.id] = live
        self._events.publish(SessionCreated(session))
        self._announce_activity(live)
        return session

    def update(self, session_id: str, title: str | None) -> Session:
        session = self.get(session_id)
        self._store.save_session(session.model_copy(update={"title": title}))
        session.title = title  # memory changes only once the store took it
        self._changed(session)
        return session

    def rename_branch(self, old: str, new: str, location_path: str) -> None:
        """Every worktree session on that worktree now names the renamed branch."""
        for session in self._sessions.values():
            if session.worktree_id == old and session.location_path == location_path:
                self._store.save_session(session.model_copy(update={"worktree_id": new}))
                session.worktree_id = new
                self._changed(session)

    async def delete(self, session_id: str) -> None:
        async with self._exclusive(session_id) as session:
            self._store.delete_session(session_id)  # first: refused, nothing has changed
            del self._sessions[session_id]
            lives = [self._live.pop(w.id) for w in session.workers if w.id in self._live]
            keep = self._retire(session, lives)
            await asyncio.gather(*(self._discard(live, keep) for live in lives))
            self._events.publish(SessionDeleted(session_id))
        self._locks.pop(session_id, None)

    # --- workers ----------------------------------------------------------------------------

    async def add_worker(self, session_id: str, request: NewWorker) -> Worker:
        async with self._exclusive(session_id) as session:
            needs_agent = WORKER_KINDS[request.type].needs_agent
            agent = (
                self._agents.resolve(request.agent_id) if needs_agent and request.agent_id else None
            )
            if needs_agent and agent is None:
                raise InvalidRequest("agentId is required for an agent worker")
            live = await self._start_worker(session, request, agent, None)
            session.workers.append(live.model)
            await self._keep(session, live, lambda: self._store.save_session(session))
            self._live[live.id] = live
            self._changed(session)
            self._announce_activity(live)
            return live.model

    async def remove_worker(self, session_id: str, worker_id: str) -> None:
        async with self._exclusive(session_id) as session:
            live = self.live(session_id, worker_id)
            rest = [w for w in session.workers if w.id != worker_id]
            self._store.save_session(session.model_copy(update={"workers": rest}))
            del self._live[worker_id]
            keep = self._retire(session, [live])
            session.workers = rest
            await self._discard(live, keep)
            self._changed(session)

    async def restart_worker(
        self, session_id: str, worker_id: str, continue_conversation: bool
    ) -> Worker:
        async with self._exclusive(session_id) as session:
            live = self.live(session_id, worker_id)
            if not isinstance(live, PtyWorker):
                raise InvalidRequest("a git-diff worker has no process to restart")
            agent = self._agents.resolve(live.model.agent_id) if live.model.agent_id else None
            await live.stop()
            attention.apply(live.model, attention.NONE)  # restarting it is looking at it
            if isinstance(live, AgentWorker) and agent is not None:
                live.reset_activity(self._judge(agent))
            await self._launch(session, live, agent, None, continue_conversation)
            self._changed(session)
            return live.model

    def mark_seen(self, session_id: str, worker_id: str) -> Worker:
        """The user opened the worker: a finish or failure it showed has been seen, everywhere."""
        session = self.get(session_id)
        worker = self.worker(session_id, worker_id)
        if attention.apply(worker, attention.after_seen(attention.of(worker))):
            self._changed(session)
        return worker

    def set_base_commit(self, session_id: str, worker_id: str, base_commit: str | None) -> Worker:
        session = self.get(session_id)
        live = self.live(session_id, worker_id)
        if not isinstance(live, DiffWorker):
            raise InvalidRequest("baseCommit: only git-diff workers have a base commit")
        workers = [w.model_copy(update={"base_commit": base_commit}) if w.id == worker_id else w
                   for w in session.workers]  # fmt: skip
        self._store.save_session(session.model_copy(update={"workers": workers}))
        live.model.base_commit = base_commit
        self._changed(session)
        live.changed()
        return live.model

    # --- restore, host loss and shutdown ----------------------------------------------------

    async def restore(self) -> None:
        """Brings back every persisted session with the same ids: workers the host kept are
        adopted as they are; the others are relaunched (the host had stopped)."""
        hosted = {h.worker_id: h for h in await self.host.list()}
        lost: list[tuple[Session, PtyWorker]] = []
        for session in self._store.load_sessions():
            self._sessions[session.id] = session
            self.queues.restore(session.workers)
            for worker in session.workers:
                live = await self._restore_worker(session, worker, hosted.pop(worker.id, None))
                if live is not None:
                    lost.append((session, live))
        await self._relaunch_all(lost)
        for session in self._sessions.values():
            self._refresh_status(session)
            self._save(session)
        for orphan in hosted:  # e.g. a server killed while it created a session
            await self.host.forget(orphan, delete_log=True)
        self._watch_host()

    async def _restore_worker(
        self, session: Session, worker: Worker, hosted: Hosted | None
    ) -> PtyWorker | None:
        """The worker's live form, adopted if the host kept it; returned when it must be
        relaunched (it was running, and the host no longer has it)."""
        agent = self._agent_of(worker)
        live = self._new_live(session, worker, agent)
        self._live[worker.id] = live
        if not isinstance(live, PtyWorker):
            return None
        if hosted is not None:
            hosted = await live.adopt()
            if hosted.end_offset > hosted.start_offset:  # its screen, for the dashboard at once
                self.previews.printed(session.id, worker.id, hosted.last_output_at)
            if isinstance(live, AgentWorker) and agent is not None:
                live.launch = self._store.recorded_launch(live.id)
                await live.recompute_activity(hosted, self._judge(agent))
            return None
        return None if worker.status == WorkerStatus.EXITED else live

    async def _relaunch_all(self, lost: list[tuple[Session, PtyWorker]]) -> None:
        """Relaunches workers whose processes the host no longer has, after ending what is
        left of them (one pass over the process table for all)."""
        store, boot = self._store, self._boot
        records = [r for _, live in lost for r in store.recorded_processes(boot, live.id)]
        end_leftovers(records)
        end_marked([live.id for _, live in lost])
        for session, live in lost:
            async with self._exclusive(session.id):
                self._store.forget_process(live.id)
                await self._relaunch(session, live, "after the worker host stopped")

    async def _relaunch(self, session: Session, live: PtyWorker, reason: str) -> None:
        """Starts a worker whose process the host no longer has (its leftovers already ended)."""
        agent = self._agent_of(live.model)
        if isinstance(live, AgentWorker) and agent is not None:
            live.reset_activity(self._judge(agent))
        if WORKER_KINDS[live.model.type].needs_agent and agent is None:
            live.note(f"agent {live.model.agent_id!r} no longer exists; it cannot be relaunched")
            live.model.status = WorkerStatus.EXITED
            return
        try:
            await self._launch(session, live, agent, None, True, relaunch_marker(reason))
        except SpawnFailed as exc:
            live.note(exc.message)
            live.model.status, live.model.exit_code, live.model.pid = WorkerStatus.EXITED, 127, None

    def _watch_host(self) -> None:
        self._spawn_task(self._on_host_lost(self.host))

    async def _on_host_lost(self, host: WorkerHost) -> None:
        await host.lost
        if self._closing or self._reconnect is None:
            return
        log.warning("the worker host went away; starting a new one and relaunching workers")
        self.host = await self._connect_again(self._reconnect)
        lost = []
        for live in [live for live in self._live.values() if isinstance(live, PtyWorker)]:
            live.host = self.host
            session = self._sessions.get(live.session_id)
            if session is not None and live.running:
                lost.append((session, live))
        await self._relaunch_all(lost)
        for session in {s.id: s for s, _ in lost}.values():
            self._changed(session, must_save=False)
        self._watch_host()

    async def _connect_again(self, connect: ConnectHost) -> WorkerHost:
        """A new host, retried with backoff while it cannot be started."""
        delay = 1.0
        while True:
            try:
                return await connect()
            except (OSError, Error) as exc:
                log.error("cannot start a worker host (retrying in %.0f s): %s", delay, exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    async def shutdown(self) -> None:
        """Leaves every process running on the host; clients are told the server restarts."""
        self._closing = True
        self.previews.close()
        self.hooks.decisions.release_all()
        self.queues.close()
        for task in self._tasks:
            task.cancel()
        for live in self._live.values():
            live.close(protocol.Close.SERVICE_RESTART)

    async def stop_all(self) -> None:
        """Ends every worker's process (`agent-console stop`)."""
        lives = [live for live in self._live.values() if isinstance(live, PtyWorker)]
        await asyncio.gather(*(live.stop() for live in lives), return_exceptions=True)

    # --- internals --------------------------------------------------------------------------

    async def _start_worker(
        self, session: Session, request: NewWorker, agent: Agent | None, prompt: str | None
    ) -> LiveWorker:
        worker = self._new_worker_model(session, request, agent)
        live = self._new_live(session, worker, agent)
        if isinstance(live, PtyWorker):
            try:
                await self._launch(session, live, agent, prompt, request.continue_conversation)
            except Error:
                await self._discard(live)
                raise
        return live

    async def _keep(self, session: Session, live: LiveWorker, save: Callable[[], None]) -> None:
        """Saves a new worker's session; if the store refuses (a full disk), the worker is
        ended and undone, and the error goes to the caller."""
        try:
            save()
        except Error:
            session.workers = [w for w in session.workers if w.id != live.id]
            await self._discard(live)
            raise

    def _retire(self, session: Session, lives: list[LiveWorker]) -> bool:
        """Records who removed workers belonged to, so that their logs stay searchable until
        pruned by age; False when their logs go at once (`--history-days 0`, or the store
        refused: a log must not outlive the record of whose it is)."""
        if self.settings.history_days <= 0:
            return False
        owners = [LogOwner.of(session, live.model, removed=True) for live in lives
                  if isinstance(live, PtyWorker)]  # fmt: skip
        try:
            self._store.retire(owners)
        except Error as exc:
            log.warning("removed workers' logs deleted: %s", exc.message)
            return False
        return True

    async def _discard(self, live: LiveWorker, keep_log: bool = False) -> None:
        """Ends the worker's process, detaches its clients, forgets its records and pasted
        images; its log stays (for search) when `keep_log`, else it is deleted."""
        await live.stop()
        live.close()
        self.previews.forget(live.id)
        self.hooks.decisions.release(live.id)
        if isinstance(live, PtyWorker):
            await live.host.forget(live.id, delete_log=not keep_log)
        self._store.forget_process(live.id)
        remove_worker_files(self.settings.images_dir, live.id)

    def _new_worker_model(
        self, session: Session, request: NewWorker, agent: Agent | None
    ) -> Worker:
        base = request.name or (agent.name if agent else WORKER_KINDS[request.type].default_name)
        taken = {w.name for w in session.workers}
        name = (
            base
            if base not in taken
            else next(f"{base} {n}" for n in range(2, 10_000) if f"{base} {n}" not in taken)
        )
        return Worker(name=name[:100], type=request.type, agent_id=agent.id if agent else None,
                      base_commit=request.base_commit)  # fmt: skip

    def _new_live(self, session: Session, worker: Worker, agent: Agent | None) -> LiveWorker:
        """The live worker of the model's kind."""
        at = Surroundings(session.id, Path(session.location_path), self.host,
                          self.settings.limits.scrollback_bytes, self._worker_changed,
                          self._worker_activity, self._judge)  # fmt: skip
        live = WORKER_KINDS[worker.type].build(at, worker, agent)
        if isinstance(live, PtyWorker):
            live.watch_output = lambda w: self.previews.printed(w.session_id, w.id)
            live.logged = self.output_logged
        return live

    async def _screen(self, worker_id: str) -> list[str]:
        return await self.host.screen(worker_id)

    def _agent_of(self, worker: Worker) -> Agent | None:
        with contextlib.suppress(NotFound):
            return self._agents.get(worker.agent_id) if worker.agent_id else None
        return None

    def _judge(self, agent: Agent) -> ActivityJudge:
        patterns = agent.activity_patterns.asking_patterns if agent.activity_patterns else None
        return ActivityJudge(
            ActivityDetector(
                compile_patterns(patterns or []),
                self.settings.quiet_period,
                INPUT_AREAS.get(agent.id) if agent.is_built_in else None,
            )
        )

    async def _launch(
        self,
        session: Session,
        live: PtyWorker,
        agent: Agent | None,
        prompt: str | None,
        continue_conversation: bool,
        marker: str | None = None,
    ) -> None:
        env = environment()
        if isinstance(live, AgentWorker) and agent is not None:
            launch = agent_launch(agent, prompt, session.location_path, continue_conversation,
                                  live.model.agent_session_id)  # fmt: skip
            live.type_when_idle = launch.type_when_idle
            live.continue_fallback = agent if launch.fresh_fallback else None
            argv, extra = self.hooks.prepare(live, agent, launch.argv, env)
            env.update(extra)
            if (
                prompt
                and not launch.type_when_idle
                and agent.is_built_in
                and agent.id in SIGNALLING
            ):
                live.expect_turn()
        else:
            argv = terminal_argv()
        hosted = await live.start(argv, session.location_path, env, marker)
        if hosted.pid is not None:
            launch_id = live.launch if isinstance(live, AgentWorker) else None
            self._store.record_process(live.id, hosted.pid, hosted.started, self._boot, launch_id)

    def _worker_changed(self, live: LiveWorker) -> None:
        if self._closing:
            return
        session = self._sessions.get(live.session_id)
        if session is None or live.id not in self._live:
            return
        if isinstance(live, AgentWorker):
            agent, live.continue_fallback = live.continue_fallback, None
            if agent is not None and live.failed_at_start:
                # e.g. `claude --continue` with no conversation to continue exits at once.
                self._spawn_task(self._start_fresh(session.id, live, agent))
        self._changed(session, must_save=False)

    async def _start_fresh(self, session_id: str, live: AgentWorker, agent: Agent) -> None:
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

    def _spawn_task(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _announce_activity(self, live: LiveWorker) -> None:
        """A new agent worker's first state, so app clients hold what a fresh sync would give."""
        if live.activity is not None:
            self._events.publish(WorkerActivity.of(live.session_id, live.model, live.activity))

    def _worker_activity(self, live: LiveWorker) -> None:
        if isinstance(live, AgentWorker):
            self.hooks.question_changed(live)
        if live.activity is not None and not self._closing:
            self._events.publish(WorkerActivity.of(live.session_id, live.model, live.activity))
            self.queues.on_activity(live)
            session = self._sessions.get(live.session_id)
            if live.unsaved and session is not None:  # its attention changed: kept across restarts
                live.unsaved = False
                self._save_quietly(session)

    def _agent_session_id(self, live: AgentWorker, session_id: str) -> None:
        """The agent CLI named its own conversation: kept, so a restart resumes that one."""
        live.model.agent_session_id = session_id
        session = self._sessions.get(live.session_id)
        if session is not None:
            self._changed(session, must_save=False)

    def _announce_worker(self, live: LiveWorker) -> None:
        """A worker's live state changed (its queue): clients get its session again."""
        session = self._sessions.get(live.session_id)
        if session is not None and live.id in self._live and not self._closing:
            self._events.publish(SessionUpdated(session))

    def _changed(self, session: Session, must_save: bool = True) -> None:
        """Saves and announces a change. What a worker did on its own (it exited, its history
        stopped being saved) is announced even when the store refuses to save it (a full disk);
        the next change that saves carries it."""
        if session.id not in self._sessions:
            return  # deleted meanwhile: a late update must not resurrect it for clients
        self._refresh_status(session)
        if must_save:
            self._save(session)
        else:
            self._save_quietly(session)
        self._events.publish(SessionUpdated(session))

    def _save_quietly(self, session: Session) -> None:
        try:
            self._save(session)
        except Error as exc:
            log.warning("session %s changed but could not be saved: %s", session.id, exc.message)

    def _refresh_status(self, session: Session) -> None:
        running = any(
            w.status == WorkerStatus.RUNNING and WORKER_KINDS[w.type].has_process
            for w in session.workers
        )
        session.status = "active" if running or not session.workers else "inactive"

    def _save(self, session: Session) -> None:
        if session.id in self._sessions:
            self._store.save_session(session)
            for worker in session.workers:
                if (live := self._live.get(worker.id)) is not None:
                    live.unsaved = False
