/**
 * The Diff tab of a session: what changed in its worktree against a base commit — the file list
 * and each file's diff — kept current by the DiffFeed it mounts (refetched on `diff-changed`).
 */

import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import type { WorktreeDiff } from "../api";
import { DiffFeed, type DiffStatus } from "../diff/diff-feed";
import { foldedAtFirst, type Layout } from "../diff/view";
import type { Session, Worker } from "../protocol";
import { Close } from "../protocol";
import { BaseCommitEditor } from "./BaseCommitEditor";
import { DiffFile, fileAnchor, StatusMark, Stats } from "./DiffFile";
import { useExternal, useMediaQuery, useNow, useStoredChoice } from "./hooks";
import { RestartIcon } from "./icons";

export type DiffWorker = Extract<Worker, { type: "git-diff" }>;
const LAYOUTS = ["unified", "split"] as const;

export function DiffPane({ session, worker }: { session: Session; worker: DiffWorker }) {
  const feed = useMemo(() => new DiffFeed(session.id, worker.id), [session.id, worker.id]);
  useEffect(() => {
    feed.start();
    return () => feed.dispose();
  }, [feed]);
  const status = useExternal(
    useCallback((l: () => void) => feed.subscribe(l), [feed]),
    () => feed.status,
  );
  const narrow = useMediaQuery("(max-width: 700px)");
  const [chosen, setLayout] = useStoredChoice<Layout>("agent-console:diff-layout", LAYOUTS, "unified");
  const layout = narrow ? "unified" : chosen;
  const folds = useFolds(status.diff);
  const [listOpen, setListOpen] = useState(false);
  const diff = status.diff;

  const jump = (path: string) => {
    folds.set(path, true);
    setListOpen(false);
    requestAnimationFrame(() => document.getElementById(fileAnchor(path))?.scrollIntoView({ block: "start" }));
  };
  return (
    <div class="diff-pane" data-worker-id={worker.id} data-loads={status.loads}>
      <div class="diff-toolbar">
        <BaseCommitEditor session={session} worker={worker} diff={diff} onChanged={() => feed.refresh()} />
        {diff !== null && <Summary diff={diff} onClick={narrow ? () => setListOpen(!listOpen) : null} open={listOpen} />}
        <span class="spacer" />
        <LiveState status={status} onRetry={() => feed.retryNow()} />
        {!narrow && (
          <div class="segmented small" role="group" aria-label="Layout">
            {LAYOUTS.map((l) => (
              <button key={l} type="button" class={l === layout ? "segment selected" : "segment"} aria-pressed={l === layout} onClick={() => setLayout(l)}>
                {l === "unified" ? "Unified" : "Side by side"}
              </button>
            ))}
          </div>
        )}
        <button type="button" class="icon-button" title="Refresh" aria-label="Refresh diff" onClick={() => feed.refresh()}>
          <RestartIcon />
        </button>
      </div>
      {status.error !== null && (
        <div class="term-bar notice" role="alert">
          {status.error}
        </div>
      )}
      <div class={narrow && listOpen ? "diff-body list-open" : "diff-body"}>
        {diff !== null && diff.files.length > 0 && <FileList diff={diff} onPick={jump} />}
        <div class="diff-files">
          {diff === null && <div class="placeholder">{status.error === null ? "Loading the diff…" : "The diff could not be loaded."}</div>}
          {diff !== null && diff.files.length === 0 && (
            <div class="placeholder" data-testid="no-changes">
              No changes against the base commit.
            </div>
          )}
          {diff?.files.map((file) => (
            <DiffFile key={file.path} file={file} layout={layout} open={folds.isOpen(file.path)} onToggle={() => folds.set(file.path, !folds.isOpen(file.path))} />
          ))}
        </div>
      </div>
    </div>
  );
}

function Summary({ diff, onClick, open }: { diff: WorktreeDiff; onClick: (() => void) | null; open: boolean }) {
  const n = diff.files.length;
  const text = (
    <>
      {n} file{n === 1 ? "" : "s"} <span class="stat-add">+{diff.additions}</span> <span class="stat-del">−{diff.deletions}</span>
    </>
  );
  if (onClick === null) return <span class="diff-summary mono">{text}</span>;
  return (
    <button type="button" class="button small diff-summary mono" aria-expanded={open} onClick={onClick}>
      {text}
    </button>
  );
}

function FileList({ diff, onPick }: { diff: WorktreeDiff; onPick: (path: string) => void }) {
  return (
    <nav class="diff-file-list" aria-label="Changed files">
      <ul>
        {diff.files.map((file) => {
          const slash = file.path.lastIndexOf("/");
          return (
            <li key={file.path}>
              <button type="button" class="file-link" title={file.path} onClick={() => onPick(file.path)}>
                <StatusMark status={file.status} />
                <span class="file-name">
                  <span>{file.path.slice(slash + 1)}</span>
                  {slash > 0 && <span class="muted file-dir">{file.path.slice(0, slash)}</span>}
                </span>
                <Stats file={file} />
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function LiveState({ status, onRetry }: { status: DiffStatus; onRetry: () => void }) {
  const c = status.connection;
  const now = useNow(500, c.kind === "waiting");
  if (c.kind === "closed" && c.code === Close.NORMAL && c.reason !== "client closed") return <span class="live gone">worker removed</span>;
  if (c.kind === "closed" && c.code === Close.NOT_FOUND) return <span class="live gone">worker gone</span>;
  if (c.kind === "waiting") {
    return (
      <span class="live warn" data-testid="diff-banner">
        offline, retry in {Math.max(0, Math.ceil((c.retryAt - now) / 1000))} s{" "}
        <button type="button" class="link-button" onClick={onRetry}>
          Retry now
        </button>
      </span>
    );
  }
  if (c.kind !== "open") return <span class="live warn">connecting…</span>;
  return (
    <span class="live on" title="Updates as files change">
      <span class="dot" /> <span class="wide-only">{status.loading ? "updating…" : "live"}</span>
    </span>
  );
}

/**
 * Which files are unfolded: the user's choice where they made one, else folded only when the
 * diff is large (foldedAtFirst). Choices survive reloads of the diff; they are keyed by path.
 */
function useFolds(diff: WorktreeDiff | null): { isOpen: (path: string) => boolean; set: (path: string, open: boolean) => void } {
  const [choices, setChoices] = useState<ReadonlyMap<string, boolean>>(new Map());
  const folded = useMemo(() => foldedAtFirst(diff?.files ?? []), [diff]);
  return {
    isOpen: (path) => choices.get(path) ?? !folded.has(path),
    set: (path, open) => setChoices((c) => new Map(c).set(path, open)),
  };
}
