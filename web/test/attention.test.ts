import { describe, expect, it } from "vitest";
import {
  composeTitle,
  emptyMemory,
  faviconSvg,
  markSeen,
  notificationTag,
  observe,
  summarize,
  type AttentionMemory,
} from "../src/attention";
import type { ActivityState } from "../src/protocol";
import { initialState, reduce } from "../src/state";

function feed(...steps: Record<string, ActivityState>[]) {
  let memory: AttentionMemory = emptyMemory;
  const all: string[] = [];
  for (const step of steps) {
    const result = observe(memory, step);
    memory = result.memory;
    all.push(...result.events.map((e) => `${e.kind}:${e.key}`));
  }
  return { memory, events: all };
}

describe("observe", () => {
  it("notifies nothing on the first observation, even for an asking agent", () => {
    expect(feed({ "s/w": "asking" }).events).toEqual([]);
  });

  it("yields one asking event per real change, however often it is reported", () => {
    const { events } = feed({ "s/w": "active" }, { "s/w": "asking" }, { "s/w": "asking" }, { "s/w": "asking" });
    expect(events).toEqual(["asking:s/w"]);
  });

  it("notifies again when an agent asks a second time", () => {
    const { events } = feed({ "s/w": "idle" }, { "s/w": "asking" }, { "s/w": "active" }, { "s/w": "asking" });
    expect(events).toEqual(["asking:s/w", "asking:s/w"]);
  });

  it("reports a finish only for active → idle", () => {
    const { events } = feed({ a: "unknown", b: "active" }, { a: "idle", b: "idle" }, { a: "idle", b: "idle" });
    expect(events).toEqual(["finished:b"]);
  });

  it("treats a worker that appears later as coming from unknown", () => {
    const { events } = feed({}, { "s/new": "asking" });
    expect(events).toEqual(["asking:s/new"]);
  });

  it("keeps the done mark until the agent works again or is seen", () => {
    const finished = feed({ a: "active" }, { a: "idle" }, { a: "idle" });
    expect(summarize(finished.memory)).toEqual({ asking: 0, done: 1 });
    expect(summarize(markSeen(finished.memory, ["a"])).done).toBe(0);
    expect(summarize(observe(finished.memory, { a: "active" }).memory).done).toBe(0);
    expect(summarize(observe(finished.memory, {}).memory).done).toBe(0);
  });

  it("counts asking agents for the title", () => {
    expect(summarize(feed({ a: "asking", b: "asking", c: "idle" }).memory)).toEqual({ asking: 2, done: 0 });
  });
});

describe("title, favicon and tag", () => {
  it("leaves the title alone when nothing needs attention", () => {
    expect(composeTitle("Agent Console", { asking: 0, done: 0 })).toBe("Agent Console");
  });

  it("puts attention in front of the title", () => {
    expect(composeTitle("fix bug · Agent Console", { asking: 2, done: 1 })).toBe(
      "(2) asking · (1) done — fix bug · Agent Console",
    );
  });

  it("colours the favicon's dot by the most urgent state", () => {
    expect(faviconSvg({ asking: 1, done: 1 })).toContain("#f59e0b");
    expect(faviconSvg({ asking: 0, done: 1 })).toContain("#22c55e");
    expect(faviconSvg({ asking: 0, done: 0 })).not.toContain("circle");
  });

  it("tags a notification by its change so browser tabs replace each other's", () => {
    expect(notificationTag({ kind: "asking", key: "s/w" })).toBe("agent-console:asking:s/w");
  });
});

describe("attention over the app reducer", () => {
  it("notifies once when an agent asks, not again on the re-sync after a reconnect", () => {
    const session = {
      id: "s",
      type: "quick" as const,
      locationPath: "/p",
      status: "active" as const,
      createdAt: "",
      workers: [{ id: "w", name: "A", createdAt: "", type: "agent" as const, agentId: "a" }],
    };
    const asking = { sessionId: "s", workerId: "w", activityState: "asking" as const };
    let state = reduce(initialState, { type: "sessions-sync", sessions: [session], activityStates: [] });
    let memory = observe(emptyMemory, state.activity).memory;
    const seen: string[] = [];
    for (const message of [
      { type: "worker-activity" as const, ...asking },
      { type: "sessions-sync" as const, sessions: [session], activityStates: [asking] },
      { type: "worker-activity" as const, ...asking },
    ]) {
      state = reduce(state, message);
      const result = observe(memory, state.activity);
      memory = result.memory;
      seen.push(...result.events.map((e) => e.kind));
    }
    expect(seen).toEqual(["asking"]);
  });
});
