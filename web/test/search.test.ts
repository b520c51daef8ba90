import { describe, expect, it } from "vitest";
import { groupHits, highlight, passages, placePath, sessionName, type SearchHit } from "../src/search";

const session = { id: "s1", title: "Payments", branch: null, locationPath: "/work/pay", removed: false };
const worker = { id: "w1", name: "Claude", type: "agent" as const, removed: false };
const hit = (over: Partial<SearchHit> = {}): SearchHit => ({
  session, worker, time: "2026-12-01T10:00:00Z", offset: 42, line: "Build failed", before: [], beforeOffsets: [], after: [], afterOffsets: [], ...over,
});

describe("search results", () => {
  it("groups hits by worker in the order of each group's newest hit", () => {
    const other = { ...worker, id: "w2", name: "Shell" };
    const groups = groupHits([hit({ offset: 3 }), hit({ worker: other }), hit({ offset: 1 })]);
    expect(groups.map((g) => [g.worker.id, g.hits.map((h) => h.offset)])).toEqual([["w1", [3, 1]], ["w2", [42]]]);
  });

  it("shows results on neighbouring lines as one passage, each line once, in the order printed", () => {
    // Lines at 0 "a", 10 "fail 1", 20 "fail 2", 30 "b", 40 "c", 50 "fail 3", 60 "d"; 200 "fail 4" far below.
    const line = (offset: number, text: string, before: [number, string] | null, after: [number, string] | null) =>
      hit({
        offset, line: text, time: `t${offset}`,
        before: before ? [before[1]] : [], beforeOffsets: before ? [before[0]] : [],
        after: after ? [after[1]] : [], afterOffsets: after ? [after[0]] : [],
      });
    const newestFirst = [
      line(200, "fail 4", [190, "x"], null),
      line(50, "fail 3", [40, "c"], [60, "d"]),
      line(20, "fail 2", [10, "fail 1"], [30, "b"]),
      line(10, "fail 1", [0, "a"], [20, "fail 2"]),
    ];
    const shown = passages(newestFirst).map((p) => [p.time, p.lines.map((l) => `${l.offset}:${l.text}${l.hit ? "*" : ""}`)]);
    expect(shown).toEqual([
      ["t200", ["190:x", "200:fail 4*"]],
      ["t50", ["40:c", "50:fail 3*", "60:d"]],
      ["t20", ["0:a", "10:fail 1*", "20:fail 2*", "30:b"]],
    ]);
    expect(passages(newestFirst)[2]?.lines[2]?.hit?.offset).toBe(20);
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
