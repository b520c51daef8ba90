import { describe, expect, it } from "vitest";
import { paletteItems, score, search } from "../src/palette";
import type { Repository, Session, Worktree } from "../src/protocol";

const sessions: Session[] = [
  {
    id: "s1", type: "worktree", locationPath: "/wt/api-refunds", status: "active", createdAt: "", title: "Fix refunds",
    repositoryId: "r1", worktreeId: "fix/refunds",
    workers: [{ id: "w1", name: "Claude Code", createdAt: "", type: "agent", agentId: "claude" }],
  },
  { id: "s2", type: "quick", locationPath: "/home/u/notes", status: "active", createdAt: "", workers: [] },
];
const repositories: Repository[] = [{ id: "r1", name: "payments-api", path: "/src/api", registeredAt: "" }];
const worktrees = new Map<string, Worktree[]>([
  ["r1", [{ path: "/src/api", branch: "main", isMain: true, repositoryId: "r1" }, { path: "/wt/x", branch: "", isMain: false, repositoryId: "r1" }]],
]);
const items = paletteItems({ sessions, repositories, worktrees, commands: [{ id: "help", title: "Keyboard shortcuts" }] });

describe("paletteItems", () => {
  it("lists every session, worker, repository, named branch and command", () => {
    expect(items.map((i) => `${i.kind}:${i.title}`)).toEqual([
      "session:Fix refunds",
      "worker:Claude Code",
      "session:notes",
      "repository:payments-api",
      "branch:main",
      "command:Keyboard shortcuts",
    ]);
    expect(items[1]?.action).toEqual({ kind: "go", route: { page: "session", sessionId: "s1", workerId: "w1" } });
    expect(items[1]?.detail).toBe("Fix refunds · fix/refunds");
  });
});

describe("search", () => {
  it("needs every word somewhere, in any order", () => {
    expect(search(items, "claude refunds").map((i) => i.title)).toEqual(["Claude Code"]);
    expect(search(items, "zzz")).toEqual([]);
  });

  it("ranks a title match above a match in the detail, and word starts above the middle of words", () => {
    expect(search(items, "refunds")[0]?.title).toBe("Fix refunds");
    expect(score("code", "Claude Code", "")).toBeGreaterThan(score("ode", "Claude Code", ""));
    expect(score("pay", "payments-api", "")).toBeGreaterThan(score("pay", "x", "payments"));
  });

  it("finds a branch by its name and a session by its directory", () => {
    expect(search(items, "main").map((i) => i.kind)).toContain("branch");
    expect(search(items, "notes")[0]?.key).toBe("s:s2");
  });

  it("shows everything for an empty query, capped", () => {
    expect(search(items, "  ")).toHaveLength(items.length);
    expect(search(items, "", 2)).toHaveLength(2);
  });
});
