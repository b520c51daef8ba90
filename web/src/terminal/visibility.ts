/**
 * Whether a terminal is visible: a hidden one (its tab not shown, or the browser's tab in the
 * background) does not render, its socket paused (flow-control.ts); shown again, it catches up —
 * from where it was, or, if that is far behind, from the recent tail, which shows at once rather
 * than parse all it missed (WorkerTerminal.startOver).
 */

import { TAIL_BYTES } from "./first-socket";

/** A terminal shown again that missed more than this starts over from the tail. */
export const CATCH_UP_BYTES = 4 * TAIL_BYTES;

export interface VisibilityPorts {
  /** The browser's tab is in the background. */
  pageHidden(): boolean;
  /** The terminal's socket is paused (hidden, or too much pending). */
  paused(): boolean;
  /** The offset of the end of the output given to the terminal (null before its history). */
  offset(): number | null;
  /** The offset of the end of the worker's output; rejects when that cannot be told. */
  end(): Promise<number>;
  /** Pauses the socket for a hidden terminal, or resumes it (LiveOutput.setVisible). */
  show(visible: boolean): void;
  /** Starts over from the recent tail. */
  startOver(): void;
}

export class Visibility {
  private tabShown = true;
  private visible = true;

  constructor(private readonly ports: VisibilityPorts) {}

  /** Its tab is shown, or not. */
  showTab(shown: boolean): void {
    this.tabShown = shown;
    this.apply();
  }

  /** Takes in the browser tab's visibility too (on opening, and when it changes). */
  apply(): void {
    const visible = this.tabShown && !this.ports.pageHidden();
    if (visible === this.visible) return;
    this.visible = visible;
    const offset = this.ports.offset();
    if (visible && this.ports.paused() && offset !== null) void this.catchUp(offset);
    else this.ports.show(visible);
  }

  private async catchUp(from: number): Promise<void> {
    const end = await this.ports.end().catch(() => from); // nothing kept yet, or the server is away: resume, the socket knows best
    if (!this.visible) return;
    if (this.ports.offset() === from && end - from > CATCH_UP_BYTES) this.ports.startOver();
    this.ports.show(true);
  }
}
