/**
 * What part of the log the live terminal still holds, and on which of its lines an offset lies.
 *
 * xterm.js lets lines go without saying what they held: its scrollback is bounded, and a
 * program may clear it (ESC [3J). So every MARK_LINES lines the terminal's cursor moves down,
 * the line is marked with the offset written up to then (an xterm.js marker: it moves with its
 * line and is disposed with it). Everything before the oldest live mark's offset may be gone;
 * everything from it on is still there — where an older view must reach. Only the normal
 * screen is marked (the alternate screen keeps no scrollback), and marks come by lines, not
 * bytes, so a program redrawing the same lines never piles them up: at most about
 * scrollback / MARK_LINES are alive.
 */

export interface LineMarker {
  readonly line: number;
  readonly isDisposed: boolean;
  dispose(): void;
}

export const MARK_LINES = 100;

interface Mark {
  offset: number;
  marker: LineMarker;
}

export class LiveExtent {
  private marks: Mark[] = [];
  private first = 0;
  private lost = false;

  constructor(readonly markLines: number = MARK_LINES) {}

  /** The terminal was cleared and shows the log from `start` on. */
  reset(start: number): void {
    for (const mark of this.marks) mark.marker.dispose();
    this.marks = [];
    this.first = start;
    this.lost = false;
  }

  /** Output up to `offset` was parsed and the cursor is on `cursorLine` (of the normal
   * screen's buffer): `mark()` marks that line when it is far enough below the last mark. */
  note(offset: number, cursorLine: number, mark: () => LineMarker): void {
    this.prune();
    const last = this.marks.at(-1);
    if (last !== undefined && cursorLine - last.marker.line < this.markLines) return;
    if (last === undefined && !this.lost && cursorLine < this.markLines) return;
    this.marks.push({ offset, marker: mark() });
  }

  /** The offset from which on the terminal still holds everything (`rendered`, the end of what
   * it was given, when nothing is known to be left). */
  start(rendered: number): number {
    this.prune();
    if (!this.lost) return this.first;
    return this.marks[0]?.offset ?? rendered;
  }

  /** The terminal line holding `offset` (up to MARK_LINES early), or null when it is gone. */
  lineOf(offset: number): number | null {
    this.prune();
    if (offset < this.start(Infinity)) return null;
    let line = this.lost ? null : 0;
    for (const mark of this.marks) {
      if (mark.offset > offset) break;
      line = mark.marker.line;
    }
    return line;
  }

  dispose(): void {
    this.reset(0);
  }

  private prune(): void {
    while (this.marks[0]?.marker.isDisposed === true) {
      this.marks.shift();
      this.lost = true;
    }
  }
}
