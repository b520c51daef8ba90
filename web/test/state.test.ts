import { describe, expect, it } from "vitest";
import type { AppServerMessage, Session } from "../src/protocol";
import { activityOf, initialState, reduce, type AppState } from "../src/state";

function session(id: string, workers: string[] = [], title?: string): Session {
  return {
    id,
    type: "quick",
    locationPath: `/tmp/${id}`,
    status: "active",
    createdAt: `2024-01-0${workers.length + 1}T00:00:00.000Z`,
    workers: workers.map((w) => ({ id: w, name: w, createdAt: "2024-01-01T00:00:00.000Z", type: "agent", agentId: "a" })),
    ...(title === undefined ? {} : { title }),
  };
}

function run(...messages: AppServerMessage[]): AppState {
  return messages.reduce(reduce, initialState);
}

describe("reduce", () => {
  it("replaces everything with a sessions-sync and marks the state synced", () => {
    const state = run(
      { type: "session-created", session: session("old") },
      {
        type: "sessions-sync",
        sessions: [session("s1", ["w1"])],
        activityStates: [{ sessionId: "s1", workerId: "w1", activityState: "asking" }],
      },
    );
    expect(state.synced).toBe(true);
    expect(state.sessions.map((s) => s.id)).toEqual(["s1"]);
    expect(activityOf(state, "s1", "w1")).toBe("asking");
  });

  it("adds a created session and replaces it on update", () => {
    const state = run(
      { type: "sessions-sync", sessions: [], activityStates: [] },
      { type: "session-created", session: session("s1") },
      { type: "session-updated", session: session("s1", [], "renamed") },
    );
    expect(state.sessions).toHaveLength(1);
    expect(state.sessions[0]?.title).toBe("renamed");
  });

  it("treats an update of an unknown session as its creation", () => {
    const state = run({ type: "session-updated", session: session("s9") });
    expect(state.sessions.map((s) => s.id)).toEqual(["s9"]);
  });

  it("removes a deleted session and its workers' activity", () => {
    const state = run(
      { type: "session-created", session: session("s1", ["w1"]) },
      { type: "worker-activity", sessionId: "s1", workerId: "w1", activityState: "active" },
      { type: "session-deleted", sessionId: "s1" },
    );
    expect(state.sessions).toEqual([]);
    expect(state.activity).toEqual({});
  });

  it("forgets the activity of a worker the update removed", () => {
    const state = run(
      { type: "session-created", session: session("s1", ["w1", "w2"]) },
      { type: "worker-activity", sessionId: "s1", workerId: "w1", activityState: "idle" },
      { type: "worker-activity", sessionId: "s1", workerId: "w2", activityState: "asking" },
      { type: "session-updated", session: session("s1", ["w2"]) },
    );
    expect(state.activity).toEqual({ "s1/w2": "asking" });
  });

  it("returns the same object for a repeated activity or a deletion of nothing", () => {
    const before = run(
      { type: "session-created", session: session("s1", ["w1"]) },
      { type: "worker-activity", sessionId: "s1", workerId: "w1", activityState: "idle" },
    );
    expect(reduce(before, { type: "worker-activity", sessionId: "s1", workerId: "w1", activityState: "idle" })).toBe(before);
    expect(reduce(before, { type: "session-deleted", sessionId: "nope" })).toBe(before);
  });

  it("puts a worker-activity's reason and question on the worker, as a fresh sync has them", () => {
    const question = { id: "q1", text: "Run it?", kind: "permission" as const, choices: ["Yes", "No"], source: "screen" as const };
    const asking = run(
      { type: "session-created", session: session("s1", ["w1"]) },
      { type: "worker-activity", sessionId: "s1", workerId: "w1", activityState: "asking", reason: "screen:pattern 1", question },
    );
    expect(asking.sessions[0]?.workers[0]).toMatchObject({ activityReason: "screen:pattern 1", question });
    const answered = reduce(asking, { type: "worker-activity", sessionId: "s1", workerId: "w1", activityState: "active", reason: "input:answer", question: null });
    expect(answered.sessions[0]?.workers[0]?.question).toBeUndefined();
    expect(answered.sessions[0]?.workers[0]?.activityReason).toBe("input:answer");
  });

  it("ignores message types it does not know", () => {
    const before = run({ type: "session-created", session: session("s1") });
    const unknown = { type: "agents-sync", agents: [] } as unknown as AppServerMessage;
    expect(reduce(before, unknown)).toBe(before);
  });

  it("reports unknown for an agent with no activity yet", () => {
    expect(activityOf(run({ type: "session-created", session: session("s1", ["w1"]) }), "s1", "w1")).toBe("unknown");
  });

  it("keeps screen previews from the sync and from worker-preview, only for workers that exist", () => {
    const state = run(
      {
        type: "sessions-sync",
        sessions: [session("s1", ["w1", "w2"])],
        activityStates: [],
        previews: [{ sessionId: "s1", workerId: "w1", lines: ["old"], at: "t0" }, { sessionId: "gone", workerId: "x", lines: [], at: "t0" }],
      },
      { type: "worker-preview", sessionId: "s1", workerId: "w2", lines: ["hello"], at: "t1" },
      { type: "worker-preview", sessionId: "s1", workerId: "nope", lines: ["ghost"], at: "t1" },
      { type: "session-updated", session: session("s1", ["w2"]) },
    );
    expect(state.previews).toEqual({ "s1/w2": { sessionId: "s1", workerId: "w2", lines: ["hello"], at: "t1" } });
  });

  it("ends in the state a fresh sync would give after any sequence of updates", () => {
    const final = [session("a", ["x"], "A"), session("c", ["z"])];
    const incremental = run(
      { type: "sessions-sync", sessions: [session("a", ["x"]), session("b", ["y"])], activityStates: [] },
      { type: "worker-activity", sessionId: "b", workerId: "y", activityState: "active" },
      { type: "session-created", session: session("c", ["z"]) },
      { type: "session-deleted", sessionId: "b" },
      { type: "session-updated", session: session("a", ["x"], "A") },
      { type: "worker-activity", sessionId: "c", workerId: "z", activityState: "asking" },
      { type: "worker-preview", sessionId: "b", workerId: "y", lines: ["gone soon"], at: "t1" },
      { type: "worker-preview", sessionId: "c", workerId: "z", lines: ["$ ls"], at: "t2" },
    );
    const fresh = run({
      type: "sessions-sync",
      sessions: final,
      activityStates: [{ sessionId: "c", workerId: "z", activityState: "asking" }],
      previews: [{ sessionId: "c", workerId: "z", lines: ["$ ls"], at: "t2" }],
    });
    expect(incremental).toEqual(fresh);
  });
});

