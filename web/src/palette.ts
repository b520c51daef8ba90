/**
 * The command palette's items and search (pure): every session, worker, repository and branch
 * by name, plus the console's commands; a query matches words in order, best matches first.
 */

import { sessionLabel } from "./groups";
import type { Repository, Session, Worktree } from "./protocol";
import type { Route } from "./router";

export type PaletteAction =
  | { kind: "go"; route: Route }
  | { kind: "repository"; repositoryId: string }
  | { kind: "branch"; worktree: Worktree }
  | { kind: "command"; id: string };

export interface PaletteItem {
  key: string;
  kind: "session" | "worker" | "repository" | "branch" | "command";
  title: string;
  /** Where it is: a session's directory, a worker's session, a branch's repository… */
  detail: string;
  action: PaletteAction;
}

export interface PaletteSources {
  sessions: readonly Session[];
  repositories: readonly Repository[];
  worktrees: ReadonlyMap<string, readonly Worktree[]>;
  commands: readonly { id: string; title: string; detail?: string }[];
}

export function paletteItems(sources: PaletteSources): PaletteItem[] {
  const items: PaletteItem[] = [];
  for (const session of sources.sessions) {
    const label = sessionLabel(session);
    const branch = session.worktreeId === undefined ? "" : ` · ${session.worktreeId}`;
    items.push({
      key: `s:${session.id}`,
      kind: "session",
      title: label,
      detail: `${session.locationPath}${branch}`,
      action: { kind: "go", route: { page: "session", sessionId: session.id, workerId: null } },
    });
    for (const worker of session.workers) {
      items.push({
        key: `w:${session.id}/${worker.id}`,
        kind: "worker",
        title: worker.name,
        detail: `${label}${branch}`,
        action: { kind: "go", route: { page: "session", sessionId: session.id, workerId: worker.id } },
      });
    }
  }
  for (const repo of sources.repositories) {
    items.push({ key: `r:${repo.id}`, kind: "repository", title: repo.name, detail: repo.path, action: { kind: "repository", repositoryId: repo.id } });
    for (const worktree of sources.worktrees.get(repo.id) ?? []) {
      if (worktree.branch === "") continue;
      items.push({
        key: `b:${worktree.path}`,
        kind: "branch",
        title: worktree.branch,
        detail: `${repo.name} · ${worktree.path}`,
        action: { kind: "branch", worktree },
      });
    }
  }
  for (const command of sources.commands) {
    items.push({ key: `c:${command.id}`, kind: "command", title: command.title, detail: command.detail ?? "", action: { kind: "command", id: command.id } });
  }
  return items;
}

/**
 * How well `query` matches `text`: every query word must occur in the text (in any order);
 * a word at a word start scores more, in the title more than in the detail. 0: no match.
 */
export function score(query: string, title: string, detail: string): number {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== "");
  if (words.length === 0) return 1;
  const t = title.toLowerCase();
  const d = detail.toLowerCase();
  let total = 0;
  for (const word of words) {
    const inTitle = wordScore(t, word);
    const inDetail = wordScore(d, word) / 3;
    const best = Math.max(inTitle, inDetail);
    if (best === 0) return 0;
    total += best;
  }
  return total + (t === query.toLowerCase().trim() ? 10 : 0);
}

function wordScore(text: string, word: string): number {
  const at = text.indexOf(word);
  if (at < 0) return 0;
  if (at === 0) return 6;
  return /[\s/._\-·:]/.test(text.charAt(at - 1)) ? 4 : 1;
}

const KIND_ORDER: Record<PaletteItem["kind"], number> = { worker: 0, session: 1, branch: 2, repository: 3, command: 4 };

/** The items that match, best first (ties: workers, sessions, branches, repositories, commands). */
export function search(items: readonly PaletteItem[], query: string, limit = 50): PaletteItem[] {
  return items
    .map((item, index) => ({ item, index, score: score(query, item.title, item.detail) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || KIND_ORDER[a.item.kind] - KIND_ORDER[b.item.kind] || a.index - b.index)
    .slice(0, limit)
    .map((x) => x.item);
}
