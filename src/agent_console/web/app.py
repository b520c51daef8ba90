"""The ASGI application: builds the domain objects, wires routes and sockets, owns the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from agent_console.agent_catalog import AgentCatalog
from agent_console.config import Settings
from agent_console.datadir import sweep
from agent_console.events import AppEvent
from agent_console.host.client import LocalHost
from agent_console.hub import Hub
from agent_console.indexer import Indexer, Ownership
from agent_console.notifier import Notifier
from agent_console.quarantine import open_data, report
from agent_console.repository_catalog import RepositoryCatalog
from agent_console.sessions import Sessions
from agent_console.store import Store
from agent_console.web import (
    activity_api,
    answer_api,
    api,
    app_socket,
    history_api,
    notifications_api,
    quarantine_api,
    queue_api,
    repositories_api,
    search_api,
    spa,
    worker_socket,
)
from agent_console.web.security import SecurityGuard


@dataclass
class Console:
    """Everything a request handler may reach: the domain objects of one running server."""

    settings: Settings
    store: Store
    agents: AgentCatalog
    repositories: RepositoryCatalog
    sessions: Sessions
    events: Hub[AppEvent]
    app_clients: app_socket.AppClients
    indexer: Indexer | None  # None with --history-days 0
    notifier: Notifier


def _indexer(settings: Settings, sessions: Sessions, store: Store) -> Indexer | None:
    """The search indexer, unless history is kept for 0 days."""
    if settings.history_days <= 0:
        return None
    owners = Ownership(lambda: sessions.owners().keys(), store.retired, store.forget_retired)
    return Indexer(settings.search_index_path, lambda: sessions.host, owners,
                   settings.history_days)  # fmt: skip


def create_app(
    settings: Settings, on_ready: Callable[[], None] | None = None, opened: Store | None = None
) -> FastAPI:
    """The app; `on_ready` runs once every session is restored and requests can be served.
    `opened` is the data directory's database as quarantine.open_data gave it (opened here when
    not given)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)

        async def connect_host() -> LocalHost:
            return await LocalHost.connect(settings.data_dir, settings.limits.scrollback_bytes)

        host = await connect_host()
        store = opened if opened is not None else open_data(settings)
        agents = AgentCatalog(store)
        events: Hub[AppEvent] = Hub()
        sessions = Sessions(settings, store, agents, events, host, connect_host)
        clients = app_socket.AppClients(sessions, settings.limits.client_queue_bytes)
        events.subscribe(clients.on_event)
        indexer = _indexer(settings, sessions, store)
        sessions.output_logged = indexer.seen if indexer else None
        notifier = Notifier(settings, sessions)
        events.subscribe(notifier.on_event)
        app.state.console = Console(
            settings,
            store,
            agents,
            RepositoryCatalog(store),
            sessions,
            events,
            clients,
            indexer,
            notifier,
        )
        await sessions.restore()
        workers = {worker.id for session in sessions.all() for worker in session.workers}
        set_aside = {worker for record in store.quarantined() for worker in record.worker_ids}
        sweep(settings.logs_dir, settings.images_dir, workers | set_aside | set(store.retired()))
        report(store, settings.db_path)
        if indexer is not None:
            await indexer.start()
        notifier.start()
        if on_ready is not None:
            on_ready()
        try:
            yield
        finally:
            await notifier.close()
            clients.close_all()
            if indexer is not None:
                await indexer.close()
            await sessions.shutdown()
            await sessions.host.close()
            store.close()

    app = FastAPI(
        title="Agent Console",
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        # No Swagger page: it loads scripts from a CDN into an origin that hands out shells (the
        # CSP blocks them anyway), and it adds a public /docs/oauth2-redirect page.
        docs_url=None,
        redoc_url=None,
    )
    api.install(app)
    for routes in (repositories_api, quarantine_api, history_api, search_api, activity_api,
                   queue_api, answer_api, notifications_api):  # fmt: skip
        app.include_router(routes.router)
    api.install_fallback(app)
    app.add_api_websocket_route("/ws/app", app_socket.endpoint)
    app.add_api_websocket_route(
        "/ws/session/{session_id}/worker/{worker_id}", worker_socket.endpoint
    )
    spa.install(app)
    # Outside the routes, inside uvicorn: it sees every HTTP request and WebSocket handshake.
    app.add_middleware(SecurityGuard, settings=settings)
    return app
