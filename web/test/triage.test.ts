import { describe, expect, it } from "vitest";
import type { Question, Session, Worker } from "../src/protocol";
import { initialState, reduce, type AppState } from "../src/state";
import {
  countAttention,
  entries,
  listOrder,
  matches,
  meaningfulLines,
  needsYou,
  nextNeedingYou,
  noFilters,
  openQuestion,
  visibleSessionIds,
  workerState,
} from "../src/triage";

function agent(id: string, extra: Partial<Worker> = {}): Worker {
  return { id, name: id, createdAt: "2024-01-01T00:00:00Z", type: "agent", agentId: "claude", ...extra } as Worker;
}

function terminal(id: string, extra: Partial<Worker> = {}): Worker {
  return { id, name: id, createdAt: "2024-01-01T00:00:00Z", type: "terminal", ...extra } as Worker;
}

function session(id: string, workers: Worker[], extra: Partial<Session> = {}): Session {
  return { id, type: "quick", locationPath: `/src/${id}`, status: "active", createdAt: "2024-01-01T00:00:00Z", workers, ...extra };
}

function stateOf(sessions: Session[], activity: Record<string, "active" | "idle" | "asking"> = {}): AppState {
  return reduce(initialState, {
    type: "sessions-sync",
    sessions,
    activityStates: Object.entries(activity).map(([key, activityState]) => {
      const [sessionId = "", workerId = ""] = key.split("/");
      return { sessionId, workerId, activityState };
    }),
  });
}

describe("workerState", () => {
  it("says an agent's activity, a terminal running, and how a process ended", () => {
    expect(workerState(agent("a"), "active")).toBe("working");
    expect(workerState(agent("a"), "asking")).toBe("asking");
    expect(workerState(terminal("t"), "unknown")).toBe("running");
    expect(workerState(agent("a", { status: "exited", exitCode: 0 }), "idle")).toBe("exited");
    expect(workerState(agent("a", { status: "exited", exitCode: 2 }), "idle")).toBe("failed");
    expect(workerState(terminal("t", { status: "exited", exitCode: 0, signal: "SIGKILL" }), "unknown")).toBe("failed");
  });
});

describe("needsYou", () => {
  const all = entries(
    stateOf([
      session("s1", [
        agent("done-late", { attention: "finished", attentionSince: "2024-01-01T00:09:00Z" }),
        agent("failed", { attention: "failed", attentionSince: "2024-01-01T00:01:00Z", status: "exited", exitCode: 1 }),
      ]),
      session("s2", [
        agent("ask-late", { attention: "asking", attentionSince: "2024-01-01T00:05:00Z" }),
        agent("ask-early", { attention: "asking", attentionSince: "2024-01-01T00:02:00Z" }),
        agent("quiet"),
        agent("done-early", { attention: "finished", attentionSince: "2024-01-01T00:03:00Z" }),
      ]),
    ]),
  );

  it("lists asking, then finished, then failed, each longest waiting first", () => {
    expect(needsYou(all).map((e) => e.worker.id)).toEqual(["ask-early", "ask-late", "done-early", "done-late", "failed"]);
  });

  it("counts each kind for the header", () => {
    expect(countAttention(all)).toEqual({ asking: 2, finished: 2, failed: 1 });
  });

  it("steps to the next one after the worker on screen, wrapping around", () => {
    expect(nextNeedingYou(all, null)?.worker.id).toBe("ask-early");
    expect(nextNeedingYou(all, "s2/ask-early")?.worker.id).toBe("ask-late");
    expect(nextNeedingYou(all, "s1/failed")?.worker.id).toBe("ask-early");
    expect(nextNeedingYou(all, "s2/quiet")?.worker.id).toBe("ask-early");
  });

  it("has no next when nothing else needs the user", () => {
    const one = entries(stateOf([session("s", [agent("a", { attention: "asking", attentionSince: "2024-01-01T00:00:00Z" })])]));
    expect(nextNeedingYou(one, "s/a")).toBeNull();
    expect(nextNeedingYou(entries(stateOf([session("s", [agent("a")])])), null)).toBeNull();
  });
});

