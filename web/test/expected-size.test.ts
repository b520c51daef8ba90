import { describe, expect, it } from "vitest";
import { cellSize, fitSize, type Looks } from "../src/terminal/expected-size";

const LOOKS: Looks = { fontFamily: "monospace", fontSize: 14, lineHeight: 1.15, letterSpacing: 0, scrollback: 10_000 };
const CHAR = { width: 8.4296875, height: 17 };

describe("cellSize", () => {
  it("rounds the cells as xterm.js's DOM renderer does: the canvas to whole pixels", () => {
    expect(cellSize(CHAR, 1, LOOKS, { cols: 80, rows: 24 })).toEqual({ width: 674 / 80, height: 19 });
    expect(cellSize(CHAR, 2, LOOKS, { cols: 80, rows: 24 })).toEqual({ width: Math.round(8.4296875 * 2 * 80 / 2) / 80, height: Math.round(39 * 24 / 2) / 24 });
  });
});

describe("fitSize", () => {
  it("fits as FitAddon does, leaving the scroll bar's 14 pixels", () => {
    const cell = cellSize(CHAR, 1, LOOKS, { cols: 149, rows: 36 });
    const size = fitSize(1270, 700, CHAR, 1, LOOKS, { cols: 80, rows: 24 });
    expect(size).toEqual({ cols: Math.floor((1270 - 14) / cell.width), rows: Math.floor(700 / cell.height) });
  });

  it("is a size FitAddon leaves as it is (each fit rounds the cells at the size it starts from)", () => {
    const size = fitSize(1270, 700, CHAR, 1.5, LOOKS, { cols: 80, rows: 24 });
    expect(fitSize(1270, 700, CHAR, 1.5, LOOKS, size)).toEqual(size);
  });

  it("keeps the scroll bar's room only when there is scrollback, and never goes below 2 × 1", () => {
    const wide = fitSize(1270, 700, CHAR, 1, { ...LOOKS, scrollback: 0 }, { cols: 80, rows: 24 });
    expect(wide.cols).toBe(Math.floor(1270 / cellSize(CHAR, 1, LOOKS, wide).width));
    expect(fitSize(3, 3, CHAR, 1, LOOKS, { cols: 80, rows: 24 })).toEqual({ cols: 2, rows: 1 });
  });
});
