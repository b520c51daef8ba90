import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/backoff";

const noJitter = () => 0.5;

describe("backoffDelay", () => {
  it("doubles from 1 s and caps at 30 s without jitter", () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoffDelay(n, noJitter));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it("stays within ±30 % of the base at the jitter extremes", () => {
    expect(backoffDelay(0, () => 0)).toBe(700);
    expect(backoffDelay(0, () => 0.999999)).toBe(1300);
    expect(backoffDelay(9, () => 0)).toBe(21000);
    expect(backoffDelay(9, () => 0.999999)).toBe(39000);
  });

  it("spreads delays over the jitter range with a real random source", () => {
    const seen = Array.from({ length: 200 }, () => backoffDelay(2));
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(2800);
    expect(Math.max(...seen)).toBeLessThanOrEqual(5200);
    expect(new Set(seen).size).toBeGreaterThan(20);
  });

  it("treats negative or fractional attempts as sane integers", () => {
    expect(backoffDelay(-3, noJitter)).toBe(1000);
    expect(backoffDelay(1.7, noJitter)).toBe(2000);
  });
});
