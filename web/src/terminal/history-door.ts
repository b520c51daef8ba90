/**
 * The way between the live terminal and its history view (history-view.ts): it tells when the
 * terminal shows its oldest line and older output is kept (`earlier`), opens the view from there
 * (scrolling up, Shift+PageUp, or when asked), sizes the view's screen to the terminal's, and
 * leaves the terminal where the view closed.
 */

import type { Terminal } from "@xterm/xterm";
import type { HistoryView } from "./history-view";
import type { LiveOutput } from "./live-output";

/** What of the live terminal, its output and its history view the door uses. */
export type DoorTerminal = Pick<Terminal, "buffer" | "modes" | "cols" | "rows" | "scrollToBottom" | "scrollToLine" | "focus">;
export type DoorOutput = Pick<LiveOutput, "hasEarlier" | "lineOf">;
export type DoorView = Pick<HistoryView, "openBefore" | "status" | "key" | "element">;

export class HistoryDoor {
  private earlier = false;

  constructor(
    private readonly term: DoorTerminal,
    private readonly element: Pick<HTMLElement, "querySelector">,
    private readonly output: DoorOutput,
    private readonly view: DoorView,
    /** `earlier` changed: the terminal shows its oldest line (of the normal screen) and more is kept. */
    private readonly changed: (earlier: boolean) => void,
  ) {}

  /** Opens the history view on the output before what the terminal holds. */
  open(): void {
    if (this.output.hasEarlier()) void this.view.openBefore();
  }

  /** Tells `earlier` if it changed (the terminal scrolled, or was given output). */
  check(): void {
    const buffer = this.term.buffer.active;
    const earlier = buffer.type === "normal" && buffer.viewportY === 0 && this.output.hasEarlier();
    if (earlier === this.earlier) return;
    this.earlier = earlier;
    this.changed(earlier);
  }

  /** Scrolling up at the top of the terminal opens the history view (unless a program takes
   * the mouse wheel). */
  wheel(event: Pick<WheelEvent, "deltaY">): void {
    const buffer = this.term.buffer.active;
    if (event.deltaY >= 0 || buffer.type !== "normal" || buffer.viewportY !== 0) return;
    if (this.term.modes.mouseTrackingMode === "none") this.open();
  }

  /** While the history view shows, its keys; else Shift+PageUp at the top opens it. True when
   * the key is left to the live terminal. */
  key(event: KeyboardEvent): boolean {
    if (this.view.status.open) return this.view.key(event) !== "took";
    if (event.type === "keydown" && event.key === "PageUp" && event.shiftKey && this.term.buffer.active.viewportY === 0 && this.output.hasEarlier()) {
      this.open();
      return false;
    }
    return true;
  }

  /** The view closed: the terminal shows `offset` at its bottom (null: its end), and has the keys. */
  closed(offset: number | null): void {
    const line = offset === null ? null : this.output.lineOf(offset);
    if (line === null) this.term.scrollToBottom();
    else this.term.scrollToLine(Math.max(0, line - this.term.rows + 1));
    this.term.focus();
  }

  /** The history view's screen: as wide as the terminal, as tall as the view leaves room for. */
  size(): { cols: number; rows: number } {
    const screen = this.element.querySelector(".xterm-screen");
    const rowHeight = screen === null || this.term.rows === 0 ? 0 : screen.clientHeight / this.term.rows;
    const height = this.view.element.clientHeight;
    const rows = rowHeight > 0 && height > 0 ? Math.floor(height / rowHeight) : this.term.rows;
    return { cols: this.term.cols, rows: Math.max(2, rows) };
  }
}
