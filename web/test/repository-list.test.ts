import { describe, expect, it } from "vitest";
import type { Repository, Worktree } from "../src/protocol";
import { RepositoryList, type RepositorySource } from "../src/repository-list";

const repo = (id: string): Repository => ({ id, name: id, path: `/src/${id}`, registeredAt: "" });
const main = (id: string): Worktree => ({ path: `/src/${id}`, branch: "main", isMain: true, repositoryId: id });

/** A source whose repository listings are answered by hand, in order. */
function source(worktrees: (id: string) => Promise<{ worktrees: Worktree[] }>) {
  const pending: ((repositories: Repository[]) => void)[] = [];
  const fake: RepositorySource = {
    listRepositories: () => new Promise((resolve) => pending.push((repositories) => resolve({ repositories }))),
    listWorktrees: worktrees,
  };
  return { fake, pending };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("RepositoryList", () => {
  it("loads repositories and each one's worktrees, keeping a failing repository's error", async () => {
    const { fake, pending } = source((id) => (id === "bad" ? Promise.reject(new Error("moved away")) : Promise.resolve({ worktrees: [main(id)] })));
    const list = new RepositoryList(fake);
    const done = list.reload();
    pending[0]!([repo("ok"), repo("bad")]);
    await done;
    expect(list.current.repositories?.map((r) => r.id)).toEqual(["ok", "bad"]);
    expect(list.current.worktrees.get("ok")).toEqual([main("ok")]);
    expect(list.current.worktreeErrors.get("bad")).toBe("moved away");
  });

  it("runs one listing at a time and follows a burst of reloads with exactly one more", async () => {
    const { fake, pending } = source(() => Promise.resolve({ worktrees: [] }));
    const list = new RepositoryList(fake);
    const first = list.reload();
    const later = [list.reload(), list.reload(), list.reload()];
    expect(later[0]).toBe(later[2]);
    expect(pending.length).toBe(1);
    pending[0]!([repo("a")]);
    await first;
    await settle();
    expect(pending.length).toBe(2);
    pending[1]!([repo("a"), repo("b")]);
    await Promise.all(later);
    expect(list.current.repositories?.map((r) => r.id)).toEqual(["a", "b"]);
  });

  it("says why the repositories could not be listed and keeps what it had", async () => {
    let fail = false;
    const list = new RepositoryList({
      listRepositories: () => (fail ? Promise.reject(new Error("offline")) : Promise.resolve({ repositories: [repo("a")] })),
      listWorktrees: () => Promise.resolve({ worktrees: [] }),
    });
    await list.reload();
    fail = true;
    await list.reload();
    expect([list.current.repositories?.length, list.current.error]).toEqual([1, "offline"]);
  });
});
