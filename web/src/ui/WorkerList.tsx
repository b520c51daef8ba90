/** The list view: one line per worker — state, worker, session, branch, last line, idle time —
 * what needs you first. */

import { memo } from "preact/compat";
import { sessionLabel } from "../groups";
import { routePath } from "../router";
import { listOrder, type WorkerEntry } from "../triage";
import { AttentionBadge, exitText, StateBadge, WorkerIcon } from "./marks";
import { onLinkClick } from "./navigation";
import { TimeAgo } from "./TimeAgo";

export function WorkerList({ entries }: { entries: readonly WorkerEntry[] }) {
  const rows = listOrder(entries);
  return (
    <table class="worker-table" data-testid="worker-list">
      <caption class="sr-only">Every worker, those that need you first</caption>
      <thead>
        <tr>
          <th scope="col">State</th>
          <th scope="col">Worker</th>
          <th scope="col">Session</th>
          <th scope="col">Branch</th>
          <th scope="col">Last line</th>
          <th scope="col">Idle</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((entry) => (
          <Row key={entry.key} entry={entry} />
        ))}
      </tbody>
    </table>
  );
}

const Row = memo(RowView, (a, b) => {
  const x = a.entry;
  const y = b.entry;
  return (
    x.worker === y.worker &&
    x.session === y.session &&
    x.state === y.state &&
    x.attention === y.attention &&
    x.since === y.since &&
    x.lastLine === y.lastLine &&
    x.lastChange === y.lastChange
  );
});

function RowView({ entry }: { entry: WorkerEntry }) {
  const { session, worker, state, attention } = entry;
  const href = routePath({ page: "session", sessionId: session.id, workerId: worker.id });
  const exited = state === "exited" || state === "failed";
  return (
    <tr class={`worker-line-row state-${state}`} data-worker-id={worker.id} data-state={state} data-attention={attention ?? undefined}>
      <td class="col-state">
        {attention !== null && attention !== "failed" ? (
          <AttentionBadge attention={attention} />
        ) : (
          state !== "diff" && <StateBadge state={state} text={exited ? exitText(worker.exitCode, worker.signal) : undefined} />
        )}
      </td>
      <td class="col-worker">
        <a href={href} onClick={onLinkClick(href)} class="worker-link">
          <WorkerIcon worker={worker} />
          <span class="worker-name">{worker.name}</span>
        </a>
      </td>
      <td class="col-session">{sessionLabel(session)}</td>
      <td class="col-branch mono">{session.worktreeId ?? ""}</td>
      <td class="col-last mono">{entry.lastLine}</td>
      <td class="col-idle">{entry.lastChange !== null && <TimeAgo since={entry.lastChange} />}</td>
    </tr>
  );
}
