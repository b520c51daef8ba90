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

  it("ignores message types it does not know", () => {
    const before = run({ type: "session-created", session: session("s1") });
    const unknown = { type: "agents-sync", agents: [] } as unknown as AppServerMessage;
    expect(reduce(before, unknown)).toBe(before);
  });

  it("reports unknown for an agent with no activity yet", () => {
    expect(activityOf(run({ type: "session-created", session: session("s1", ["w1"]) }), "s1", "w1")).toBe("unknown");
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
    );
    const fresh = run({
      type: "sessions-sync",
      sessions: final,
      activityStates: [{ sessionId: "c", workerId: "z", activityState: "asking" }],
    });
    expect(incremental).toEqual(fresh);
  });
});
