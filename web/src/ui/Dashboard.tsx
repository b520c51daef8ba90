/**
 * The dashboard: each registered repository with its worktrees and the sessions in them, then
 * the quick sessions, with live activity; sessions that can no longer work are listed on top.
 */

import { useEffect, useState } from "preact/hooks";
import { groupDashboard, worktreeSignature } from "../groups";
import { AddRepositoryDialog } from "./AddRepositoryDialog";
import { useAgents, useAppState, usePageTitle, useRepositories, useServices } from "./hooks";
import { InvalidSessions } from "./InvalidSessions";
import { NewSessionDialog } from "./NewSessionDialog";
import { RepositorySection } from "./RepositorySection";
import { SessionCard } from "./SessionCard";

export function Dashboard() {
  const { app, attention } = useServices();
  const state = useAppState();
  const { agents } = useAgents();
  const repos = useRepositories();
  const [dialog, setDialog] = useState<"session" | "repository" | null>(null);
  usePageTitle("Agent Console");
  useWorktreeRefresh(worktreeSignature(state.sessions));

  useEffect(() => {
    attention.setViewing(null);
    // The socket outlives this page: coming back to it asks for a fresh picture (seed).
    if (app.status.kind === "open") app.requestSync();
  }, [app, attention]);

  const groups = groupDashboard(state.sessions, repos.repositories ?? [], repos.worktrees);
  const empty = state.synced && state.sessions.length === 0 && (repos.repositories ?? []).length === 0;
  return (
    <div class="page dashboard">
      <div class="page-head">
        <div>
          <h1>Sessions</h1>
          <p class="muted">{summaryLine(state.sessions.length, countAgents(state.activity))}</p>
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
      {empty && (
        <div class="empty">
          <h2>No sessions yet</h2>
          <p>Start an agent or a shell in any directory, or add a git repository to give each agent a worktree of its own.</p>
          <p>Sessions keep running when you close the browser.</p>
          <button type="button" class="button primary" onClick={() => setDialog("session")}>
            Start a session
          </button>
        </div>
      )}
      {groups.repositories.map((group) => (
        <RepositorySection
          key={group.key}
          group={group}
          pending={repos.repositories === null}
          error={repos.worktreeErrors.get(group.repositoryId) ?? null}
          activity={state.activity}
          agents={agents ?? []}
        />
      ))}
      {groups.quick.length > 0 && (
        <section class="group" data-group="quick">
          <h2 class="group-title">Quick sessions</h2>
          <div class="cards">
            {groups.quick.map((session) => (
              <SessionCard key={session.id} session={session} activity={state.activity} agents={agents ?? []} />
            ))}
          </div>
        </section>
      )}
      {dialog === "session" && <NewSessionDialog agents={agents ?? []} onClose={() => setDialog(null)} />}
      {dialog === "repository" && <AddRepositoryDialog onClose={() => setDialog(null)} />}
    </div>
  );
}

/** Reloads repositories on mount, and worktrees whenever worktree sessions come, go or move. */
function useWorktreeRefresh(signature: string): void {
  const { repositories } = useServices();
  useEffect(() => void repositories.reload(), [repositories, signature]);
}

function countAgents(activity: Readonly<Record<string, string>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const state of Object.values(activity)) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
}

function summaryLine(sessions: number, counts: Record<string, number>): string {
  const parts = [`${sessions} session${sessions === 1 ? "" : "s"}`];
  if (counts.active) parts.push(`${counts.active} working`);
  if (counts.asking) parts.push(`${counts.asking} asking`);
  if (counts.idle) parts.push(`${counts.idle} idle`);
  return parts.join(" · ");
}
