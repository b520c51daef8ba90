/**
 * The dashboard: what needs you on top, then every session — as cards grouped by repository and
 * worktree, as a list with one line per worker, or as the wall of live screens — filtered by
 * state, repository and agent. Sessions that can no longer work are listed first.
 */

import { useEffect, useMemo, useState } from "preact/hooks";
import { groupDashboard, worktreeSignature, type DashboardGroups } from "../groups";
import type { Agent, Session } from "../protocol";
import { isFiltered, matches, needsYou, visibleSessionIds, type WorkerEntry } from "../triage";
import { AddRepositoryDialog } from "./AddRepositoryDialog";
import { DashboardBar } from "./DashboardBar";
import { useAgents, useAppState, useEntries, usePageTitle, usePreferences, useRepositories, useServices } from "./hooks";
import { InvalidSessions } from "./InvalidSessions";
import { NeedsYou } from "./NeedsYou";
import { NewSessionDialog } from "./NewSessionDialog";
import { RepositorySection } from "./RepositorySection";
import { SessionCard } from "./SessionCard";
import { useCommand } from "./shortcuts";
import { Wall } from "./Wall";
import { WorkerList } from "./WorkerList";

const NO_AGENTS: readonly Agent[] = [];
let shownBefore = false;

export function Dashboard() {
  const { app, attention, preferences } = useServices();
  const state = useAppState();
  const all = useEntries();
  const { agents } = useAgents();
  const repos = useRepositories();
  const { view, filters } = usePreferences();
  const [dialog, setDialog] = useState<"session" | "repository" | null>(null);
  usePageTitle("Agent Console");
  useWorktreeRefresh(worktreeSignature(state.sessions));
  useCommand("view-cards", () => preferences.update({ view: "cards" }));
  useCommand("view-list", () => preferences.update({ view: "list" }));
  useCommand("view-wall", () => preferences.update({ view: "wall" }));

  useEffect(() => {
    attention.setViewing(null);
    // The socket outlives this page: coming back to it asks for a fresh picture (seed). On the
    // page's first dashboard the socket's own first sync is that picture.
    if (app.status.kind === "open" && shownBefore) app.requestSync();
    shownBefore = true;
  }, [app, attention]);

  const groups = useMemo(() => groupDashboard(state.sessions, repos.repositories ?? [], repos.worktrees), [state.sessions, repos]);
  const shown = useMemo(() => all.filter((e) => matches(e, filters)), [all, filters]);
  const empty = state.synced && state.sessions.length === 0 && (repos.repositories ?? []).length === 0;
  return (
    <div class={`page dashboard view-${view}`}>
      <div class="page-head">
        <div>
          <h1>Sessions</h1>
          <p class="muted">{summaryLine(state.sessions.length, all)}</p>
        </div>
        <div class="page-actions">
          <button type="button" class="button" onClick={() => setDialog("repository")} data-testid="add-repository">
            + Add repository
          </button>
          <button type="button" class="button primary" onClick={() => setDialog("session")} data-testid="new-session">
            + New session
          </button>
        </div>
      </div>
      {!state.synced && <div class="placeholder">Loading sessions…</div>}
      {repos.error !== null && <p class="form-error">Could not list repositories: {repos.error}</p>}
      {state.synced && <InvalidSessions sessions={state.sessions} />}
      <NeedsYou entries={needsYou(all)} />
      {empty ? (
        <div class="empty">
          <h2>No sessions yet</h2>
          <p>Start an agent or a shell in any directory, or add a git repository to give each agent a worktree of its own.</p>
          <p>Sessions keep running when you close the browser.</p>
          <button type="button" class="button primary" onClick={() => setDialog("session")}>
            Start a session
          </button>
        </div>
      ) : (
        state.synced && <DashboardBar repositories={repos.repositories ?? []} agents={agents ?? NO_AGENTS} />
      )}
      {state.synced && isFiltered(filters) && shown.length === 0 && (
        <div class="placeholder" data-testid="no-match">
          No worker matches these filters.{" "}
          <button type="button" class="link-button" onClick={() => preferences.setFilters({ state: "all", repository: "all", agent: "all" })}>
            Clear filters
          </button>
        </div>
      )}
      {view === "cards" && <Cards groups={groups} all={all} agents={agents ?? NO_AGENTS} />}
      {view === "list" && shown.length > 0 && <WorkerList entries={shown} />}
      {view === "wall" && <Wall entries={shown} />}
      {dialog === "session" && <NewSessionDialog agents={agents ?? NO_AGENTS} onClose={() => setDialog(null)} />}
      {dialog === "repository" && <AddRepositoryDialog onClose={() => setDialog(null)} />}
    </div>
  );
}

function Cards({ groups, all, agents }: { groups: DashboardGroups; all: readonly WorkerEntry[]; agents: readonly Agent[] }) {
  const repos = useRepositories();
  const { filters } = usePreferences();
  const bySession = useMemo(() => {
    const map = new Map<string, WorkerEntry[]>();
    for (const e of all) map.set(e.session.id, [...(map.get(e.session.id) ?? []), e]);
    return map;
  }, [all]);
  const visible = useMemo(() => visibleSessionIds(all, filters), [all, filters]);
  const workersOf = (session: Session) => bySession.get(session.id) ?? [];
  const filtered = visible !== null;
  const quick = filtered ? groups.quick.filter((s) => visible.has(s.id)) : groups.quick;
  return (
    <>
      {groups.repositories
        .filter((g) => !filtered || g.worktrees.some((w) => w.sessions.some((s) => visible.has(s.id))))
        .map((group) => (
          <RepositorySection
            key={group.key}
            group={group}
            pending={repos.repositories === null}
            error={repos.worktreeErrors.get(group.repositoryId) ?? null}
            workersOf={workersOf}
            visible={visible}
            agents={agents}
          />
        ))}
      {quick.length > 0 && (
        <section class="group" data-group="quick">
          <h2 class="group-title">Quick sessions</h2>
          <div class="cards">
            {quick.map((session) => (
              <SessionCard key={session.id} session={session} workers={workersOf(session)} />
            ))}
          </div>
        </section>
      )}
    </>
  );
}

/** Reloads repositories on mount, and worktrees whenever worktree sessions come, go or move. */
function useWorktreeRefresh(signature: string): void {
  const { repositories } = useServices();
  useEffect(() => void repositories.reload(), [repositories, signature]);
}

function summaryLine(sessions: number, all: readonly WorkerEntry[]): string {
  const count = (state: WorkerEntry["state"]) => all.filter((e) => e.state === state).length;
  const parts = [`${sessions} session${sessions === 1 ? "" : "s"}`];
  const working = count("working");
  const idle = count("idle");
  if (working > 0) parts.push(`${working} working`);
  if (idle > 0) parts.push(`${idle} idle`);
  return parts.join(" · ");
}
