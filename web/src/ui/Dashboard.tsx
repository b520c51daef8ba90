/** The dashboard: every session grouped by repository, then quick sessions, with live activity. */

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { groupSessions } from "../groups";
import type { Repository } from "../protocol";
import { useAgents, useAppState, usePageTitle, useServices } from "./hooks";
import { NewSessionDialog } from "./NewSessionDialog";
import { SessionCard } from "./SessionCard";

export function Dashboard() {
  const { app, attention } = useServices();
  const state = useAppState();
  const { agents } = useAgents();
  const repositories = useRepositories();
  const [creating, setCreating] = useState(false);
  usePageTitle("Agent Console");

  useEffect(() => {
    attention.setViewing(null);
    // The socket outlives this page: coming back to it asks for a fresh picture (seed).
    if (app.status.kind === "open") app.requestSync();
  }, [app, attention]);

  const groups = groupSessions(state.sessions, repositories);
  return (
    <div class="page dashboard">
      <div class="page-head">
        <div>
          <h1>Sessions</h1>
          <p class="muted">{summaryLine(state.sessions.length, countAgents(state.activity))}</p>
        </div>
        <button type="button" class="button primary" onClick={() => setCreating(true)} data-testid="new-session">
          + New session
        </button>
      </div>
      {!state.synced && <div class="placeholder">Loading sessions…</div>}
      {state.synced && groups.length === 0 && (
        <div class="empty">
          <h2>No sessions yet</h2>
          <p>Start an agent or a shell in any directory. It keeps running when you close the browser.</p>
          <button type="button" class="button primary" onClick={() => setCreating(true)}>
            Start a session
          </button>
        </div>
      )}
      {groups.map((group) => (
        <section class="group" key={group.key} data-group={group.kind}>
          <h2 class="group-title">
            {group.title}
            {group.subtitle !== null && <span class="muted mono"> {group.subtitle}</span>}
          </h2>
          <div class="cards">
            {group.sessions.map((session) => (
              <SessionCard key={session.id} session={session} activity={state.activity} agents={agents ?? []} />
            ))}
          </div>
        </section>
      ))}
      {creating && <NewSessionDialog agents={agents ?? []} onClose={() => setCreating(false)} />}
    </div>
  );
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

/** Registered repositories, when the server has them (an older server answers 404: none). */
function useRepositories(): Repository[] {
  const [repositories, setRepositories] = useState<Repository[]>([]);
  useEffect(() => {
    api.listRepositories().then(
      (r) => setRepositories(r.repositories),
      () => setRepositories([]),
    );
  }, []);
  return repositories;
}
