/**
 * The registered repositories and their worktrees, as last fetched over REST (the app socket
 * does not carry them). Reloads are coalesced: while one runs, later calls wait for one more.
 */

import { api } from "./api";
import type { Repository, Worktree } from "./protocol";

export interface RepositorySnapshot {
  /** null until the first load. */
  repositories: Repository[] | null;
  worktrees: ReadonlyMap<string, Worktree[]>;
  /** Why a repository's worktrees could not be listed (its folder was moved away…). */
  worktreeErrors: ReadonlyMap<string, string>;
  /** Why the repositories could not be listed, or null. */
  error: string | null;
}

export interface RepositorySource {
  listRepositories(): Promise<{ repositories: Repository[] }>;
  listWorktrees(id: string): Promise<{ worktrees: Worktree[] }>;
}

export class RepositoryList {
  private snapshot: RepositorySnapshot = { repositories: null, worktrees: new Map(), worktreeErrors: new Map(), error: null };
  private readonly listeners = new Set<() => void>();
  private running: Promise<void> | null = null;
  private again: Promise<void> | null = null;

  constructor(private readonly source: RepositorySource = api) {}

  get current(): RepositorySnapshot {
    return this.snapshot;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Fetches the repositories and every one's worktrees; resolves when the data is in. */
  reload(): Promise<void> {
    if (this.running === null) {
      this.running = this.fetch().finally(() => (this.running = null));
      return this.running;
    }
    // A change happened after the running fetch began: fetch once more when it ends.
    this.again ??= this.running.then(() => {
      this.again = null;
      return this.reload();
    });
    return this.again;
  }

  private async fetch(): Promise<void> {
    let repositories: Repository[];
    try {
      repositories = (await this.source.listRepositories()).repositories;
    } catch (error) {
      return this.set({ error: message(error) });
    }
    const worktrees = new Map<string, Worktree[]>();
    const worktreeErrors = new Map<string, string>();
    await Promise.all(
      repositories.map(async (repo) => {
        try {
          worktrees.set(repo.id, (await this.source.listWorktrees(repo.id)).worktrees);
        } catch (error) {
          worktreeErrors.set(repo.id, message(error));
        }
      }),
    );
    this.set({ repositories, worktrees, worktreeErrors, error: null });
  }

  private set(patch: Partial<RepositorySnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
