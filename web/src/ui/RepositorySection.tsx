/**
 * One repository on the dashboard: its worktrees (main first) with the sessions in each, and the
 * actions — new worktree, new session in a worktree, delete a worktree, remove the repository.
 */

import { useState } from "preact/hooks";
import { api } from "../api";
import type { RepositoryGroup, WorktreeGroup } from "../groups";
import type { Agent, Repository, Session, Worktree } from "../protocol";
import type { WorkerEntry } from "../triage";
import { ConfirmDialog } from "./common";
import { DeleteWorktreeDialog } from "./DeleteWorktreeDialog";
import { useServices } from "./hooks";
import { BranchIcon, PlusIcon, RepoIcon, TrashIcon } from "./icons";
import { NewSessionDialog } from "./NewSessionDialog";
import { NewWorktreeDialog } from "./NewWorktreeDialog";
import { SessionCard } from "./SessionCard";

interface Props {
  group: RepositoryGroup;
  /** The repository list is still loading: a missing repository is not known to be gone. */
  pending: boolean;
  error: string | null;
  workersOf: (session: Session) => readonly WorkerEntry[];
  /** The sessions the filters let through (null: no filter). */
  visible: ReadonlySet<string> | null;
  agents: readonly Agent[];
}

type Dialog =
  | { kind: "new-worktree" }
  | { kind: "remove" }
  | { kind: "delete-worktree"; worktree: Worktree; sessions: number }
  | { kind: "new-session"; worktree: Worktree }
  | null;

export function RepositorySection({ group, pending, error, workersOf, visible, agents }: Props) {
  const { repositories } = useServices();
  const [dialog, setDialog] = useState<Dialog>(null);
  const repo = group.repository;
  const close = () => setDialog(null);
  const listed = group.worktrees.flatMap((w) => (w.worktree === null ? [] : [w.worktree]));
  return (
    <section class="group repo-group" data-group="repository" data-repository-id={group.repositoryId}>
      <header class="repo-head">
        <span class="repo-icon">
          <RepoIcon />
        </span>
        <div class="repo-title">
          <h2>{repo?.name ?? (pending ? "Repository" : "Repository no longer registered")}</h2>
          <span class="mono muted path" title={repo?.path}>
            <bdi>{repo?.path ?? (pending ? "" : "Its sessions keep running; add the repository again to manage its worktrees.")}</bdi>
          </span>
        </div>
        {repo !== null && (
          <div class="repo-actions">
            <button type="button" class="button small" onClick={() => setDialog({ kind: "new-worktree" })}>
              <PlusIcon /> <span class="wide-only">New worktree</span>
              <span class="narrow-only">Worktree</span>
            </button>
            <button type="button" class="icon-button" title="Remove repository" aria-label={`Remove repository ${repo.name}`} onClick={() => setDialog({ kind: "remove" })}>
              <TrashIcon />
            </button>
          </div>
        )}
      </header>
      {error !== null && <p class="form-error repo-error">Could not list worktrees: {error}</p>}
      <div class="worktrees">
        {group.worktrees.map((wt) => (
          <WorktreeBlock
            key={wt.key}
            group={wt}
            loaded={group.loaded}
            workersOf={workersOf}
            visible={visible}
            agents={agents}
            onNewSession={repo === null || wt.worktree === null ? null : (worktree) => setDialog({ kind: "new-session", worktree })}
            onDelete={repo === null ? null : (worktree) => setDialog({ kind: "delete-worktree", worktree, sessions: wt.sessions.length })}
          />
        ))}
        {group.loaded && group.worktrees.length === 0 && <p class="muted worktree-empty">No worktrees.</p>}
      </div>
      {repo !== null && dialog?.kind === "new-worktree" && <NewWorktreeDialog repository={repo} worktrees={listed} agents={agents} onClose={close} />}
      {repo !== null && dialog?.kind === "delete-worktree" && (
        <DeleteWorktreeDialog repository={repo} worktree={dialog.worktree} sessions={dialog.sessions} onClose={close} />
      )}
      {dialog?.kind === "new-session" && <NewSessionDialog agents={agents} worktree={dialog.worktree} onClose={close} />}
      {repo !== null && dialog?.kind === "remove" && (
        <ConfirmDialog
          title="Remove repository?"
          message={<RemoveMessage repo={repo} sessions={group.worktrees.reduce((n, w) => n + w.sessions.length, 0)} />}
          confirmLabel="Remove"
          onConfirm={async () => {
            await api.removeRepository(repo.id);
            await repositories.reload();
          }}
          onClose={close}
        />
      )}
    </section>
  );
}

function RemoveMessage({ repo, sessions }: { repo: Repository; sessions: number }) {
  return (
    <>
      <strong>{repo.name}</strong> will no longer be listed here. Nothing on disk is deleted
      {sessions > 0 ? `, and its ${sessions} session${sessions === 1 ? "" : "s"} keep running` : ""}.
    </>
  );
}

interface BlockProps {
  group: WorktreeGroup;
  loaded: boolean;
  workersOf: (session: Session) => readonly WorkerEntry[];
  visible: ReadonlySet<string> | null;
  agents: readonly Agent[];
  onNewSession: ((worktree: Worktree) => void) | null;
  onDelete: ((worktree: Worktree) => void) | null;
}

function WorktreeBlock({ group, loaded, workersOf, visible, agents, onNewSession, onDelete }: BlockProps) {
  const wt = group.worktree;
  const sessions = visible === null ? group.sessions : group.sessions.filter((s) => visible.has(s.id));
  if (visible !== null && sessions.length === 0) return null;
  return (
    <div class="worktree" data-branch={group.branch} data-worktree-path={wt?.path}>
      <div class="worktree-head">
        <span class="branch-name mono">
          <BranchIcon />
          <span class="branch-text">{group.branch === "" ? "detached HEAD" : group.branch}</span>
        </span>
        {wt?.isMain === true && <span class="badge neutral">main worktree</span>}
        {wt === null && loaded && (
          <span class="badge warn" title="git does not list a worktree for these sessions">
            worktree not found
          </span>
        )}
        {wt !== null && (
          <span class="mono muted path small" title={wt.path}>
            <bdi>{wt.path}</bdi>
          </span>
        )}
        <span class="worktree-actions">
          {wt !== null && onNewSession !== null && (
            <button
              type="button"
              class="button small subtle"
              title="Start a session in this worktree"
              aria-label={`New session on ${group.branch || "detached HEAD"}`}
              onClick={() => onNewSession(wt)}
            >
              <PlusIcon /> <span class="wide-only">Session</span>
            </button>
          )}
          {wt !== null && !wt.isMain && onDelete !== null && (
            <button type="button" class="icon-button" title="Delete worktree" aria-label={`Delete worktree ${group.branch}`} onClick={() => onDelete(wt)}>
              <TrashIcon />
            </button>
          )}
        </span>
      </div>
      {sessions.length > 0 && (
        <div class="cards">
          {sessions.map((session) => (
            <SessionCard key={session.id} session={session} workers={workersOf(session)} inWorktree={session.type === "worktree"} />
          ))}
        </div>
      )}
    </div>
  );
}
