/** One session on the dashboard: editable title, directory, branch, workers with live activity. */

import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { sessionLabel } from "../groups";
import type { ActivityState, Agent, Session, Worker } from "../protocol";
import { routePath } from "../router";
import { activityKey } from "../state";
import { ActivityBadge, ConfirmDialog, exitText, WorkerIcon } from "./common";
import { PencilIcon, TrashIcon } from "./icons";
import { onLinkClick } from "./navigation";

interface Props {
  session: Session;
  activity: Readonly<Record<string, ActivityState>>;
  agents: Agent[];
  /** Shown under its worktree, which already says the directory and branch. */
  inWorktree?: boolean;
}

export function SessionCard({ session, activity, agents, inWorktree = false }: Props) {
  const [confirming, setConfirming] = useState(false);
  const href = routePath({ page: "session", sessionId: session.id, workerId: null });
  const asking = session.workers.some((w) => activity[activityKey(session.id, w.id)] === "asking");
  return (
    <article class={asking ? "card session-card attention" : "card session-card"} data-session-id={session.id}>
      <header class="card-head">
        <TitleEditor session={session} href={href} />
        <button type="button" class="icon-button" title="Delete session" aria-label="Delete session" onClick={() => setConfirming(true)}>
          <TrashIcon />
        </button>
      </header>
      {!inWorktree && (
        <div class="card-meta">
          <span class="mono path" title={session.locationPath}>
            <bdi>{session.locationPath}</bdi>
          </span>
          {session.worktreeId !== undefined && <span class="branch mono">⎇ {session.worktreeId}</span>}
        </div>
      )}
      <ul class="worker-list">
        {session.workers.map((worker) => (
          <WorkerRow key={worker.id} session={session} worker={worker} agents={agents} state={activity[activityKey(session.id, worker.id)] ?? "unknown"} />
        ))}
        {session.workers.length === 0 && <li class="muted">No workers</li>}
      </ul>
      {confirming && (
        <ConfirmDialog
          title="Delete session?"
          message={
            <>
              <strong>{sessionLabel(session)}</strong> and its {session.workers.length} worker
              {session.workers.length === 1 ? "" : "s"} will be stopped. Files in {session.locationPath} stay as they are.
            </>
          }
          confirmLabel="Stop and delete"
          onConfirm={async () => void (await api.deleteSession(session.id))}
          onClose={() => setConfirming(false)}
        />
      )}
    </article>
  );
}

function WorkerRow(props: { session: Session; worker: Worker; agents: Agent[]; state: ActivityState }) {
  const { session, worker } = props;
  const href = routePath({ page: "session", sessionId: session.id, workerId: worker.id });
  const agent = worker.type === "agent" ? props.agents.find((a) => a.id === worker.agentId) : undefined;
  return (
    <li class="worker-row" data-worker-id={worker.id}>
      <a href={href} onClick={onLinkClick(href)} class="worker-link">
        <WorkerIcon worker={worker} />
        <span class="worker-name">{worker.name}</span>
        {agent !== undefined && agent.name !== worker.name && <span class="muted small">{agent.name}</span>}
      </a>
      {worker.status === "exited" ? (
        <span class="badge exited">{exitText(worker.exitCode, worker.signal)}</span>
      ) : (
        worker.type === "agent" && <ActivityBadge state={props.state} />
      )}
    </li>
  );
}

function TitleEditor({ session, href }: { session: Session; href: string }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);
  const save = async () => {
    const title = value.trim();
    if (title === "" || title === session.title) return setEditing(false);
    try {
      await api.updateSession(session.id, { title });
      setEditing(false);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  if (!editing) {
    return (
      <div class="title-row">
        <a class="card-title" href={href} onClick={onLinkClick(href)}>
          {sessionLabel(session)}
        </a>
        <button
          type="button"
          class="icon-button subtle"
          title="Rename"
          aria-label="Rename session"
          onClick={() => {
            setValue(session.title ?? "");
            setEditing(true);
          }}
        >
          <PencilIcon />
        </button>
      </div>
    );
  }
  return (
    <form class="title-edit" onSubmit={(e) => (e.preventDefault(), void save())}>
      <input
        class="input"
        value={value}
        aria-label="Session title"
        placeholder={sessionLabel(session)}
        ref={input}
        onInput={(e) => setValue(e.currentTarget.value)}
        onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
        onBlur={() => void save()}
      />
      {error !== null && <span class="field-error">{error}</span>}
    </form>
  );
}
