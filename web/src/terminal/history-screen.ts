/**
 * One read-only xterm.js instance that the history view writes a window of the log into; the
 * view keeps two, writing the next window into the hidden one and swapping them when it is
 * ready, so paging never shows a blank or half-written screen.
 */

import { SearchAddon, type ISearchOptions } from "@xterm/addon-search";
import { Terminal, type ITerminalOptions } from "@xterm/xterm";
import { BEGIN_SYNC, END_SYNC, writeChunks } from "./flow-control";
import { showNotes } from "./notes";

const SEARCH: ISearchOptions = {
  caseSensitive: false,
  decorations: {
    matchBackground: "#6b5a00",
    matchOverviewRuler: "#d4a800",
    activeMatchBackground: "#ff9f1a",
    activeMatchBorder: "#ffffff",
    activeMatchColorOverviewRuler: "#ff9f1a",
  },
};
/** A window's lines are all kept (up to this many), so the top of the screen is its start. */
const MAX_LINES = 50_000;

export class HistoryScreen {
  readonly element: HTMLDivElement;
  readonly term: Terminal;
  private readonly search = new SearchAddon();
  private selecting = false;

  constructor(options: ITerminalOptions, onKey: (event: KeyboardEvent) => boolean) {
    this.element = document.createElement("div");
    this.element.className = "history-screen back";
    this.term = new Terminal({
      ...options,
      disableStdin: true,
      cursorBlink: false,
      cursorStyle: "bar",
      cursorInactiveStyle: "none",
      allowProposedApi: true, // the search addon's match decorations, notes.ts
    });
    this.term.loadAddon(this.search);
    showNotes(this.term);
    this.term.attachCustomKeyEventHandler((event) => !onKey(event));
    this.term.onSelectionChange(() => this.copySelection());
  }

  open(parent: HTMLElement, cols: number, rows: number): void {
    parent.appendChild(this.element);
    this.term.open(this.element);
    this.term.resize(cols, rows);
  }

  get viewportY(): number {
    return this.term.buffer.active.viewportY;
  }

  get atBottom(): boolean {
    return this.term.buffer.active.viewportY >= this.term.buffer.active.baseY;
  }

  /** Writes `modes + before + after` on a clean screen; resolves with the line where `after`
   * begins (null if it left the buffer). */
  async render(pieces: { modes: string; before: string; after: string }): Promise<number | null> {
    this.search.clearDecorations();
    this.term.reset();
    this.term.options.scrollback = Math.min(MAX_LINES, estimateLines(pieces, this.term.cols));
    await writeChunks(this.term, BEGIN_SYNC + pieces.modes + pieces.before);
    const marker = this.term.registerMarker(0);
    await writeChunks(this.term, pieces.after + END_SYNC);
    const line = marker.isDisposed ? null : marker.line;
    marker.dispose();
    return line;
  }

  /** Shows `line` at the top, at the bottom, or a third of the way down the screen. */
  place(line: number, where: "top" | "bottom" | "third"): void {
    const rows = this.term.rows;
    const top = where === "top" ? line : where === "bottom" ? line - rows + 1 : line - Math.floor(rows / 3);
    this.term.scrollToLine(Math.max(0, top));
  }

  /** Highlights every occurrence of `query` on the screen; with `from`, selects the first one
   * at or after that line as the current match (else the view stays where it is). */
  highlight(query: string, from: number | null): void {
    const keep = this.viewportY;
    this.search.clearDecorations();
    this.selecting = true;
    this.term.select(0, from ?? keep, 1);
    this.search.findNext(query, SEARCH);
    if (from === null) {
      this.term.clearSelection();
      this.term.scrollToLine(keep);
    }
    this.selecting = false;
  }

  /** Where the selection — the match `highlight` chose — is drawn: a box a line (none when it is
   * not on screen). xterm.js's DOM renderer draws it as a div a line. */
  selectionBoxes(): DOMRect[] {
    const drawn = this.element.querySelectorAll(".xterm-selection div");
    return [...drawn].map((part) => part.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
  }

  resize(cols: number, rows: number): void {
    if (cols !== this.term.cols || rows !== this.term.rows) this.term.resize(cols, rows);
  }

  dispose(): void {
    this.term.dispose();
    this.element.remove();
  }

  private copySelection(): void {
    const text = this.term.getSelection();
    if (!this.selecting && text !== "" && navigator.clipboard !== undefined) {
      navigator.clipboard.writeText(text).catch(() => undefined);
    }
  }
}

/** About how many lines writing the pieces makes at `cols` columns (escape sequences make it an
 * overestimate, which only costs the unused scrollback). */
function estimateLines(pieces: { before: string; after: string }, cols: number): number {
  let lines = 0;
  for (const text of [pieces.before, pieces.after]) {
    for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) lines++;
    lines += Math.ceil(text.length / Math.max(1, cols));
  }
  return lines + 100;
}
