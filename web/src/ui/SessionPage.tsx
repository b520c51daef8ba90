/** One session: a tab per worker with its activity, the terminal filling the page. Loaded on
 * demand (it brings xterm.js), so the dashboard starts without it. */

import "../diff.css";

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { sessionLabel } from "../groups";
import type { Session, Worker } from "../protocol";
import { routePath } from "../router";
import { activityKey, activityOf, findSession } from "../state";
import { WorkerTerminal } from "../terminal/worker-terminal";
import type { WorkerEntry } from "../triage";
import { useAgents, useAppState, useEntries, usePageTitle, usePreferences, useServices } from "./hooks";
import { BranchEditor } from "./BranchEditor";
import { DiffPane } from "./DiffPane";
import { BackIcon, CloseIcon, SearchIcon } from "./icons";
import { navigate, onLinkClick, useRoute } from "./navigation";
import { NextAttention } from "./NextAttention";
import { runCommand, useCommand } from "./shortcuts";
import { canStartFresh } from "./Restart";
import { SessionToolbar } from "./SessionToolbar";
import { WorkerTabs } from "./WorkerTabs";
import { TerminalPane } from "./TerminalPane";

export function SessionPage({ sessionId, workerId }: { sessionId: string; workerId: string | null }) {
  const state = useAppState();
  const session = findSession(state, sessionId);
  usePageTitle(session === undefined ? "Session · Agent Console" : `${sessionLabel(session)} · Agent Console`);
  // A page opened on a worker shows its terminal while the app state is on its way (the URL
  // names the worker); the rest of the page fills in when it arrives.
  if (session === undefined && (state.synced || workerId === null)) {
    return (
      <div class="page">
        <div class={state.synced ? "empty" : "placeholder"}>
          {state.synced ? (
            <>
              <h2>This session no longer exists</h2>
              <a class="button" href="/" onClick={onLinkClick("/")}>
                Back to sessions
              </a>
            </>
          ) : (
            "Loading session…"
          )}
        </div>
      </div>
    );
  }
  return <SessionView sessionId={sessionId} session={session ?? null} workerId={workerId} />;
}

/** The session's page; `session` null while the app state is on its way: then only the terminal
 * of the worker the URL names, under bars that keep their place (see PendingBars). */
function SessionView({ sessionId, session, workerId }: { sessionId: string; session: Session | null; workerId: string | null }) {
  const { agents } = useAgents();
  const active = session === null ? undefined : (session.workers.find((w) => w.id === workerId) ?? session.workers[0]);
  const shownId = session === null ? workerId : (active?.id ?? null);
  const route = useRoute();
  const at = route.page === "session" && route.workerId === shownId ? (route.at ?? null) : null;
  const terminals = useTerminals(sessionId, session?.workers ?? null, active?.type === "git-diff" ? null : shownId);
  const { screenReader } = usePreferences();
  useEffect(() => {
    for (const terminal of terminals.values()) terminal.setScreenReader(screenReader);
  });

  return (
    <div class="session-page">
      {session === null ? <PendingBars /> : <SessionBars session={session} active={active} />}
      <div class="terminals">
        {session?.workers.length === 0 && <div class="placeholder">This session has no workers. Add a terminal or an agent.</div>}
        {session !== null && active?.type === "git-diff" && <DiffPane key={active.id} session={session} worker={active} />}
        {[...terminals].map(([id, terminal]) => {
          const worker = session?.workers.find((w) => w.id === id) ?? null;
          if (session !== null && (worker === null || worker.type === "git-diff")) return null; // disposed after this render
          return (
            <TerminalPane
              key={id}
              sessionId={sessionId}
              worker={worker}
              terminal={terminal}
              visible={id === shownId}
              fresh={worker !== null && canStartFresh(worker, agents ?? [])}
              at={id === shownId ? at : null}
            />
          );
        })}
      </div>
    </div>
  );
}

/** The session's head (title, path, branch), its tab strip (tabs, toolbar) and its error bar,
 * with what the shown worker means for the page: attention, tab shortcuts, seen. */
function SessionBars({ session, active }: { session: Session; active: Worker | undefined }) {
  const { attention } = useServices();
  const state = useAppState();
  const all = useEntries();
  const { agents } = useAgents();
  const entries = useMemo(() => workerEntries(all, session.id), [all, session.id]);
  const [error, setError] = useState<string | null>(null);
  const openDiff = useOpenDiff(session, setError);

  useEffect(() => {
    attention.setViewing(session.id, active?.id ?? null);
  }, [attention, session.id, active?.id]);
  useTabShortcuts(session, active);
  useSeen(session.id, active);

  return (
    <>
      <div class="session-head">
        <BackLink />
        <div class="session-title">
          <h1>{sessionLabel(session)}</h1>
          <span class="mono muted path" title={session.locationPath}>
            <bdi>{session.locationPath}</bdi>
          </span>
          {session.type === "worktree" && session.worktreeId !== undefined && <BranchEditor session={session} />}
        </div>
        <NextAttention current={active === undefined ? null : activityKey(session.id, active.id)} />
        <PaletteButton />
      </div>
      <div class="tab-strip">
        <BackLink inStrip />
        <WorkerTabs
          session={session}
          activeId={active?.id ?? null}
          entries={entries}
          onOpenDiff={session.type === "worktree" && !session.workers.some((w) => w.type === "git-diff") ? openDiff : null}
        />
        <SessionToolbar
          session={session}
          worker={active ?? null}
          agents={agents ?? []}
          activity={active?.type === "agent" ? activityOf(state, session.id, active.id) : null}
          onError={setError}
        />
      </div>
      {error !== null && (
        <div class="term-bar notice" role="alert" data-testid="session-error">
          <span class="notice-text">{error}</span>
          <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => setError(null)}>
            <CloseIcon />
          </button>
        </div>
      )}
    </>
  );
}

