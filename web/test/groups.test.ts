import { describe, expect, it } from "vitest";
import { groupDashboard, repositoryOf, sessionLabel, worktreeSignature } from "../src/groups";
import type { Repository, Session, Worktree } from "../src/protocol";

function s(id: string, createdAt: string, extra: Partial<Session> = {}): Session {
  return { id, type: "quick", locationPath: `/home/u/${id}`, status: "active", createdAt, workers: [], ...extra };
}

const repo: Repository = { id: "r1", name: "api", path: "/src/api", registeredAt: "" };
const main: Worktree = { path: "/src/api", branch: "main", isMain: true, repositoryId: "r1" };
const feat: Worktree = { path: "/wt/api/feat", branch: "feat", isMain: false, repositoryId: "r1" };

function wt(id: string, branch: string, path: string, createdAt = "2024-01-01", repositoryId = "r1"): Session {
  return s(id, createdAt, { type: "worktree", repositoryId, worktreeId: branch, locationPath: path });
}

const ids = (list: readonly Session[]) => list.map((x) => x.id);

describe("groupDashboard", () => {
  it("shows a quick session in a repository's main checkout (or a folder in it) under that worktree", () => {
    const sessions = [s("top", "2024-01-01", { locationPath: "/src/api" }), s("sub", "2024-02-01", { locationPath: "/src/api/web/" }), s("away", "2024-01-01", { locationPath: "/src/apiary" })];
    const groups = groupDashboard(sessions, [repo], new Map([["r1", [main, feat]]]));
    expect(ids(groups.repositories[0]?.worktrees[0]?.sessions ?? [])).toEqual(["sub", "top"]);
    expect(ids(groups.quick)).toEqual(["away"]);
    expect(repositoryOf(sessions[1] as Session, [repo], new Map([["r1", [main, feat]]]))).toBe("r1");
    expect(repositoryOf(sessions[2] as Session, [repo], new Map([["r1", [main, feat]]]))).toBeUndefined();
  });

  it("puts a quick session in the deepest worktree that holds it", () => {
    const nested: Worktree = { path: "/src/api/.worktrees/feat", branch: "nested", isMain: false, repositoryId: "r1" };
    const groups = groupDashboard([s("n", "2024-01-01", { locationPath: "/src/api/.worktrees/feat/x" })], [repo], new Map([["r1", [main, nested]]]));
    expect(groups.repositories[0]?.worktrees.find((w) => w.branch === "nested")?.sessions.map((x) => x.id)).toEqual(["n"]);
  });

  it("puts quick sessions in their own list, newest first", () => {
    const groups = groupDashboard([s("a", "2024-01-01"), s("b", "2024-02-01")], [], new Map());
    expect(groups.repositories).toEqual([]);
    expect(ids(groups.quick)).toEqual(["b", "a"]);
  });

  it("lists every registered repository, even without sessions, with its worktrees main first", () => {
    const other: Repository = { id: "r0", name: "zeta", path: "/src/zeta", registeredAt: "" };
    const groups = groupDashboard([], [other, repo], new Map([["r1", [feat, main]]]));
    expect(groups.repositories.map((g) => [g.repository?.name, g.loaded])).toEqual([["api", true], ["zeta", false]]);
    expect(groups.repositories[0]?.worktrees.map((w) => [w.branch, w.worktree?.isMain])).toEqual([
      ["main", true],
      ["feat", false],
    ]);
  });

  it("puts each session under the worktree of its directory, newest first", () => {
    const sessions = [wt("x", "main", "/src/api/"), wt("y", "feat", "/wt/api/feat"), wt("z", "feat", "/wt/api/feat", "2024-03-01")];
    const groups = groupDashboard(sessions, [repo], new Map([["r1", [main, feat]]]));
    const [onMain, onFeat] = groups.repositories[0]?.worktrees ?? [];
    expect(ids(onMain?.sessions ?? [])).toEqual(["x"]);
    expect(ids(onFeat?.sessions ?? [])).toEqual(["z", "y"]);
  });

  it("falls back to the branch when the directory is spelled differently", () => {
    const groups = groupDashboard([wt("x", "feat", "/private/wt/api/feat")], [repo], new Map([["r1", [main, feat]]]));
    expect(ids(groups.repositories[0]?.worktrees[1]?.sessions ?? [])).toEqual(["x"]);
  });

  it("keeps sessions that match no listed worktree under their branch, with no worktree", () => {
    const sessions = [wt("x", "gone", "/wt/api/gone"), wt("y", "feat", "/wt/api/feat")];
    const unloaded = groupDashboard(sessions, [repo], new Map());
    expect(unloaded.repositories[0]?.loaded).toBe(false);
    expect(unloaded.repositories[0]?.worktrees.map((w) => [w.branch, w.worktree, ids(w.sessions)])).toEqual([
      ["feat", null, ["y"]],
      ["gone", null, ["x"]],
    ]);
    const loaded = groupDashboard(sessions, [repo], new Map([["r1", [main, feat]]]));
    expect(loaded.repositories[0]?.worktrees.map((w) => [w.branch, w.worktree !== null])).toEqual([
      ["main", true],
      ["feat", true],
      ["gone", false],
    ]);
  });

  it("shows sessions of an unregistered repository in a group of their own, after the registered ones", () => {
    const groups = groupDashboard([wt("x", "main", "/old/main", "2024-01-01", "removed")], [repo], new Map());
    expect(groups.repositories.map((g) => [g.repositoryId, g.repository?.name ?? null])).toEqual([
      ["r1", "api"],
      ["removed", null],
    ]);
    expect(ids(groups.repositories[1]?.worktrees[0]?.sessions ?? [])).toEqual(["x"]);
  });

  it("never matches a detached worktree by its empty branch", () => {
    const detached: Worktree = { path: "/wt/api/detached", branch: "", isMain: false, repositoryId: "r1" };
    const groups = groupDashboard([wt("x", "", "/elsewhere")], [repo], new Map([["r1", [detached]]]));
    expect(groups.repositories[0]?.worktrees.map((w) => [w.worktree?.path ?? null, ids(w.sessions)])).toEqual([
      ["/wt/api/detached", []],
      [null, ["x"]],
    ]);
  });
});

describe("worktreeSignature", () => {
  it("changes with a worktree session's branch and ignores quick sessions and order", () => {
    const a = wt("a", "feat", "/wt/a");
    const b = wt("b", "main", "/src/api");
    expect(worktreeSignature([a, b, s("q", "")])).toBe(worktreeSignature([b, a]));
    expect(worktreeSignature([a, b])).not.toBe(worktreeSignature([{ ...a, worktreeId: "renamed" }, b]));
  });
});

describe("sessionLabel", () => {
  it("prefers the title, else the directory's last part", () => {
    expect(sessionLabel(s("a", "", { title: "Fix login" }))).toBe("Fix login");
    expect(sessionLabel(s("a", "", { title: "  " }))).toBe("a");
    expect(sessionLabel(s("a", "", { locationPath: "/" }))).toBe("/");
  });
});
