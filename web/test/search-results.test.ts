import { describe, expect, it } from "vitest";
import { SearchResults } from "../src/terminal/search-results";

const answer = {
  matches: [
    { offset: 100, line: "a" },
    { offset: 200, line: "b" },
    { offset: 300, line: "c" },
  ],
  truncated: false,
};

describe("SearchResults", () => {
  it("shows the newest match first", () => {
    const results = SearchResults.of("x", answer);
    expect([results.current?.offset, results.label]).toEqual([300, "3 of 3"]);
  });

  it("steps to older and newer matches, wrapping around", () => {
    const results = SearchResults.of("x", answer);
    expect(results.older().current?.offset).toBe(200);
    expect(results.newer().current?.offset).toBe(100);
    expect(results.older().older().older().current?.offset).toBe(300);
  });

  it("starts at the first match at or after a place (a link into the output)", () => {
    expect(SearchResults.of("x", answer, 150).current?.offset).toBe(200);
    expect(SearchResults.of("x", answer, 999).current?.offset).toBe(300);
  });

  it("says when there are none, and when there were more than listed", () => {
    expect(SearchResults.of("x", { matches: [], truncated: false }).label).toBe("No matches");
    expect(SearchResults.of("x", { matches: [], truncated: false }).current).toBeNull();
    expect(SearchResults.of("x", { ...answer, truncated: true }).label).toBe("3 of 3+");
  });
});
