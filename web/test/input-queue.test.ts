import { describe, expect, it } from "vitest";
import { InputQueue } from "../src/terminal/input-queue";

describe("InputQueue", () => {
  it("gives back what was typed, in order, once", () => {
    const q = new InputQueue(100);
    for (const key of ["e", "c", "h", "o", " ", "hi", "\r"]) expect(q.push(key)).toBe(true);
    expect(q.queued).toBe(8);
    expect(q.drain()).toBe("echo hi\r");
    expect([q.drain(), q.queued]).toEqual(["", 0]);
  });

  it("refuses input past its bound and counts it", () => {
    const q = new InputQueue(5);
    expect(q.push("abcd")).toBe(true);
    expect(q.push("ef")).toBe(false);
    expect([q.queued, q.refused]).toEqual([4, 2]);
  });

  it("keeps refusing after the first refusal, so what is sent is a prefix of what was typed", () => {
    const q = new InputQueue(5);
    q.push("abcd");
    q.push("efgh");
    expect(q.push("i")).toBe(false);
    expect([q.drain(), q.refused]).toEqual(["abcd", 0]);
    expect(q.push("j")).toBe(true);
  });

  it("clear forgets everything", () => {
    const q = new InputQueue(3);
    q.push("ab");
    q.push("cd");
    q.clear();
    expect([q.queued, q.refused, q.drain()]).toEqual([0, 0, ""]);
  });
});