describe("worker-activity with attention", () => {
  it("patches the worker's attention and state time into its session, as a sync would hold them", () => {
    const base = session("s1", ["w1"]);
    const state = run(
      { type: "sessions-sync", sessions: [base], activityStates: [] },
      { type: "worker-activity", sessionId: "s1", workerId: "w1", activityState: "asking", attention: "asking", attentionSince: "t1", stateChangedAt: "t1" },
    );
    const patched = { ...base, workers: [{ ...base.workers[0]!, attention: "asking" as const, attentionSince: "t1", stateChangedAt: "t1" }] };
    expect(state).toEqual(run({ type: "sessions-sync", sessions: [patched], activityStates: [{ sessionId: "s1", workerId: "w1", activityState: "asking" }] }));
  });

  it("keeps the same session object when nothing about the worker changed", () => {
    const before = run(
      { type: "sessions-sync", sessions: [session("s1", ["w1"])], activityStates: [] },
      { type: "worker-activity", sessionId: "s1", workerId: "w1", activityState: "idle", attention: null, stateChangedAt: "t1" },
    );
    const after = reduce(before, { type: "worker-activity", sessionId: "s1", workerId: "w1", activityState: "idle", attention: null, stateChangedAt: "t1" });
    expect(after).toBe(before);
  });
});

describe("a repeated sync", () => {
  it("keeps the objects of sessions and previews that did not change", () => {
    const sync = (title: string): AppServerMessage => ({
      type: "sessions-sync",
      sessions: [session("same", ["w"]), session("changed", [], title)],
      activityStates: [],
      previews: [{ sessionId: "same", workerId: "w", lines: ["x"], at: "t" }],
    });
    const before = run(sync("old"));
    const after = reduce(before, sync("new"));
    expect(after.sessions[0]).toBe(before.sessions[0]);
    expect(after.sessions[1]).not.toBe(before.sessions[1]);
    expect(after.sessions[1]?.title).toBe("new");
    expect(after.previews["same/w"]).toBe(before.previews["same/w"]);
  });
});
