import { describe, expect, it } from "vitest";
import { chunks, FlowControl, writeChunks } from "../src/terminal/flow-control";

describe("FlowControl", () => {
  it("pauses once past the high water mark, and only once", () => {
    const flow = new FlowControl(100, 20);
    expect(flow.received(60)).toBeNull();
    expect(flow.received(60)).toBe("pause");
    expect(flow.received(60)).toBeNull();
    expect([flow.pending, flow.paused]).toEqual([180, true]);
  });

  it("resumes only below the low water mark (hysteresis)", () => {
    const flow = new FlowControl(100, 20);
    flow.received(150);
    expect(flow.written(100)).toBeNull();
    expect(flow.written(30)).toBeNull();
    expect(flow.written(10)).toBe("resume");
    expect(flow.paused).toBe(false);
  });

  it("keeps a hidden terminal paused whatever is pending, and resumes it when shown", () => {
    const flow = new FlowControl(100, 20);
    expect(flow.setVisible(false)).toBe("pause");
    expect(flow.received(10)).toBeNull();
    expect(flow.written(10)).toBeNull();
    expect(flow.setVisible(true)).toBe("resume");
  });

  it("stays paused when shown while saturated, until drained", () => {
    const flow = new FlowControl(100, 20);
    flow.setVisible(false);
    flow.received(500);
    expect(flow.setVisible(true)).toBeNull();
    expect(flow.written(490)).toBe("resume");
  });

  it("pauses a new socket at once when the terminal is hidden (the server starts it unpaused)", () => {
    const flow = new FlowControl(100, 20);
    flow.setVisible(false);
    expect(flow.connected()).toBe("pause");
    const shown = new FlowControl(100, 20);
    expect(shown.connected()).toBeNull();
  });

  it("never counts below zero", () => {
    const flow = new FlowControl(100, 20);
    flow.written(50);
    expect(flow.pending).toBe(0);
  });
});

describe("chunks", () => {
  it("cuts text into pieces of at most the size, losing nothing", () => {
    const text = "x".repeat(10_000);
    const pieces = chunks(text, 4096);
    expect(pieces.map((p) => p.length)).toEqual([4096, 4096, 1808]);
    expect(pieces.join("")).toBe(text);
  });

  it("never splits a surrogate pair", () => {
    const pieces = chunks("ab😀cd", 3);
    expect(pieces).toEqual(["ab", "😀c", "d"]);
  });

  it("gives nothing for empty text", () => {
    expect(chunks("")).toEqual([]);
  });
});

describe("writeChunks", () => {
  it("resolves after the terminal has parsed the last chunk", async () => {
    const written: string[] = [];
    const callbacks: (() => void)[] = [];
    const term = { write: (data: string, cb?: () => void) => (written.push(data), cb && callbacks.push(cb)) };
    let done = false;
    const promise = writeChunks(term, "y".repeat(40_000)).then(() => (done = true));
    expect(written.length).toBe(3);
    expect(callbacks.length).toBe(1);
    await Promise.resolve();
    expect(done).toBe(false);
    callbacks[0]!();
    await promise;
    expect(done).toBe(true);
  });
});
