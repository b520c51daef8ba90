/**
 * One file's unified diff as hunks of numbered lines, and those hunks as side-by-side rows (pure).
 *
 * The input is what `git diff` prints for one file: header lines (`diff --git`, mode, rename,
 * `index`, `---`/`+++`, `Binary files … differ`), then hunks. A hunk ends when its header's line
 * counts are used up, so a line that merely looks like a header inside a hunk stays content.
 */

export type LineKind = "context" | "add" | "del";

export interface DiffLine {
  kind: LineKind;
  text: string;
  /** Line number in the old file (context and deletions), else null. */
  oldNo: number | null;
  /** Line number in the new file (context and additions), else null. */
  newNo: number | null;
  /** Followed by git's "\ No newline at end of file". */
  noNewline: boolean;
}

export interface Hunk {
  header: string;
  /** The text git puts after the second @@ (often the enclosing function). */
  section: string;
  oldStart: number;
  newStart: number;
  lines: DiffLine[];
}

export interface ParsedDiff {
  /** Header lines worth showing: modes, renames, "Binary files … differ". */
  notes: string[];
  hunks: Hunk[];
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;
const NOTE = /^(new file mode|deleted file mode|old mode|new mode|similarity index|rename from|rename to|copy from|copy to|Binary files)/;

export function parseDiff(text: string): ParsedDiff {
  const notes: string[] = [];
  const hunks: Hunk[] = [];
  let hunk: Hunk | null = null;
  let oldLeft = 0;
  let newLeft = 0;
  let oldNo = 0;
  let newNo = 0;
  for (const line of splitLines(text)) {
    const inside: boolean = hunk !== null && (oldLeft > 0 || newLeft > 0);
    if (hunk !== null && line.startsWith("\\")) {
      const last = hunk.lines.at(-1);
      if (last !== undefined) last.noNewline = true;
      continue;
    }
    const head: RegExpExecArray | null = inside ? null : HUNK.exec(line);
    if (head !== null) {
      oldNo = Number(head[1]);
      newNo = Number(head[3]);
      oldLeft = head[2] === undefined ? 1 : Number(head[2]);
      newLeft = head[4] === undefined ? 1 : Number(head[4]);
      hunk = { header: line, section: head[5] ?? "", oldStart: oldNo, newStart: newNo, lines: [] };
      hunks.push(hunk);
      continue;
    }
    if (!inside || hunk === null) {
      if (hunk === null && NOTE.test(line)) notes.push(line);
      continue;
    }
    const sign = line[0] ?? " ";
    const body = line.slice(1);
    if (sign === "+" && newLeft > 0) {
      hunk.lines.push({ kind: "add", text: body, oldNo: null, newNo: newNo++, noNewline: false });
      newLeft--;
    } else if (sign === "-" && oldLeft > 0) {
      hunk.lines.push({ kind: "del", text: body, oldNo: oldNo++, newNo: null, noNewline: false });
      oldLeft--;
    } else {
      // " " is context; an empty line is context whose leading space was stripped on the way.
      hunk.lines.push({ kind: "context", text: sign === " " ? body : line, oldNo: oldNo++, newNo: newNo++, noNewline: false });
      oldLeft--;
      newLeft--;
    }
  }
  return { notes, hunks };
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** One row of the side-by-side view: the old file's line on the left, the new file's on the right. */
export interface SplitRow {
  left: DiffLine | null;
  right: DiffLine | null;
}

/**
 * Side-by-side rows of a hunk: context on both sides; a run of deletions and the additions right
 * after it are paired line by line (the shorter side padded with empty cells).
 */
export function splitRows(lines: readonly DiffLine[]): SplitRow[] {
  const rows: SplitRow[] = [];
  let dels: DiffLine[] = [];
  let adds: DiffLine[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++) rows.push({ left: dels[i] ?? null, right: adds[i] ?? null });
    dels = [];
    adds = [];
  };
  for (const line of lines) {
    if (line.kind === "context") {
      flush();
      rows.push({ left: line, right: line });
    } else if (line.kind === "del") {
      if (adds.length > 0) flush();
      dels.push(line);
    } else adds.push(line);
  }
  flush();
  return rows;
}

/** The lines one side of the diff shows, in order: the old file's (side "old") or the new one's. */
export function sideLines(lines: readonly DiffLine[], side: "old" | "new"): DiffLine[] {
  return lines.filter((l) => l.kind === "context" || l.kind === (side === "old" ? "del" : "add"));
}
