/**
 * What the new-session dialog's directory field suggests (pure): registered repositories' main
 * checkouts, their other worktrees, recent directories and the server's folders that complete
 * what was typed; `~` stands for the server's home directory both ways.
 */

import type { Repository, Worktree } from "./protocol";

export interface DirectorySuggestion {
  path: string;
  kind: "repository" | "worktree" | "recent" | "folder";
  /** What it is: "payments-api · main checkout", "recent"… */
  label: string;
}

export interface SuggestionSources {
  repositories: readonly Repository[];
  worktrees: ReadonlyMap<string, readonly Worktree[]>;
  recent: readonly string[];
  /** Folders the server listed for what was typed (see api.directories). */
  folders: readonly string[];
  /** The server's home directory, once known. */
  home: string | null;
}

/** `~` and `~/x` as absolute paths under `home` (unchanged while home is unknown). */
export function expandHome(path: string, home: string | null): string {
  if (home === null) return path;
  if (path === "~") return home;
  return path.startsWith("~/") ? `${home.replace(/\/+$/, "")}/${path.slice(2)}` : path;
}

/** A path under `home` written with `~`, as a person types it. */
export function abbreviateHome(path: string, home: string | null): string {
  if (home === null || home === "/" || home === "") return path;
  const root = home.replace(/\/+$/, "");
  if (path === root) return "~";
  return path.startsWith(`${root}/`) ? `~${path.slice(root.length)}` : path;
}

export function suggestDirectories(query: string, sources: SuggestionSources, limit = 8): DirectorySuggestion[] {
  const all: DirectorySuggestion[] = [];
  for (const repo of sources.repositories) {
    const listed = sources.worktrees.get(repo.id) ?? [];
    const main = listed.find((w) => w.isMain)?.path ?? repo.path;
    all.push({ path: main, kind: "repository", label: `${repo.name} · main checkout` });
    for (const w of listed) if (!w.isMain) all.push({ path: w.path, kind: "worktree", label: `${repo.name} · ${w.branch || "detached HEAD"}` });
  }
  for (const path of sources.recent) all.push({ path, kind: "recent", label: "recent" });
  for (const path of sources.folders) all.push({ path, kind: "folder", label: "folder" });
  const wanted = expandHome(query.trim(), sources.home).toLowerCase();
  const seen = new Set<string>();
  const found: DirectorySuggestion[] = [];
  for (const s of all) {
    const key = s.path.replace(/\/+$/, "");
    if (seen.has(key)) continue;
    if (wanted !== "" && !s.path.toLowerCase().includes(wanted) && !s.label.toLowerCase().includes(wanted)) continue;
    if (s.kind !== "folder" && wanted !== "" && key === wanted.replace(/\/+$/, "")) continue; // already typed in full
    seen.add(key);
    found.push(s);
  }
  return found.slice(0, limit);
}

/** The recent-directories list after using `path`: most recent first, no repeats, at most `max`. */
export function rememberDirectory(recent: readonly string[], path: string, max = 10): string[] {
  return [path, ...recent.filter((p) => p !== path)].slice(0, max);
}
