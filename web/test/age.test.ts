import { describe, expect, it } from "vitest";
import { formatAge, spokenAge } from "../src/age";

describe("formatAge", () => {
  it("says the fewest characters a glance needs", () => {
    expect([0, 4_999, 45_000, 12 * 60_000, 3 * 3_600_000, 50 * 3_600_000, -5].map(formatAge)).toEqual(["now", "now", "45s", "12m", "3h", "2d", "now"]);
  });

  it("says it in words for screen readers", () => {
    expect([1_000, 61_000, 3_600_000, 7_200_000, 3 * 86_400_000].map(spokenAge)).toEqual(["a moment", "1 minute", "1 hour", "2 hours", "3 days"]);
  });
});
