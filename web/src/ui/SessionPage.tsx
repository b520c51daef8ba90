/** One session: a tab per worker with its activity, the terminal filling the page. */

import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { sessionLabel } from "../groups";
import type { Session, Worker } from "../protocol";
import { routePath } from "../router";
import { activityOf, findSession } from "../state";
import { WorkerTerminal } from "../terminal/worker-terminal";
import { useAgents, useAppState, usePageTitle, useServices } from "./hooks";
import { BranchEditor } from "./BranchEditor";
import { DiffPane } from "./DiffPane";
import { BackIcon, CloseIcon } from "./icons";
import { navigate, onLinkClick, useRoute } from "./navigation";
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
  const { agents } = useAgents();
  const active = session.workers.find((w) => w.id === workerId) ?? session.workers[0];
  const route = useRoute();
  const at = route.page === "session" && route.workerId === active?.id ? (route.at ?? null) : null;
  const terminals = useTerminals(session, active);
  const [error, setError] = useState<string | null>(null);
  const openDiff = useOpenDiff(session, setError);

  useEffect(() => {
    attention.setViewing(session.id, active?.id ?? null);
  }, [attention, session.id, active?.id]);
  useTabShortcuts(session, active);

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
      </div>
      <div class="tab-strip">
        <WorkerTabs
          session={session}
          activeId={active?.id ?? null}
          activity={(w) => activityOf(state, session.id, w)}
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

/** Alt+1…9 picks a tab, Alt+[ and Alt+] step through them — even while the terminal has focus. */
function useTabShortcuts(session: Session, active: Worker | undefined): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const index = session.workers.findIndex((w) => w.id === active?.id);
      const digit = /^Digit([1-9])$/.exec(event.code);
      let target: Worker | undefined;
      if (digit !== null) target = session.workers[Number(digit[1]) - 1];
      else if (event.code === "BracketLeft") target = session.workers.at((index - 1) % session.workers.length);
      else if (event.code === "BracketRight") target = session.workers[(index + 1) % session.workers.length];
      else return;
      event.preventDefault();
      event.stopPropagation();
      if (target !== undefined) navigate({ page: "session", sessionId: session.id, workerId: target.id });
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [session, active?.id]);
}
