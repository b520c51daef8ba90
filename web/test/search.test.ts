import { describe, expect, it } from "vitest";
import { groupHits, highlight, placePath, sessionName, type SearchHit } from "../src/search";

const session = { id: "s1", title: "Payments", branch: null, locationPath: "/work/pay", removed: false };
const worker = { id: "w1", name: "Claude", type: "agent" as const, removed: false };
const hit = (over: Partial<SearchHit> = {}): SearchHit => ({
  session, worker, time: "2026-12-01T10:00:00Z", offset: 42, line: "Build failed", before: [], after: [], ...over,
});

describe("search results", () => {
  it("groups hits by worker in the order of each group's newest hit", () => {
    const other = { ...worker, id: "w2", name: "Shell" };
    const groups = groupHits([hit({ offset: 3 }), hit({ worker: other }), hit({ offset: 1 })]);
    expect(groups.map((g) => [g.worker.id, g.hits.map((h) => h.offset)])).toEqual([["w1", [3, 1]], ["w2", [42]]]);
  });

  it("highlights the query from the start of a word, ignoring case", () => {
    expect(highlight("Build failed, rebuild FAILED", "fail")).toEqual([
      { text: "Build ", match: false },
      { text: "fail", match: true },
      { text: "ed, rebuild ", match: false },
      { text: "FAIL", match: true },
      { text: "ED", match: false },
    ]);
    expect(highlight("x -> y", "->")).toEqual([{ text: "x ", match: false }, { text: "->", match: true }, { text: " y", match: false }]);
    expect(highlight("nothing", "zz")).toEqual([{ text: "nothing", match: false }]);
  });

  it("opens a live worker at the line's offset, and nothing for a removed one", () => {
    expect(placePath(hit(), "build fail")).toBe("/sessions/s1/workers/w1?offset=42&q=build+fail");
    expect(placePath(hit({ worker: { ...worker, removed: true } }), "x")).toBeNull();
  });

  it("names an untitled session after its directory", () => {
    expect(sessionName({ ...session, title: null })).toBe("pay");
    expect(sessionName(session)).toBe("Payments");
  });
});
