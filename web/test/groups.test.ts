import { describe, expect, it } from "vitest";
import { groupSessions, sessionLabel } from "../src/groups";
import type { Session } from "../src/protocol";

function s(id: string, createdAt: string, extra: Partial<Session> = {}): Session {
  return { id, type: "quick", locationPath: `/home/u/${id}`, status: "active", createdAt, workers: [], ...extra };
}

describe("groupSessions", () => {
  it("puts quick sessions in one group, newest first", () => {
    const groups = groupSessions([s("a", "2024-01-01"), s("b", "2024-02-01")], []);
    expect(groups.map((g) => g.title)).toEqual(["Quick sessions"]);
    expect(groups[0]?.sessions.map((x) => x.id)).toEqual(["b", "a"]);
  });

  it("groups worktree sessions by repository before the quick ones, ordered by worktree", () => {
    const repo = { id: "r1", name: "api", path: "/src/api", registeredAt: "" };
    const wt = (id: string, branch: string) =>
      s(id, "2024-01-01", { type: "worktree", repositoryId: "r1", worktreeId: branch });
    const groups = groupSessions([s("q", "2024-01-01"), wt("x", "main"), wt("y", "feat")], [repo]);
    expect(groups.map((g) => [g.title, g.subtitle])).toEqual([
      ["api", "/src/api"],
      ["Quick sessions", null],
    ]);
    expect(groups[0]?.sessions.map((x) => x.worktreeId)).toEqual(["feat", "main"]);
  });

  it("returns no groups for no sessions", () => {
    expect(groupSessions([], [])).toEqual([]);
  });
});

describe("sessionLabel", () => {
  it("prefers the title, else the directory's last part", () => {
    expect(sessionLabel(s("a", "", { title: "Fix login" }))).toBe("Fix login");
    expect(sessionLabel(s("a", "", { title: "  " }))).toBe("a");
    expect(sessionLabel(s("a", "", { locationPath: "/" }))).toBe("/");
  });
});
