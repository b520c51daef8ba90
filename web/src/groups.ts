/**
 * The dashboard's grouping of sessions (pure): one group per repository (its sessions ordered by
 * worktree), then the quick sessions. Newest first inside a worktree and among quick sessions.
 */

import type { Repository, Session } from "./protocol";

export interface SessionGroup {
  key: string;
  kind: "repository" | "quick";
  title: string;
  subtitle: string | null;
  sessions: Session[];
}

export function groupSessions(
  sessions: readonly Session[],
  repositories: readonly Repository[],
): SessionGroup[] {
  const byRepo = new Map<string, Session[]>();
  const quick: Session[] = [];
  for (const session of sessions) {
    const repoId = session.type === "worktree" ? session.repositoryId : undefined;
    if (repoId === undefined) quick.push(session);
    else byRepo.set(repoId, [...(byRepo.get(repoId) ?? []), session]);
  }
  const groups: SessionGroup[] = [...byRepo.entries()].map(([id, list]) => {
    const repo = repositories.find((r) => r.id === id);
    return {
      key: `repo:${id}`,
      kind: "repository",
      title: repo?.name ?? "Repository",
      subtitle: repo?.path ?? null,
      sessions: [...list].sort(byWorktreeThenNewest),
    };
  });
  groups.sort((a, b) => a.title.localeCompare(b.title));
  if (quick.length > 0) {
    quick.sort(newestFirst);
    groups.push({ key: "quick", kind: "quick", title: "Quick sessions", subtitle: null, sessions: quick });
  }
  return groups;
}

function newestFirst(a: Session, b: Session): number {
  return b.createdAt.localeCompare(a.createdAt);
}

function byWorktreeThenNewest(a: Session, b: Session): number {
  return (a.worktreeId ?? "").localeCompare(b.worktreeId ?? "") || newestFirst(a, b);
}

/** What a card calls a session: its title, else the last part of its directory. */
export function sessionLabel(session: Session): string {
  if (session.title !== undefined && session.title.trim() !== "") return session.title;
  const parts = session.locationPath.split("/").filter((p) => p !== "");
  return parts.at(-1) ?? session.locationPath;
}
