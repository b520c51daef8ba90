import { describe, expect, it } from "vitest";
import { parseDiff, sideLines, splitRows, type DiffLine } from "../src/diff/parse";

const MODIFIED = [
  "diff --git a/a.py b/a.py",
  "index 94cf279..8b69f6a 100644",
  "--- a/a.py",
  "+++ b/a.py",
  "@@ -1,5 +1,6 @@ def f(x):",
  " def f(x):",
  '     """doc"""',
  "-    return x + 1",
  "+    return x + 2  # changed",
  " ",
  ' print("hi")',
  "+print(f(1))",
  "",
].join("\n");

const brief = (l: DiffLine | null) => (l === null ? null : `${l.kind[0]}${l.oldNo ?? "_"}:${l.newNo ?? "_"} ${l.text}`);

describe("parseDiff", () => {
  it("numbers old and new lines and keeps the hunk's section text", () => {
    const { hunks, notes } = parseDiff(MODIFIED);
    expect(notes).toEqual([]);
    expect(hunks).toHaveLength(1);
    expect(hunks[0]?.section).toBe("def f(x):");
    expect(hunks[0]?.lines.map(brief)).toEqual([
      "c1:1 def f(x):",
      'c2:2     """doc"""',
      "d3:_     return x + 1",
      "a_:3     return x + 2  # changed",
      "c4:4 ",
      'c5:5 print("hi")',
      "a_:6 print(f(1))",
    ]);
  });

  it("reads a one-line hunk header without counts and marks a missing final newline", () => {
    const text = "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+new\n\\ No newline at end of file\n";
    const [hunk] = parseDiff(text).hunks;
    expect(hunk?.lines.map((l) => [brief(l), l.noNewline])).toEqual([["a_:1 new", true]]);
  });

  it("keeps content that looks like a header inside a hunk", () => {
    const text = "@@ -1 +1 @@\n---- a rule\n+++ b/c\n@@ -9 +9 @@\n-x\n+y\n";
    const { hunks } = parseDiff(text);
    expect(hunks.map((h) => h.lines.map(brief))).toEqual([["d1:_ --- a rule", "a_:1 ++ b/c"], ["d9:_ x", "a_:9 y"]]);
  });

  it("collects rename, mode and binary notes and has no hunks for them", () => {
    const text = [
      "diff --git a/c.txt b/d.txt",
      "similarity index 100%",
      "rename from c.txt",
      "rename to d.txt",
      "diff --git a/i.png b/i.png",
      "Binary files a/i.png and b/i.png differ",
    ].join("\n");
    expect(parseDiff(text)).toEqual({
      notes: ["similarity index 100%", "rename from c.txt", "rename to d.txt", "Binary files a/i.png and b/i.png differ"],
      hunks: [],
    });
  });

  it("treats an empty line inside a hunk as context and drops carriage returns", () => {
    const { hunks } = parseDiff("@@ -1,2 +1,2 @@\r\n\r\n-a\r\n+b\r\n");
    expect(hunks[0]?.lines.map(brief)).toEqual(["c1:1 ", "d2:_ a", "a_:2 b"]);
  });

  it("returns nothing for an empty diff", () => {
    expect(parseDiff("")).toEqual({ notes: [], hunks: [] });
  });
});

describe("splitRows", () => {
  it("pairs a run of deletions with the additions after it", () => {
    const { hunks } = parseDiff("@@ -1,4 +1,3 @@\n ctx\n-a\n-b\n-c\n+A\n+B\n");
    const rows = splitRows(hunks[0]?.lines ?? []);
    expect(rows.map((r) => [brief(r.left), brief(r.right)])).toEqual([
      ["c1:1 ctx", "c1:1 ctx"],
      ["d2:_ a", "a_:2 A"],
      ["d3:_ b", "a_:3 B"],
      ["d4:_ c", null],
    ]);
  });

  it("does not pair additions with deletions that come after them", () => {
    const { hunks } = parseDiff("@@ -1,1 +1,1 @@\n+A\n-a\n");
    expect(splitRows(hunks[0]?.lines ?? []).map((r) => [brief(r.left), brief(r.right)])).toEqual([
      [null, "a_:1 A"],
      ["d1:_ a", null],
    ]);
  });

  it("shows each side's lines in order, every line once (random hunks)", () => {
    const random = seeded(7);
    for (let round = 0; round < 300; round++) {
      const { text, oldLines, newLines } = randomHunk(random);
      const [hunk] = parseDiff(text).hunks;
      const lines = hunk?.lines ?? [];
      expect(sideLines(lines, "old").map((l) => l.text)).toEqual(oldLines);
      expect(sideLines(lines, "new").map((l) => l.text)).toEqual(newLines);
      const rows = splitRows(lines);
      const left = rows.flatMap((r) => (r.left === null ? [] : [r.left]));
      const right = rows.flatMap((r) => (r.right === null ? [] : [r.right]));
      expect(left.map((l) => l.oldNo)).toEqual(oldLines.map((_, i) => 10 + i));
      expect(right.map((l) => l.newNo)).toEqual(newLines.map((_, i) => 20 + i));
      expect(rows.every((r) => r.left !== null || r.right !== null)).toBe(true);
    }
  });
});

/** A hunk of random context, deletions and additions whose text may look like diff syntax. */
function randomHunk(random: () => number): { text: string; oldLines: string[]; newLines: string[] } {
  const pieces = ["x", "", " ", "-", "+", "@@ -1 +1 @@", "--- a", "+++ b", "\\ no", "é 日本"];
  const body: string[] = [];
  const oldLines: string[] = [];
  const newLines: string[] = [];
  const count = Math.floor(random() * 12) + 1;
  for (let i = 0; i < count; i++) {
    const text = pieces[Math.floor(random() * pieces.length)] + String(i);
    const kind = Math.floor(random() * 3);
    if (kind !== 2) oldLines.push(text);
    if (kind !== 1) newLines.push(text);
    body.push(`${[" ", "-", "+"][kind]}${text}`);
  }
  const text = `@@ -10,${oldLines.length} +20,${newLines.length} @@\n${body.join("\n")}\n`;
  return { text, oldLines, newLines };
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}
