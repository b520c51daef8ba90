/**
 * The dashboard's grouping of sessions (pure): each repository with its worktrees and the
 * sessions in each, then the quick sessions. Newest first inside a worktree and among quick ones.
 *
 * A session belongs to the worktree whose path is its directory, else the one on its branch
 * (`worktreeId`). A quick session whose directory lies in a listed worktree of a registered
 * repository (its main checkout, typically) shows under that worktree too. Sessions that match no listed worktree still show, under their branch, with no
 * worktree (the list is not loaded yet, or the worktree went away); sessions of a repository that
 * is no longer registered keep running and show in a group of their own.
 */

import type { Repository, Session, Worktree } from "./protocol";

export interface WorktreeGroup {
  key: string;
  branch: string;
  /** null: no listed worktree matches these sessions. */
  worktree: Worktree | null;
  sessions: Session[];
}

export interface RepositoryGroup {
  key: string;
  repositoryId: string;
  /** null: the sessions name a repository that is not registered (any more). */
  repository: Repository | null;
  /** Whether the repository's worktree list has been loaded. */
  loaded: boolean;
  worktrees: WorktreeGroup[];
}

export interface DashboardGroups {
  repositories: RepositoryGroup[];
  quick: Session[];
}

export function groupDashboard(
  sessions: readonly Session[],
  repositories: readonly Repository[],
  worktrees: ReadonlyMap<string, readonly Worktree[]>,
): DashboardGroups {
  const byRepo = new Map<string, Session[]>();
  const quick: Session[] = [];
  const listed = repositories.flatMap((r) => worktrees.get(r.id) ?? []);
  for (const session of sessions) {
    const repoId = session.type === "worktree" ? session.repositoryId : containing(listed, session.locationPath)?.repositoryId;
    if (repoId === undefined) quick.push(session);
    else byRepo.set(repoId, [...(byRepo.get(repoId) ?? []), session]);
  }
  const registered = [...repositories].sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
  const groups = registered.map((repo) => repositoryGroup(repo.id, repo, worktrees.get(repo.id), byRepo.get(repo.id) ?? []));
  const known = new Set(repositories.map((r) => r.id));
  for (const [id, list] of byRepo) if (!known.has(id)) groups.push(repositoryGroup(id, null, undefined, list));
  return { repositories: groups, quick: quick.sort(newestFirst) };
}

function repositoryGroup(
  id: string,
  repository: Repository | null,
  listed: readonly Worktree[] | undefined,
  sessions: Session[],
): RepositoryGroup {
  const ordered = [...(listed ?? [])].sort(mainThenBranch);
  const groups: WorktreeGroup[] = ordered.map((w) => ({ key: `wt:${trimPath(w.path)}`, branch: w.branch, worktree: w, sessions: [] }));
  const strays = new Map<string, Session[]>();
  for (const session of sessions) {
    const inside = session.type === "quick" ? containing(ordered, session.locationPath) : undefined;
    const group = groups.find((g) => g.worktree !== null && (g.worktree === inside || samePath(g.worktree.path, session.locationPath))) ??
      groups.find((g) => g.branch !== "" && g.branch === session.worktreeId);
    if (group !== undefined) group.sessions.push(session);
    else strays.set(session.worktreeId ?? "", [...(strays.get(session.worktreeId ?? "") ?? []), session]);
  }
  for (const [branch, list] of [...strays].sort(([a], [b]) => a.localeCompare(b))) {
    // Keyed by folder like a listed worktree: when the list arrives, its cards stay mounted.
    const path = trimPath(list[0]?.locationPath ?? branch);
    const key = groups.some((g) => g.key === `wt:${path}`) ? `branch:${branch}` : `wt:${path}`;
    groups.push({ key, branch, worktree: null, sessions: list });
  }
  for (const group of groups) group.sessions.sort(newestFirst);
  return { key: `repo:${id}`, repositoryId: id, repository, loaded: listed !== undefined, worktrees: groups };
}

function mainThenBranch(a: Worktree, b: Worktree): number {
  return Number(b.isMain) - Number(a.isMain) || a.branch.localeCompare(b.branch) || a.path.localeCompare(b.path);
}

function trimPath(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}

function samePath(a: string, b: string): boolean {
  return trimPath(a) === trimPath(b);
}

/** The deepest of `worktrees` whose folder is `path` or holds it. */
function containing(worktrees: readonly Worktree[], path: string): Worktree | undefined {
  const target = trimPath(path);
  let best: Worktree | undefined;
  for (const w of worktrees) {
    const root = trimPath(w.path);
    const inside = target === root || target.startsWith(root === "/" ? "/" : `${root}/`);
    if (inside && (best === undefined || root.length > trimPath(best.path).length)) best = w;
  }
  return best;
}

/** The registered repository a session belongs to: its own, or the one whose worktree holds it. */
export function repositoryOf(
  session: Session,
  repositories: readonly Repository[],
  worktrees: ReadonlyMap<string, readonly Worktree[]>,
): string | undefined {
  if (session.repositoryId !== undefined) return session.repositoryId;
  return containing(repositories.flatMap((r) => worktrees.get(r.id) ?? []), session.locationPath)?.repositoryId;
}

function newestFirst(a: Session, b: Session): number {
  return b.createdAt.localeCompare(a.createdAt);
}

/**
 * What tells the dashboard to reload worktree lists: the repositories, worktrees and directories
 * that worktree sessions name. It changes when a worktree session comes, goes or changes branch.
 */
export function worktreeSignature(sessions: readonly Session[]): string {
  return sessions
    .filter((s) => s.type === "worktree")
    .map((s) => `${s.repositoryId ?? ""}\u0000${s.worktreeId ?? ""}\u0000${s.locationPath}`)
    .sort()
    .join("\u0001");
}

/** What a card calls a session: its title, else the last part of its directory. */
export function sessionLabel(session: Session): string {
  if (session.title !== undefined && session.title.trim() !== "") return session.title;
  const parts = session.locationPath.split("/").filter((p) => p !== "");
  return parts.at(-1) ?? session.locationPath;
}
