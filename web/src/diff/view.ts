/**
 * What the diff view shows (pure): a file's rows in unified or side-by-side layout with syntax
 * tokens, how many of them to draw at first, and which files start folded in a large diff.
 */

import type { FileDiff } from "../api";
import { highlightLines, type Token } from "./highlight";
import { grammarFor } from "./languages";
import { parseDiff, sideLines, splitRows, type DiffLine, type Hunk, type SplitRow } from "./parse";

export type Layout = "unified" | "split";

export type Row =
  | { kind: "hunk"; hunk: Hunk }
  | { kind: "line"; line: DiffLine }
  | { kind: "pair"; row: SplitRow };

/** Lines drawn per file at first; "show more" adds SHOW_MORE at a time. */
export const FIRST_LINES = 400;
export const SHOW_MORE = 1000;
/** A diff with more lines than this starts with its later files folded. */
export const UNFOLDED_LINES = 3000;

export interface FileView {
  notes: string[];
  rows: Row[];
  /** Syntax tokens per line; lines without an entry are plain text. */
  tokens: ReadonlyMap<DiffLine, Token[]>;
}

export function fileView(file: FileDiff, layout: Layout): FileView {
  const parsed = parseDiff(file.diff);
  const rows: Row[] = [];
  for (const hunk of parsed.hunks) {
    rows.push({ kind: "hunk", hunk });
    if (layout === "unified") for (const line of hunk.lines) rows.push({ kind: "line", line });
    else for (const row of splitRows(hunk.lines)) rows.push({ kind: "pair", row });
  }
  return { notes: parsed.notes, rows, tokens: file.binary ? new Map() : highlight(file.path, parsed.hunks) };
}

/**
 * Tokens for every line of the hunks: the old side (context and deletions) and the new side
 * (context and additions) are each highlighted as one stream, so a comment or string that spans
 * lines is coloured through. Each hunk starts afresh: what lies between hunks is unknown.
 */
export function highlight(path: string, hunks: readonly Hunk[]): Map<DiffLine, Token[]> {
  const grammar = grammarFor(path);
  const tokens = new Map<DiffLine, Token[]>();
  if (grammar === null) return tokens;
  for (const hunk of hunks) {
    for (const side of ["old", "new"] as const) {
      const lines = sideLines(hunk.lines, side);
      const lit = highlightLines(lines.map((l) => l.text), grammar);
      lines.forEach((line, i) => tokens.set(line, lit[i] ?? []));
    }
  }
  return tokens;
}

/** The first rows holding at most `limit` diff lines (hunk headers are free), and how many are left. */
export function visibleRows(rows: readonly Row[], limit: number): { shown: Row[]; hidden: number } {
  let lines = 0;
  let cut = rows.length;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]?.kind === "hunk") continue;
    if (lines === limit) {
      cut = i;
      break;
    }
    lines++;
  }
  const hidden = rows.slice(cut).filter((r) => r.kind !== "hunk").length;
  return { shown: rows.slice(0, cut), hidden };
}

/** Rough size of a file's diff in lines (its patch's line count). */
export function diffLines(file: FileDiff): number {
  let count = 0;
  for (let i = file.diff.indexOf("\n"); i >= 0; i = file.diff.indexOf("\n", i + 1)) count++;
  return count;
}

/**
 * Paths of the files that start folded: each one after the first whose lines, as first drawn,
 * would take the view past `budget` lines (a huge change set opens quickly; any file unfolds).
 */
export function foldedAtFirst(files: readonly FileDiff[], budget = UNFOLDED_LINES): Set<string> {
  const folded = new Set<string>();
  let total = 0;
  files.forEach((file, i) => {
    total += Math.min(diffLines(file), FIRST_LINES);
    if (total > budget && i > 0) folded.add(file.path);
  });
  return folded;
}

export const STATUS_LETTER: Record<FileDiff["status"], string> = { added: "A", modified: "M", deleted: "D", renamed: "R" };

/** The file's name as the list shows it: a rename as "old → new". */
export function fileLabel(file: FileDiff): string {
  return file.oldPath !== undefined && file.oldPath !== file.path ? `${file.oldPath} → ${file.path}` : file.path;
}

/** A short commit id for display. */
export function shortCommit(commit: string): string {
  return /^[0-9a-f]{40,64}$/.test(commit) ? commit.slice(0, 8) : commit;
}
