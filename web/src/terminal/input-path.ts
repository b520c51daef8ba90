/**
 * What the user types into a terminal, on its way to the program: held until the first history is
 * parsed (early-input.ts), given Ctrl when it was armed from the key row, then sent — or, while
 * the socket is down, queued (bounded, input-queue.ts) and sent on reconnect, or, once the
 * terminal is closed, not sent, with a notice. Nothing typed is lost silently.
 */

import { EarlyInput, type InputModes } from "./early-input";
import { InputQueue } from "./input-queue";
import { keySequence, rowKey, withCtrl, type KeyName, type Platform } from "./keys";

/** The input's part of a terminal's status (WorkerTerminal.status). */
export interface InputStatus {
  /** Ctrl from the key row applies to the next key typed. */
  ctrlArmed: boolean;
  /** Characters typed while disconnected, waiting to be sent on reconnect. */
  queued: number;
  /** Characters typed while disconnected that will not be sent (past the queue's bound). */
  refused: number;
}

export interface InputPorts {
  /** Sends input to the program; false when the socket is not open. */
  send(data: string): boolean;
  /** The terminal is closed for good: what is typed will not be sent. */
  closed(): boolean;
  /** The terminal's modes now: how keys and pastes are sent. */
  modes(): InputModes;
  /** Pastes `text` into xterm.js (bracketed when the program asks); it comes back as `data`. */
  paste(text: string): void;
  /** What changed of the input's status, and a problem to show the user. */
  update(patch: Partial<InputStatus> & { notice?: string }): void;
}

export class InputPath {
  /** Holds what is typed until the first history is parsed (see release). */
  private readonly early: EarlyInput;
  private readonly pending = new InputQueue();
  private ctrlArmed = false;

  constructor(
    element: HTMLElement,
    platform: Platform,
    private readonly ports: InputPorts,
  ) {
    this.early = new EarlyInput(element, platform);
  }

  /** What waits for the socket, and what was refused past the queue's bound, in characters. */
  get counts(): { queued: number; refused: number } {
    return { queued: this.pending.queued, refused: this.pending.refused };
  }

  /** A key press for xterm.js's key handler: true when held (see EarlyInput.take). */
  takeEarly(event: KeyboardEvent): boolean {
    return this.early.take(event);
  }

  /** Input xterm.js encoded: held before the first history (an input method's text, say), else typed. */
  data(data: string): void {
    if (!this.early.hold({ data })) this.typed(data);
  }

  /** A key from the on-screen key row, as xterm.js sends it in the terminal's modes (Ctrl does not apply). */
  key(key: KeyName): void {
    if (!this.early.hold({ press: rowKey(key) })) this.send(keySequence(key, this.ports.modes().applicationCursor));
  }

  /** Pasted text: held before the first history, else pasted into xterm.js. */
  paste(text: string): void {
    if (text !== "" && !this.early.hold({ paste: text })) this.ports.paste(text);
  }

  /** The key row's Paste: the clipboard's text, as if pasted; false when the browser did not
   * give it (a notice says so). */
  async pasteClipboard(): Promise<boolean> {
    let text: string;
    try {
      text = await navigator.clipboard.readText();
    } catch {
      this.ports.update({ notice: "The browser did not give the clipboard: allow it, or paste with a long press on the terminal." });
      return false;
    }
    this.paste(text);
    return true;
  }

  /** Arms Ctrl from the key row for the next key typed, or disarms it. */
  toggleCtrl(): void {
    this.ctrlArmed = !this.ctrlArmed;
    this.ports.update({ ctrlArmed: this.ctrlArmed });
  }

  /** What the user typed: with Ctrl if it was armed (which it no longer is), then sent. */
  typed(data: string): void {
    if (this.ctrlArmed) {
      this.ctrlArmed = false;
      this.ports.update({ ctrlArmed: false });
      data = withCtrl(data);
    }
    this.send(data);
  }

  /** Input reaches the program, or waits (bounded) for the socket to come back — never lost silently. */
  send(data: string): void {
    if (this.ports.send(data)) return;
    if (this.ports.closed()) {
      this.ports.update({ notice: "This terminal is closed: what you type is not sent." });
      return;
    }
    this.pending.push(data);
    this.ports.update(this.counts);
  }

  /** What was typed before the first history was parsed is sent, before anything typed later,
   * as xterm.js would have sent it in the modes that history set (once: later calls do nothing). */
  release(): void {
    for (const data of this.early.release(this.ports.modes())) this.typed(data);
  }

  /** The socket is open again: what was queued is sent, in order, and what was refused is told. */
  reconnected(): void {
    const refused = this.pending.refused;
    const queued = this.pending.drain();
    if (queued !== "") this.ports.send(queued);
    const patch: Partial<InputStatus> & { notice?: string } = { queued: 0, refused: 0 };
    if (refused > 0) patch.notice = `${refused} characters typed while disconnected were not sent.`;
    this.ports.update(patch);
  }

  /** The terminal is closed for good: what was queued will not be sent. */
  forget(): void {
    this.pending.clear();
  }

  dispose(): void {
    this.early.dispose();
  }
}
