/**
 * The top of the dashboard: every agent that needs you — asking, then finished since you last
 * opened it, then failed — with its session, how long it has waited, and what it asks with the
 * buttons that answer it here. One click opens it (N does too).
 */

import { sessionLabel } from "../groups";
import { routePath } from "../router";
import { openQuestion, type WorkerEntry } from "../triage";
import { AttentionBadge, exitText } from "./marks";
import { onLinkClick } from "./navigation";
import { QuestionAnswer } from "./QuestionAnswer";
import { PreviewLines } from "./SessionCard";
import { TimeAgo } from "./TimeAgo";

export function NeedsYou({ entries }: { entries: readonly WorkerEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <section class="needs-you" aria-labelledby="needs-you-title" data-testid="needs-you">
      <h2 class="group-title" id="needs-you-title">
        Needs you <span class="count">{entries.length}</span>
        <span class="hint wide-only">
          <kbd>N</kbd> opens the first
        </span>
      </h2>
      <ol class="needs-list">
        {entries.map((entry) => (
          <NeedItem key={entry.key} entry={entry} />
        ))}
      </ol>
    </section>
  );
}

function NeedItem({ entry }: { entry: WorkerEntry }) {
  const { session, worker, attention } = entry;
  const href = routePath({ page: "session", sessionId: session.id, workerId: worker.id });
  if (attention === null) return null;
  const question = openQuestion(worker);
  return (
    <li class={`need need-${attention}`} data-worker-id={worker.id} data-attention={attention}>
      <a class="need-link" href={href} onClick={onLinkClick(href)}>
        <AttentionBadge attention={attention} text={attention === "failed" ? exitText(worker.exitCode, worker.signal) : undefined} />
        <span class="need-name">{worker.name}</span>
        <span class="need-session">
          {sessionLabel(session)}
          {session.worktreeId !== undefined && <span class="branch mono"> ⎇ {session.worktreeId}</span>}
        </span>
        {entry.since !== null && <TimeAgo since={entry.since} prefix="waiting " spoken="Waiting for " />}
      </a>
      {question !== null ? <QuestionAnswer sessionId={session.id} workerId={worker.id} question={question} /> : <PreviewLines entry={entry} count={1} />}
    </li>
  );
}
