import { describe, expect, it } from "vitest";
import { highlightLines, tokenizeLine, type Grammar, type Token } from "../src/diff/highlight";
import { grammarFor } from "../src/diff/languages";

function grammar(path: string): Grammar {
  const g = grammarFor(path);
  if (g === null) throw new Error(`no grammar for ${path}`);
  return g;
}

/** The non-plain tokens of a line as "kind:text". */
function marks(line: string, path: string): string[] {
  return tokenizeLine(line, grammar(path), null).tokens.filter((t) => t.kind !== "plain").map((t) => `${t.kind}:${t.text}`);
}

const join = (tokens: Token[]) => tokens.map((t) => t.text).join("");

describe("tokenizeLine", () => {
  it("finds keywords, strings, numbers, literals and comments in TypeScript", () => {
    expect(marks('const x = "a\\"b" + 0x1F; // done', "src/a.ts")).toEqual([
      "keyword:const",
      'string:"a\\"b"',
      "number:0x1F",
      "comment:// done",
    ]);
    expect(marks("return null ?? 1.5e3;", "a.tsx")).toEqual(["keyword:return", "literal:null", "number:1.5e3"]);
  });

  it("does not take digits inside a name for a number, nor a keyword inside a name", () => {
    expect(marks("let item2 = format(x1)", "a.js")).toEqual(["keyword:let"]);
  });

  it("highlights Python keywords, literals and comments", () => {
    expect(marks("def f(x): return None  # why", "m.py")).toEqual(["keyword:def", "keyword:return", "literal:None", "comment:# why"]);
  });

  it("reads Rust lifetimes as code and char literals as strings", () => {
    expect(marks("fn f<'a>(c: char) -> bool { c == 'x' }", "lib.rs")).toEqual(["keyword:fn", "string:'x'"]);
  });

  it("takes # as a comment in shell only at the start or after a space", () => {
    expect(marks('echo ${#list} a#b # note', "run.sh")).toEqual(["comment:# note"]);
  });

  it("matches SQL keywords in any case", () => {
    expect(marks("SELECT id From t -- all", "q.sql")).toEqual(["keyword:SELECT", "keyword:From", "comment:-- all"]);
  });

  it("ends a single-line string left open with its line", () => {
    const result = tokenizeLine('x = "open', grammar("a.js"), null);
    expect(result.state).toBeNull();
    expect(result.tokens.at(-1)).toEqual({ kind: "string", text: '"open' });
  });

  it("keeps every character of the line", () => {
    const lines = ["\tif (a < b && c > 'd') { /* x */ }", "π = 3.14 # ∞", "", "'''", "`${a}`"];
    for (const path of ["a.ts", "a.py", "a.go", "a.sh", "a.css"]) {
      for (const line of lines) expect(join(tokenizeLine(line, grammar(path), null).tokens)).toBe(line);
    }
  });
});

describe("highlightLines", () => {
  it("carries a block comment across lines until it closes", () => {
    const lines = highlightLines(["a /* one", "two", "three */ b"], grammar("x.c"));
    expect(lines.map((l) => l.map((t) => t.kind))).toEqual([["plain", "comment"], ["comment"], ["comment", "plain"]]);
  });

  it("carries Python triple-quoted strings and JS template strings across lines", () => {
    const py = highlightLines(['s = """start', "middle", 'end""" + 1'], grammar("a.py"));
    expect(py[1]).toEqual([{ kind: "string", text: "middle" }]);
    expect(py[2]?.map((t) => t.kind)).toEqual(["string", "plain", "number"]);
    const js = highlightLines(["const t = `a", "b` ;"], grammar("a.js"));
    expect(js[1]?.[0]).toEqual({ kind: "string", text: "b`" });
  });
});

describe("grammarFor", () => {
  it("picks by extension or well-known name, and none for prose", () => {
    expect(grammarFor("web/src/App.TSX")).toBe(grammarFor("x.ts"));
    expect(grammarFor("Makefile")).toBe(grammarFor("x.sh"));
    expect(grammarFor("Dockerfile.dev")).toBe(grammarFor("x.sh"));
    expect(grammarFor("README.md")).toBeNull();
    expect(grammarFor(".hidden")).toBeNull();
    expect(grammarFor("LICENSE")).toBeNull();
  });
});
