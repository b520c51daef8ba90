import { describe, expect, it } from "vitest";
import { aroundRequest, charIndexAt, HistoryWindow, type HistoryPage } from "../src/terminal/history-window";

/** A page of ASCII text covering [start, end), kept from `retained` on. */
function page(start: number, end: number, retained = 0, modes = ""): HistoryPage {
  return { startOffset: start, offset: end, data: "x".repeat(end - start), retainedStart: retained, modes };
}

describe("HistoryWindow", () => {
  it("asks for the page that ends where the window starts", () => {
    const w = new HistoryWindow(100, 250);
    w.replace(page(1000, 1100, 0));
    expect(w.olderRequest()).toEqual({ end: 1000, bytes: 100 });
  });

  it("asks for nothing older once the window starts at the oldest byte kept", () => {
    const w = new HistoryWindow(100, 250);
    w.replace(page(500, 600, 500));
    expect([w.atOldest, w.olderRequest()]).toEqual([true, null]);
  });

  it("asks for the page after the window, never past the limit, exactly from its end", () => {
    const w = new HistoryWindow(100, 250);
    w.replace(page(1000, 1100));
    expect(w.newerRequest(5000)).toEqual({ end: 1200, bytes: 100 });
    expect(w.newerRequest(1130)).toEqual({ end: 1130, bytes: 30 });
    expect(w.newerRequest(1100)).toBeNull();
  });

  it("prepends a contiguous page and lets the newest go past its size", () => {
    const w = new HistoryWindow(100, 250);
    w.replace(page(1000, 1100));
    expect(w.prepend(page(900, 1000))).toBe(true);
    expect(w.prepend(page(800, 900))).toBe(true);
    expect([w.start, w.end]).toEqual([800, 1000]);
  });

  it("appends a contiguous page and lets the oldest go past its size", () => {
    const w = new HistoryWindow(100, 250);
    w.replace(page(1000, 1100));
    w.append(page(1100, 1200));
    w.append(page(1200, 1300));
    expect([w.start, w.end]).toEqual([1100, 1300]);
  });

  it("refuses a page that does not touch the window (nothing changes)", () => {
    const w = new HistoryWindow(100, 250);
    w.replace(page(1000, 1100));
    expect(w.prepend(page(800, 900))).toBe(false);
    expect(w.append(page(1150, 1250))).toBe(false);
    expect(w.append(page(1100, 1100))).toBe(false);
    expect([w.start, w.end]).toEqual([1000, 1100]);
  });

  it("takes an older page that ends a few bytes short (an invalid character not cut in two)", () => {
    const w = new HistoryWindow(100, 250);
    w.replace(page(1000, 1100));
    expect(w.prepend(page(900, 998))).toBe(true);
  });

  it("always keeps the page just added, even one larger than the window", () => {
    const w = new HistoryWindow(100, 50);
    w.replace(page(100, 200));
    expect(w.prepend(page(0, 100))).toBe(true);
    expect([w.start, w.end]).toEqual([0, 100]);
  });

  it("writes the modes of the window's first page, then its text cut at the anchor", () => {
    const w = new HistoryWindow(100, 1000);
    w.replace({ startOffset: 10, offset: 15, data: "abcde", retainedStart: 0, modes: "M2" });
    w.prepend({ startOffset: 5, offset: 10, data: "vwxyz", retainedStart: 0, modes: "M1" });
    expect(w.pieces(12)).toEqual({ modes: "M1", before: "vwxyzab", after: "cde" });
    expect(w.pieces(10)).toEqual({ modes: "M1", before: "vwxyz", after: "abcde" });
    expect(w.pieces(5)).toEqual({ modes: "M1", before: "", after: "vwxyzabcde" });
    expect(w.pieces(15)).toEqual({ modes: "M1", before: "vwxyzabcde", after: "" });
  });

  it("knows the newest retention start its pages reported", () => {
    const w = new HistoryWindow(100, 1000);
    w.replace(page(1000, 1100, 200));
    w.prepend(page(900, 1000, 300));
    expect(w.retainedStart).toBe(300);
  });
});

describe("aroundRequest", () => {
  it("asks for a page that has `offset` in its middle", () => {
    expect(aroundRequest(10_000, 1000)).toEqual({ end: 10_500, bytes: 1000 });
  });
});

describe("charIndexAt", () => {
  it("counts UTF-8 bytes: 1 for ASCII, 2, 3, and 4 for a surrogate pair", () => {
    const text = "aé€😀b";
    expect([0, 1, 3, 6, 10, 11].map((b) => charIndexAt(text, b))).toEqual([0, 1, 2, 3, 5, 6]);
  });

  it("moves a cut inside a character to the next character", () => {
    expect(charIndexAt("é€", 1)).toBe(1);
    expect(charIndexAt("é€", 3)).toBe(2);
  });

  it("stops at the end of the text", () => {
    expect(charIndexAt("abc", 99)).toBe(3);
  });
});
