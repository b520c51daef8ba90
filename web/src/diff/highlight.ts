/**
 * A small syntax highlighter (pure): splits lines of code into keywords, strings, comments,
 * numbers and literals, driven by a language's Grammar. Block comments and multi-line strings
 * carry over from line to line through a State, so a diff side is highlighted as one stream.
 *
 * It is deliberately not a parser: no regular-expression literals, no nesting, no interpolation.
 * Wrong guesses only change colours; the text of every line is kept exactly (tokens join to it).
 */

export type TokenKind = "plain" | "keyword" | "literal" | "string" | "comment" | "number";

export interface Token {
  kind: TokenKind;
  text: string;
}

export interface Grammar {
  keywords: ReadonlySet<string>;
  /** true, false, null and the like: shown as literals. */
  literals: ReadonlySet<string>;
  lineComments: readonly string[];
  blockComments: readonly (readonly [string, string])[];
  /** String delimiters, longest first when one is a prefix of another ('"""' before '"'). */
  strings: readonly string[];
  /** Delimiters whose strings may span lines (backticks, triple quotes). */
  multiline: ReadonlySet<string>;
  /** `'` starts a string only as a char literal ('a', '\n'): Rust lifetimes, Go runes… */
  charQuote?: boolean;
  /** `#` starts a comment only at the start or after a space (shell: `${#x}`, `a#b`). */
  hashAfterSpace?: boolean;
  caseInsensitive?: boolean;
}

/** Inside a block comment or a multi-line string, waiting for `end`; null between tokens. */
export type State = { kind: "comment" | "string"; end: string } | null;

const WORD = /[A-Za-z_$][\w$]*/y;
const NUMBER = /(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)[a-zA-Z]*/y;
const CHAR = /'(?:\\.[^'\\]{0,8}|[^'\\])'/y;

export function tokenizeLine(line: string, grammar: Grammar, state: State): { tokens: Token[]; state: State } {
  const out = new Builder();
  let i = 0;
  let current = state;
  while (i < line.length) {
    if (current !== null) {
      const end = findEnd(line, i, current.end, current.kind === "string");
      out.push(current.kind, line.slice(i, end < 0 ? line.length : end + current.end.length));
      i = end < 0 ? line.length : end + current.end.length;
      if (end >= 0) current = null;
      continue;
    }
    const step = next(line, i, grammar);
    out.push(step.kind, line.slice(i, step.to));
    i = step.to;
    current = step.state;
  }
  return { tokens: out.tokens, state: current };
}

/** Highlights consecutive lines of one file, carrying comments and strings across lines. */
export function highlightLines(lines: readonly string[], grammar: Grammar): Token[][] {
  let state: State = null;
  return lines.map((line) => {
    const result = tokenizeLine(line, grammar, state);
    state = result.state;
    return result.tokens;
  });
}

interface Step {
  kind: TokenKind;
  to: number;
  state: State;
}

function next(line: string, i: number, g: Grammar): Step {
  const rest = (s: string) => line.startsWith(s, i);
  const line0 = g.lineComments.find((c) => rest(c) && (c !== "#" || !g.hashAfterSpace || i === 0 || /\s/.test(line[i - 1] ?? "")));
  if (line0 !== undefined) return { kind: "comment", to: line.length, state: null };
  const block = g.blockComments.find(([open]) => rest(open));
  if (block !== undefined) return closeOrCarry(line, i + block[0].length, block[1], "comment", false);
  const quote = g.strings.find((q) => rest(q));
  if (quote !== undefined) return stringAt(line, i, quote, g);
  const ch = line[i] ?? "";
  const before = line[i - 1] ?? "";
  if (/[\d.]/.test(ch) && !/[\w$]/.test(before)) {
    const to = match(NUMBER, line, i);
    if (to > i && /\d/.test(line.slice(i, to))) return { kind: "number", to, state: null };
  }
  if (/[A-Za-z_$]/.test(ch)) return word(line, i, g);
  return { kind: "plain", to: i + 1, state: null };
}

function stringAt(line: string, i: number, quote: string, g: Grammar): Step {
  if (quote === "'" && g.charQuote === true) {
    const to = match(CHAR, line, i);
    return to > i ? { kind: "string", to, state: null } : { kind: "plain", to: i + 1, state: null };
  }
  const step = closeOrCarry(line, i + quote.length, quote, "string", true);
  // A single-line string left open ends with its line: an unclosed quote must not colour the file.
  return g.multiline.has(quote) ? step : { ...step, state: null };
}

function closeOrCarry(line: string, from: number, end: string, kind: "comment" | "string", escapes: boolean): Step {
  const at = findEnd(line, from, end, escapes);
  if (at < 0) return { kind, to: line.length, state: { kind, end } };
  return { kind, to: at + end.length, state: null };
}

function word(line: string, i: number, g: Grammar): Step {
  const to = match(WORD, line, i);
  const text = line.slice(i, to);
  const key = g.caseInsensitive === true ? text.toLowerCase() : text;
  const kind: TokenKind = g.keywords.has(key) ? "keyword" : g.literals.has(key) ? "literal" : "plain";
  return { kind, to, state: null };
}

/** Where `end` next occurs in line from `from` (skipping backslash escapes in strings), or -1. */
function findEnd(line: string, from: number, end: string, escapes: boolean): number {
  for (let i = from; i < line.length; i++) {
    if (escapes && line[i] === "\\") {
      i++;
      continue;
    }
    if (line.startsWith(end, i)) return i;
  }
  return -1;
}

function match(pattern: RegExp, line: string, i: number): number {
  pattern.lastIndex = i;
  const found = pattern.exec(line);
  return found === null ? i : i + found[0].length;
}

/** Collects tokens, merging neighbours of the same kind (fewer DOM nodes). */
class Builder {
  readonly tokens: Token[] = [];

  push(kind: TokenKind, text: string): void {
    if (text === "") return;
    const last = this.tokens.at(-1);
    if (last !== undefined && last.kind === kind) last.text += text;
    else this.tokens.push({ kind, text });
  }
}
