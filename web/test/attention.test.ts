import { describe, expect, it } from "vitest";
import {
  attentionOf,
  composeTitle,
  emptyMemory,
  faviconSvg,
  notificationTag,
  observe,
  summarize,
  type AttentionMemory,
} from "../src/attention";
import type { Attention, Session } from "../src/protocol";
import { initialState, reduce } from "../src/state";

function feed(...steps: Record<string, Attention>[]) {
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

  it("yields one event per real change, however often it is reported", () => {
    const { events } = feed({}, { "s/w": "asking" }, { "s/w": "asking" }, { "s/w": "asking" });
    expect(events).toEqual(["asking:s/w"]);
  });

  it("notifies again when an agent asks a second time, and for a finish or a failure", () => {
    const { events } = feed({}, { "s/w": "asking" }, {}, { "s/w": "asking" }, { "s/w": "finished" }, { "s/w": "failed" });
    expect(events).toEqual(["asking:s/w", "asking:s/w", "finished:s/w", "failed:s/w"]);
  });

  it("counts each kind for the title", () => {
    expect(summarize({ a: "asking", b: "asking", c: "finished", d: "failed" })).toEqual({ asking: 2, done: 1, failed: 1 });
  });
});

describe("title, favicon and tag", () => {
  it("leaves the title alone when nothing needs attention", () => {
    expect(composeTitle("Agent Console", { asking: 0, done: 0, failed: 0 })).toBe("Agent Console");
  });

  it("puts attention in front of the title", () => {
    expect(composeTitle("fix bug · Agent Console", { asking: 2, done: 1, failed: 1 })).toBe(
      "(2) asking · (1) done · (1) failed — fix bug · Agent Console",
    );
  });

  it("colours the favicon's dot by the most urgent state", () => {
    expect(faviconSvg({ asking: 1, done: 1, failed: 1 })).toContain("#f59e0b");
    expect(faviconSvg({ asking: 0, done: 1, failed: 1 })).toContain("#ef4444");
    expect(faviconSvg({ asking: 0, done: 1, failed: 0 })).toContain("#22c55e");
    expect(faviconSvg({ asking: 0, done: 0, failed: 0 })).not.toContain("circle");
  });

  it("tags a notification by its change so browser tabs replace each other's", () => {
    expect(notificationTag({ kind: "asking", key: "s/w" })).toBe("agent-console:asking:s/w");
  });
});

describe("attention over the app reducer", () => {
  const session = (attention: Attention | null): Session => ({
    id: "s",
    type: "quick",
    locationPath: "/p",
    status: "active",
    createdAt: "",
    workers: [{ id: "w", name: "A", createdAt: "", type: "agent", agentId: "a", attention }],
  });

  it("reads each worker's attention from the sessions", () => {
    const state = reduce(initialState, { type: "sessions-sync", sessions: [session("finished")], activityStates: [] });
    expect(attentionOf(state)).toEqual({ "s/w": "finished" });
  });

  it("notifies once when an agent asks, not again on the re-sync after a reconnect", () => {
    let state = reduce(initialState, { type: "sessions-sync", sessions: [session(null)], activityStates: [] });
    let memory = observe(emptyMemory, attentionOf(state)).memory;
    const seen: string[] = [];
    for (const message of [
      { type: "session-updated" as const, session: session("asking") },
      { type: "sessions-sync" as const, sessions: [session("asking")], activityStates: [] },
      { type: "session-updated" as const, session: session("asking") },
    ]) {
      state = reduce(state, message);
      const result = observe(memory, attentionOf(state));
      memory = result.memory;
      seen.push(...result.events.map((e) => e.kind));
    }
    expect(seen).toEqual(["asking"]);
  });
});
