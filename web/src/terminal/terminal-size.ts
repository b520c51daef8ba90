/**
 * A terminal's size: fitted to its element — before xterm.js opens there, to the size it will fit
 * to (expected-size.ts) — shown on the element (data-cols, data-rows) and told to the server,
 * except while held (see hold).
 */

import { FitAddon } from "@xterm/addon-fit";
import type { Terminal } from "@xterm/xterm";
import { expectedSize, type Size } from "./expected-size";

/** How far the terminal is opened (see WorkerTerminal.open): `new`, not yet (nothing is
 * fitted); `opened`, its element is in the document but xterm.js not open there yet (the
 * terminal is given the size it will fit to); `attached`, xterm.js is open there (FitAddon fits). */
export type Stage = "new" | "opened" | "attached";

export interface SizePorts {
  /** How far the terminal is opened now. */
  stage(): Stage;
  /** Tells the server the terminal's size (a `resize`). */
  send(size: Size): void;
  /** The attached terminal was fitted to its element. */
  fitted(): void;
}

/** What of xterm.js's Terminal is sized here. */
export type Sized = Pick<Terminal, "cols" | "rows" | "options" | "resize" | "loadAddon">;

export class TerminalSize {
  private readonly fitAddon = new FitAddon();
  /** The size is not told to the server for now (see hold); `owed`: it was meanwhile. */
  private held = false;
  private owed = false;

  constructor(
    private readonly term: Sized,
    private readonly element: HTMLElement,
    private readonly ports: SizePorts,
  ) {
    term.loadAddon(this.fitAddon);
  }

  /** Gives the terminal, before xterm.js opens, the size it will fit `element` to; false if
   * that cannot be told. */
  presize(): boolean {
    const o = this.term.options;
    const looks = { fontFamily: o.fontFamily ?? "", fontSize: o.fontSize ?? 15, lineHeight: o.lineHeight ?? 1, letterSpacing: o.letterSpacing ?? 0, scrollback: o.scrollback ?? 1000 };
    const size = expectedSize(this.element, looks, { cols: this.term.cols, rows: this.term.rows });
    if (size === null) return false;
    if (size.cols !== this.term.cols || size.rows !== this.term.rows) this.term.resize(size.cols, size.rows);
    return true;
  }

  /** Fits the terminal to its element; a size change is told (the terminal's onResize calls tell). */
  fit(): void {
    const stage = this.ports.stage();
    if (stage === "new" || this.element.clientWidth === 0 || this.element.clientHeight === 0) return;
    if (stage === "opened") {
      this.presize();
      return;
    }
    try {
      this.fitAddon.fit();
    } catch {
      // the renderer is not measured yet; the next ResizeObserver tick fits
    }
    this.show();
    this.ports.fitted();
  }

  /** While held, the size is not told to the server: the page around the terminal is not laid
   * out for good yet (opened on a worker, its app state on the way), so the size may still
   * change. Released, the terminal fits to its final place and tells the size, once, if it was owed. */
  hold(held: boolean): void {
    if (held === this.held) return;
    this.held = held;
    if (held) return;
    this.fit(); // a size change tells it (onResize)
    if (this.owed) this.tell();
  }

  /** Tells the server the size (it changed, or a new connection needs it), or owes it while held. */
  tell(): void {
    this.show();
    this.owed = this.held;
    if (!this.held) this.ports.send({ cols: this.term.cols, rows: this.term.rows });
  }

  private show(): void {
    this.element.dataset.cols = String(this.term.cols);
    this.element.dataset.rows = String(this.term.rows);
  }
}
