/** One session on the dashboard: editable title, directory, branch, and each worker's state,
 * what it needs, its exit code and its latest screen lines. */

import { memo } from "preact/compat";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { sessionLabel } from "../groups";
import type { Session } from "../protocol";
import { routePath } from "../router";
import { meaningfulLines, openQuestion, type WorkerEntry } from "../triage";
import { ConfirmDialog } from "./common";
import { PencilIcon, TrashIcon } from "./icons";
import { AttentionBadge, exitText, StateBadge, WorkerIcon } from "./marks";
import { onLinkClick } from "./navigation";
import { QuestionAnswer } from "./QuestionAnswer";
import { TimeAgo } from "./TimeAgo";

interface Props {
  session: Session;
  /** The session's workers, in order. */
  workers: readonly WorkerEntry[];
  /** Shown under its worktree, which already says the directory and branch. */
  inWorktree?: boolean;
}

/** Re-rendered only when its session, its workers' entries or the agents change. */
export const SessionCard = memo(SessionCardView, (a, b) =>
  a.session === b.session && a.inWorktree === b.inWorktree && sameEntries(a.workers, b.workers),
);

function sameEntries(a: readonly WorkerEntry[], b: readonly WorkerEntry[]): boolean {
  return a.length === b.length && a.every((x, i) => {
    const y = b[i];
    return (
      y !== undefined && x.worker === y.worker && x.state === y.state && x.attention === y.attention && x.since === y.since && x.preview === y.preview && x.agentName === y.agentName
    );
  });
}

function SessionCardView({ session, workers, inWorktree = false }: Props) {
  const [confirming, setConfirming] = useState(false);
  const href = routePath({ page: "session", sessionId: session.id, workerId: null });
  const attention = workers.find((w) => w.attention !== null)?.attention ?? null;
  return (
    <article class={attention === null ? "card session-card" : `card session-card needs-${attention}`} data-session-id={session.id}>
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
        {workers.map((entry) => (
          <WorkerRow key={entry.worker.id} entry={entry} />
        ))}
        {workers.length === 0 && <li class="muted">No workers</li>}
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

function WorkerRow({ entry }: { entry: WorkerEntry }) {
  const { session, worker, state, attention, agentName } = entry;
  const href = routePath({ page: "session", sessionId: session.id, workerId: worker.id });
  const exited = state === "exited" || state === "failed";
  const question = openQuestion(worker);
  return (
    <li class={`worker-row state-${state}`} data-worker-id={worker.id} data-state={state}>
      <div class="worker-line">
        <a href={href} onClick={onLinkClick(href)} class="worker-link">
          <WorkerIcon worker={worker} />
          <span class="worker-name">{worker.name}</span>
          {agentName !== undefined && agentName !== worker.name && <span class="muted small agent-name">{agentName}</span>}
        </a>
        {attention !== null && attention !== "asking" && attention !== "failed" && <AttentionBadge attention={attention} />}
        {state !== "diff" && !(attention === "finished" && state === "idle") && (
          <StateBadge state={state} text={exited ? exitText(worker.exitCode, worker.signal) : undefined} />
        )}
        {entry.lastChange !== null && <TimeAgo since={entry.lastChange} />}
      </div>
      {question !== null ? (
        <QuestionAnswer sessionId={session.id} workerId={worker.id} question={question} />
      ) : (
        <PreviewLines entry={entry} count={2} />
      )}
    </li>
  );
}

/** The last lines of a worker's screen that say something (from the server's preview). */
export function PreviewLines({ entry, count }: { entry: WorkerEntry; count: number }) {
  const lines = meaningfulLines(entry.preview?.lines ?? [], count);
  return lines.length === 0 ? null : (
    <pre class="preview" data-testid="preview">
      {lines.join("\n")}
    </pre>
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
