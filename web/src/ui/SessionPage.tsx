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
  if (session === undefined) {
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
  return <SessionView session={session} workerId={workerId} />;
}

function SessionView({ session, workerId }: { session: Session; workerId: string | null }) {
  const { attention } = useServices();
  const state = useAppState();
  const all = useEntries();
  const { agents } = useAgents();
  const active = session.workers.find((w) => w.id === workerId) ?? session.workers[0];
  const route = useRoute();
  const at = route.page === "session" && route.workerId === active?.id ? (route.at ?? null) : null;
  const terminals = useTerminals(session, active);
  const entries = useMemo(() => workerEntries(all, session.id), [all, session.id]);
  const { screenReader } = usePreferences();
  useEffect(() => {
    for (const terminal of terminals.values()) terminal.setScreenReader(screenReader);
  });
  const [error, setError] = useState<string | null>(null);
  const openDiff = useOpenDiff(session, setError);

  useEffect(() => {
    attention.setViewing(session.id, active?.id ?? null);
  }, [attention, session.id, active?.id]);
  useTabShortcuts(session, active);
  useSeen(session.id, active);

  const path = routePath({ page: "dashboard" });
  return (
    <div class="session-page">
      <div class="session-head">
        <a class="back" href={path} onClick={onLinkClick(path)} aria-label="All sessions">
          <BackIcon />
        </a>
        <div class="session-title">
          <h1>{sessionLabel(session)}</h1>
          <span class="mono muted path" title={session.locationPath}>
            <bdi>{session.locationPath}</bdi>
          </span>
          {session.type === "worktree" && session.worktreeId !== undefined && <BranchEditor session={session} />}
        </div>
        <NextAttention current={active === undefined ? null : activityKey(session.id, active.id)} />
        <button type="button" class="icon-button narrow-only" aria-label="Go to…" data-testid="open-palette" onClick={() => runCommand("palette")}>
          <SearchIcon />
        </button>
      </div>
      <div class="tab-strip">
        <a class="back strip-back" href={path} onClick={onLinkClick(path)} aria-label="All sessions">
          <BackIcon />
        </a>
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
      <div class="terminals">
        {session.workers.length === 0 && <div class="placeholder">This session has no workers. Add a terminal or an agent.</div>}
        {active?.type === "git-diff" && <DiffPane key={active.id} session={session} worker={active} />}
        {session.workers.map((worker) => {
          const terminal = terminals.get(worker.id);
          return terminal === undefined ? null : (
            <TerminalPane
              key={worker.id}
              sessionId={session.id}
              worker={worker}
              terminal={terminal}
              visible={worker.id === active?.id}
              fresh={canStartFresh(worker, agents ?? [])}
              at={worker.id === active?.id ? at : null}
            />
          );
        })}
      </div>
    </div>
  );
}

/**
 * One WorkerTerminal per worker that has been shown, kept while the page is open so switching
 * tabs is instant; disposed when its worker goes away or the page closes.
 */
function useTerminals(session: Session, active: Worker | undefined): Map<string, WorkerTerminal> {
  const ref = useRef(new Map<string, WorkerTerminal>());
  const [, rerender] = useState(0);
  const map = ref.current;
  if (active !== undefined && active.type !== "git-diff" && !map.has(active.id)) {
    map.set(active.id, new WorkerTerminal(session.id, active.id));
  }
  useEffect(() => {
    const live = new Set(session.workers.map((w) => w.id));
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
