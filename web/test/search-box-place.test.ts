import { describe, expect, it } from "vitest";
import { flipped, overlaps } from "../src/terminal/search-box-place";

const box = (left: number, top: number, right: number, bottom: number) => ({ left, top, right, bottom });
const usual = box(840, 140, 1260, 180); // the top right of a wide terminal

describe("search box placement", () => {
  it("goes to the other edge while the match lies under it", () => {
    expect(flipped(usual, [box(980, 150, 1060, 168)])).toBe(true);
    expect(flipped(usual, [box(1200, 170, 1300, 188)])).toBe(true); // partly under it
    expect(flipped(usual, [box(1200, 120, 1266, 138), box(10, 138, 60, 156)])).toBe(false); // wrapped, beside it
    expect(flipped(usual, [box(10, 130, 60, 148), box(10, 148, 900, 166)])).toBe(true); // wrapped, its end under it
  });

  it("stays where it is for a match beside, above or below it, or none", () => {
    expect(flipped(usual, [box(140, 150, 230, 168)])).toBe(false);
    expect(flipped(usual, [box(980, 180, 1060, 198)])).toBe(false); // the line below: touching is not under
    expect(flipped(usual, [box(980, 400, 1060, 418)])).toBe(false);
    expect(flipped(usual, [])).toBe(false);
    expect(flipped(null, [box(980, 150, 1060, 168)])).toBe(false);
  });

  it("counts only a real overlap", () => {
    expect(overlaps(box(0, 0, 10, 10), box(10, 0, 20, 10))).toBe(false);
    expect(overlaps(box(0, 0, 10, 10), box(9, 9, 20, 20))).toBe(true);
  });
});
