import { describe, expect, it } from "vitest";
import { lostNotice, planHistory, planOutput } from "../src/terminal/offsets";

describe("planHistory", () => {
  it("writes the first history without a reset", () => {
    expect(planHistory(null, { data: "hello", startOffset: 100, offset: 105 })).toEqual({
      reset: false,
      write: "hello",
      rendered: 105,
    });
  });

  it("appends when the history starts where the screen ends", () => {
    expect(planHistory(105, { data: "more", startOffset: 105, offset: 109 })).toEqual({
      reset: false,
      write: "more",
      rendered: 109,
    });
  });

  it("resets the screen when the server could not continue from our offset", () => {
    expect(planHistory(50, { data: "all", startOffset: 80, offset: 83 }).reset).toBe(true);
    expect(planHistory(50, { data: "all", startOffset: 0, offset: 83 }).reset).toBe(true);
  });

  it("writes a tail's terminal modes before its data", () => {
    expect(planHistory(null, { data: "screen", startOffset: 900, offset: 906, modes: "\x1b[?1049h" }).write).toBe("\x1b[?1049hscreen");
  });

  it("says how many bytes were lost before the history, on a line of its own", () => {
    const plan = planHistory(50, { data: "kept", startOffset: 80, offset: 84, lostBytes: 30 });
    expect(plan.reset).toBe(true);
    expect(plan.write).toBe(lostNotice(30) + "kept");
    expect(lostNotice(30)).toMatch(/── 30 bytes of output were lost ──.*\r\n$/);
  });

  it("says nothing when no bytes were lost", () => {
    expect(lostNotice(undefined)).toBe("");
    expect(lostNotice(0)).toBe("");
    expect(planHistory(50, { data: "all", startOffset: 0, offset: 3, lostBytes: 0 }).write).toBe("all");
  });

  it("keeps an empty history as a no-op", () => {
    expect(planHistory(7, { data: "", startOffset: 7, offset: 7 })).toEqual({ reset: false, write: "", rendered: 7 });
  });
});

describe("planOutput", () => {
  it("appends contiguous output and advances the offset", () => {
    expect(planOutput(10, { data: "abc", offset: 13 })).toEqual({ reset: false, write: "abc", rendered: 13 });
  });

  it("drops output the screen already shows", () => {
    expect(planOutput(13, { data: "abc", offset: 13 })).toEqual({ reset: false, write: "", rendered: 13 });
    expect(planOutput(20, { data: "abc", offset: 13 })).toEqual({ reset: false, write: "", rendered: 20 });
  });

  it("writes a whole frame whose data has invalid UTF-8, shown as U+FFFD", () => {
    // 11 bytes of text then 10 invalid bytes: 21 bytes on the wire, though each U+FFFD is 3 in UTF-8.
    const data = "hello world" + "\ufffd".repeat(10);
    expect(planOutput(100, { data, offset: 121 })).toEqual({ reset: false, write: data, rendered: 121 });
    expect(planOutput(121, { data, offset: 121 })).toEqual({ reset: false, write: "", rendered: 121 });
  });

  it("writes output that arrives before any history", () => {
    expect(planOutput(null, { data: "abc", offset: 3 })).toEqual({ reset: false, write: "abc", rendered: 3 });
  });

  it("never repeats or loses a frame when whole frames are replayed after a cut anywhere", () => {
    // [data, bytes on the wire]: two invalid bytes arrive as two U+FFFD.
    const frames: [string, number][] = [["ab", 2], ["\ufffd\ufffd", 2], ["😀c", 5], ["\r\n", 2], ["xyz", 3]];
    let end = 0;
    const messages = frames.map(([data, bytes]) => ({ data, offset: (end += bytes) }));
    for (let cut = 0; cut <= messages.length; cut++) {
      let rendered: number | null = null;
      let screen = "";
      for (const m of [...messages.slice(0, cut), ...messages]) {
        const plan = planOutput(rendered, m);
        screen += plan.write;
        rendered = plan.rendered;
      }
      expect(screen).toBe("ab\ufffd\ufffd😀c\r\nxyz");
      expect(rendered).toBe(14);
    }
  });
});
