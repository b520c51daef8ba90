/** The session page's tab per worker: name, activity dot, exit mark. */

import type { ActivityState, Session } from "../protocol";
import { routePath } from "../router";
import { ActivityDot, WorkerIcon } from "./common";
import { onLinkClick } from "./navigation";

interface Props {
  session: Session;
  activeId: string | null;
  activity: (workerId: string) => ActivityState;
  /** Shown as a "Diff" tab when the session has no diff worker yet: adds one and opens it. */
  onOpenDiff?: (() => void) | null;
}

export function WorkerTabs({ session, activeId, activity, onOpenDiff = null }: Props) {
  return (
    <nav class="tabs" role="tablist" aria-label="Workers">
      {session.workers.map((worker, index) => {
        const href = routePath({ page: "session", sessionId: session.id, workerId: worker.id });
        const selected = worker.id === activeId;
        return (
          <a
            key={worker.id}
            href={href}
            role="tab"
            aria-selected={selected}
            class={selected ? "tab active" : "tab"}
            title={index < 9 ? `${worker.name} (Alt+${index + 1})` : worker.name}
            data-worker-id={worker.id}
            onClick={onLinkClick(href)}
          >
            <WorkerIcon worker={worker} />
            <span class="tab-name">{worker.name}</span>
            {worker.type === "agent" && worker.status !== "exited" && <ActivityDot state={activity(worker.id)} />}
            {worker.status === "exited" && <span class="exit-mark" title="exited">■</span>}
          </a>
        );
      })}
      {onOpenDiff !== null && (
        <button type="button" class="tab ghost" title="Review what changed in this worktree" data-testid="open-diff" onClick={onOpenDiff}>
          <span class="worker-icon worker-git-diff" aria-hidden="true">
            ±
          </span>
          <span class="tab-name">Diff</span>
        </button>
      )}
    </nav>
  );
}