describe("filters", () => {
  const state = stateOf(
    [
      session("q", [terminal("t"), agent("a1", { agentId: "codex" })]),
      session("w", [agent("a2", { status: "exited", exitCode: 3 })], { type: "worktree", repositoryId: "r1", worktreeId: "feat" }),
      session("m", [agent("a3")], { locationPath: "/src/api" }),
    ],
    { "q/a1": "active", "m/a3": "asking" },
  );
  const all = entries(state, (s) => s.repositoryId ?? (s.locationPath === "/src/api" ? "r1" : undefined));
  const ids = (filters: Partial<typeof noFilters>) => all.filter((e) => matches(e, { ...noFilters, ...filters })).map((e) => e.worker.id);

  it("filter by state, repository (a quick session in its checkout included) and agent", () => {
    expect(ids({ state: "working" })).toEqual(["a1"]);
    expect(ids({ state: "exited" })).toEqual(["a2"]);
    expect(ids({ state: "failed" })).toEqual(["a2"]);
    expect(ids({ repository: "r1" })).toEqual(["a2", "a3"]);
    expect(ids({ repository: "quick" })).toEqual(["t", "a1"]);
    expect(ids({ agent: "terminal" })).toEqual(["t"]);
    expect(ids({ agent: "codex", state: "working" })).toEqual(["a1"]);
  });

  it("lets every session through when nothing is filtered, else those with a matching worker", () => {
    expect(visibleSessionIds(all, noFilters)).toBeNull();
    expect([...(visibleSessionIds(all, { ...noFilters, agent: "terminal" }) ?? [])]).toEqual(["q"]);
  });
});

describe("previews", () => {
  it("give each worker its last line that says something and its latest change", () => {
    let state = stateOf([session("s", [terminal("t", { stateChangedAt: "2024-01-01T00:00:00Z" })])]);
    state = reduce(state, { type: "worker-preview", sessionId: "s", workerId: "t", lines: ["$ make", "ok 12 tests", "────", "$ "], at: "2024-01-01T00:01:00Z" });
    const [entry] = entries(state);
    expect(entry?.lastLine).toBe("ok 12 tests");
    expect(entry?.lastChange).toBe("2024-01-01T00:01:00Z");
  });

  it("skip blank, rule-only and punctuation-only lines", () => {
    expect(meaningfulLines(["a", "", "╭──╮", "b  c", "> ", "   "], 2)).toEqual(["a", "b c"]);
    expect(meaningfulLines([], 2)).toEqual([]);
  });
});

describe("listOrder", () => {
  it("puts what needs the user first, then working, idle, running, exited", () => {
    const all = entries(
      stateOf(
        [session("s", [terminal("t"), agent("idle"), agent("f", { attention: "finished", attentionSince: "2024-01-01T00:00:00Z" }), agent("work"), agent("x", { status: "exited", exitCode: 0 })])],
        { "s/idle": "idle", "s/work": "active", "s/f": "idle" },
      ),
    );
    expect(listOrder(all).map((e) => e.worker.id)).toEqual(["f", "work", "idle", "t", "x"]);
  });
});

describe("openQuestion", () => {
  const question: Question = { id: "q1", text: "Do you want to proceed?", kind: "permission", choices: [], source: "screen" };
  it("is the question of a worker that asks now", () => {
    expect(openQuestion(agent("a", { attention: "asking", question }))).toEqual(question);
  });
  it("is none once it no longer asks, or while it asks nothing parsed", () => {
    expect(openQuestion(agent("a", { attention: "finished", question }))).toBeNull();
    expect(openQuestion(agent("a", { question }))).toBeNull();
    expect(openQuestion(agent("a", { attention: "asking" }))).toBeNull();
  });
});
