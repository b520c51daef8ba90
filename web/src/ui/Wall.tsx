/**
 * The wall: every live worker's screen at once, as a grid of small read-only snapshots that the
 * server's previews keep current. A tile repaints only when its own preview or state changes;
 * clicking one opens that worker.
 */

import { memo } from "preact/compat";
import { sessionLabel } from "../groups";
import { routePath } from "../router";
import { listOrder, type WorkerEntry } from "../triage";
import { AttentionBadge, StateMark } from "./marks";
import { onLinkClick } from "./navigation";
import { TimeAgo } from "./TimeAgo";

export function Wall({ entries }: { entries: readonly WorkerEntry[] }) {
  const live = listOrder(entries.filter((e) => e.state !== "exited" && e.state !== "failed" && e.state !== "diff"));
  if (live.length === 0) return <div class="placeholder">No live terminal to show.</div>;
  return (
    <ul class="wall" data-testid="wall" aria-label="Live screens">
      {live.map((entry) => (
        <Tile key={entry.key} entry={entry} />
      ))}
    </ul>
  );
}

const Tile = memo(TileView, (a, b) => {
  const x = a.entry;
  const y = b.entry;
  return x.preview === y.preview && x.state === y.state && x.attention === y.attention && x.worker === y.worker && x.session === y.session;
});

function TileView({ entry }: { entry: WorkerEntry }) {
  const { session, worker, state, attention, preview } = entry;
  const href = routePath({ page: "session", sessionId: session.id, workerId: worker.id });
  const label = `${worker.name} in ${sessionLabel(session)}`;
  return (
    <li class={attention === null ? "tile" : `tile needs-${attention}`} data-worker-id={worker.id} data-state={state}>
      <a class="tile-link" href={href} onClick={onLinkClick(href)} title={`Open ${label}`}>
        <span class="tile-head">
          <StateMark state={state} />
          <span class="tile-name">{worker.name}</span>
          <span class="tile-session">{sessionLabel(session)}</span>
          {attention !== null && <AttentionBadge attention={attention} />}
          {entry.lastChange !== null && <TimeAgo since={entry.lastChange} />}
        </span>
        <span class="tile-screen" aria-hidden="true">
          <pre>{preview === undefined ? "" : preview.lines.join("\n")}</pre>
        </span>
        {entry.lastLine !== "" && <span class="sr-only">{entry.lastLine}</span>}
      </a>
    </li>
  );
}
