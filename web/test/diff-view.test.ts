import { describe, expect, it } from "vitest";
import type { FileDiff } from "../src/api";
import { fileLabel, fileView, foldedAtFirst, FIRST_LINES, shortCommit, visibleRows } from "../src/diff/view";

function file(path: string, diff: string, extra: Partial<FileDiff> = {}): FileDiff {
  return { path, status: "modified", additions: 0, deletions: 0, binary: false, diff, truncated: false, ...extra };
}

const PY = file("m.py", '@@ -1,2 +1,2 @@\n-s = """a\n+s = """b\n  c""" # end\n');

describe("fileView", () => {
  it("lays out hunks as unified lines or side-by-side pairs", () => {
    expect(fileView(PY, "unified").rows.map((r) => r.kind)).toEqual(["hunk", "line", "line", "line"]);
    expect(fileView(PY, "split").rows.map((r) => r.kind)).toEqual(["hunk", "pair", "pair"]);
  });

  it("highlights each side as a stream, so a string opened on a changed line colours the context", () => {
    const view = fileView(PY, "unified");
    const context = view.rows.flatMap((r) => (r.kind === "line" && r.line.kind === "context" ? [r.line] : []));
    expect(view.tokens.get(context[0]!)?.map((t) => t.kind)).toEqual(["string", "plain", "comment"]);
  });

  it("does not highlight binary files or unknown types", () => {
    expect(fileView({ ...PY, binary: true }, "unified").tokens.size).toBe(0);
    expect(fileView({ ...PY, path: "notes.md" }, "unified").tokens.size).toBe(0);
  });
});

describe("visibleRows", () => {
  const rows = fileView(file("a.txt", "@@ -1,3 +1,3 @@\n a\n b\n c\n@@ -9 +9 @@\n-x\n+y\n"), "unified").rows;

  it("cuts after `limit` lines, counting hunk headers as free", () => {
    const { shown, hidden } = visibleRows(rows, 3);
    expect(shown.map((r) => r.kind)).toEqual(["hunk", "line", "line", "line", "hunk"]);
    expect(hidden).toBe(2);
  });

  it("shows everything under the limit", () => {
    expect(visibleRows(rows, 100)).toEqual({ shown: rows, hidden: 0 });
  });
});

describe("foldedAtFirst", () => {
  const lines = (n: number) => "@@\n" + " x\n".repeat(n - 1);

  it("folds the files after the budget is spent, never the first one", () => {
    const files = [file("big", lines(5000)), file("a", lines(10)), file("b", lines(10))];
    expect([...foldedAtFirst(files, FIRST_LINES)]).toEqual(["a", "b"]);
    expect([...foldedAtFirst(files, FIRST_LINES + 10)]).toEqual(["b"]);
    expect(foldedAtFirst(files.slice(1), 1000).size).toBe(0);
  });
});

describe("labels", () => {
  it("shows renames as old → new and shortens full commit ids only", () => {
    expect(fileLabel(file("d.txt", "", { oldPath: "c.txt", status: "renamed" }))).toBe("c.txt → d.txt");
    expect(fileLabel(file("d.txt", ""))).toBe("d.txt");
    expect(shortCommit("c6b8264ea36ebc1ab9afdc69e03f8774e6a8c897")).toBe("c6b8264e");
    expect(shortCommit("HEAD~2")).toBe("HEAD~2");
  });
});