/** The head and tab strip while the app state is on its way: as tall as they will be, so the
 * terminal below them keeps its size. */
function PendingBars() {
  return (
    <>
      <div class="session-head">
        <BackLink />
        <div class="session-title">
          <h1 class="muted">Loading session…</h1>
        </div>
        <PaletteButton />
      </div>
      <div class="tab-strip">
        <BackLink inStrip />
        <div class="tabs" aria-hidden="true">
          <span class="tab pending-tab" />
        </div>
      </div>
    </>
  );
}

/** Back to all sessions: in the head, and in the tab strip where the head is hidden (phones). */
function BackLink({ inStrip = false }: { inStrip?: boolean }) {
  const path = routePath({ page: "dashboard" });
  return (
    <a class={inStrip ? "back strip-back" : "back"} href={path} onClick={onLinkClick(path)} aria-label="All sessions">
      <BackIcon />
    </a>
  );
}

function PaletteButton() {
  return (
    <button type="button" class="icon-button narrow-only" aria-label="Go to…" data-testid="open-palette" onClick={() => runCommand("palette")}>
      <SearchIcon />
    </button>
  );
}

/**
 * One WorkerTerminal per worker that has been shown, kept while the page is open so switching
 * tabs is instant; disposed when its worker goes away (or is a diff review) or the page closes.
 * `workers` is null while the app state is on its way: the shown worker is then the URL's.
 */
function useTerminals(sessionId: string, workers: readonly Worker[] | null, shownId: string | null): Map<string, WorkerTerminal> {
  const ref = useRef(new Map<string, WorkerTerminal>());
  const [, rerender] = useState(0);
  const map = ref.current;
  if (shownId !== null && !map.has(shownId)) map.set(shownId, new WorkerTerminal(sessionId, shownId));
  useEffect(() => {
    if (workers === null) return;
    const live = new Set(workers.filter((w) => w.type !== "git-diff").map((w) => w.id));
    for (const [id, terminal] of map) {
      if (!live.has(id)) {
        terminal.dispose();
        map.delete(id);
        rerender((n) => n + 1);
      }
    }
  });
  useEffect(() => () => {
    for (const terminal of map.values()) terminal.dispose();
    map.clear();
  }, [map]);
  return map;
}

/** Opens the session's diff review: its git-diff worker, added first if it has none. */
function useOpenDiff(session: Session, onError: (message: string | null) => void): () => void {
  return () => {
    const existing = session.workers.find((w) => w.type === "git-diff");
    if (existing !== undefined) return navigate({ page: "session", sessionId: session.id, workerId: existing.id });
    onError(null);
    api.addWorker(session.id, { type: "git-diff" }).then(
      ({ worker }) => navigate({ page: "session", sessionId: session.id, workerId: worker.id }),
      (e: unknown) => onError(e instanceof Error ? e.message : String(e)),
    );
  };
}

/**
 * The worker on screen is seen: when it finished or failed, the server is told (while the page is
 * visible), which clears the mark everywhere. An agent asking stays asking until it is answered.
 */
function useSeen(sessionId: string, worker: Worker | undefined): void {
  const id = worker?.id;
  const attention = worker?.attention ?? null;
  const since = worker?.attentionSince ?? null;
  useEffect(() => {
    if (id === undefined || attention === null || attention === "asking") return;
    const send = () => {
      if (document.visibilityState === "visible") api.markSeen(sessionId, id).catch(() => undefined);
    };
    send();
    document.addEventListener("visibilitychange", send);
    return () => document.removeEventListener("visibilitychange", send);
  }, [sessionId, id, attention, since]);
}

/** The session's workers' entries by worker id. */
function workerEntries(all: readonly WorkerEntry[], sessionId: string): Map<string, WorkerEntry> {
  return new Map(all.filter((e) => e.session.id === sessionId).map((e) => [e.worker.id, e]));
}

/**
 * Tab N, previous and next tab (keymap.ts: Alt+… off the terminal, Ctrl+Shift+… anywhere), and
 * leaving the terminal: focus goes to the shown tab, from where Tab walks on through the page.
 */
function useTabShortcuts(session: Session, active: Worker | undefined): void {
  const open = (target: Worker | undefined) => {
    if (target !== undefined) navigate({ page: "session", sessionId: session.id, workerId: target.id });
  };
  const index = session.workers.findIndex((w) => w.id === active?.id);
  const count = session.workers.length;
  useCommand("tab", ({ index: n }) => open(session.workers[n ?? 0]));
  useCommand("tab-previous", () => open(session.workers[(index - 1 + count) % count]));
  useCommand("tab-next", () => open(session.workers[(index + 1) % count]));
  useCommand("leave-terminal", () => document.querySelector<HTMLElement>('.tab[aria-selected="true"]')?.focus());
}
