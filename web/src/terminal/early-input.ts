/**
 * What is typed into a terminal before its first history is parsed (typically a fraction of a
 * second), while the program's modes are not known: every key press xterm.js would send — Ctrl
 * and Alt keys, arrows, F-keys... — and every paste, taken from the terminal's element before
 * xterm.js opens in it (see WorkerTerminal.open) and from xterm.js after. It is held and given
 * back in order as xterm.js sends it (keys.ts) in the modes that history left the terminal in
 * (application cursor keys, bracketed paste), to be sent before anything typed later. A key
 * xterm.js sends nothing for is left to the browser, as xterm.js leaves it; the page's shortcuts
 * take theirs before either (ui/shortcuts.ts).
 */

import { imageFiles } from "./image-upload";
import { keyInput, pasteInput, type KeyPress, type Platform } from "./keys";

/** A key press, a paste's text, or input xterm.js encoded itself (an input method's text). */
export type Typed = { press: KeyPress } | { paste: string } | { data: string };

export interface InputModes {
  applicationCursor: boolean;
  bracketedPaste: boolean;
}

export class EarlyInput {
  /** What was typed, in order; null once released. */
  private held: Typed[] | null = [];

  constructor(
    private readonly element: HTMLElement,
    private readonly platform: Platform,
  ) {
    element.addEventListener("keydown", this.onKey);
    element.addEventListener("paste", this.onPaste, true); // before xterm.js's own listeners
  }

  /** Takes a key press (from the element, or from xterm.js's key handler) unless released or
   * xterm.js would send nothing for it: true when taken. */
  take(event: KeyboardEvent): boolean {
    if (this.held === null || event.type !== "keydown" || event.defaultPrevented || event.isComposing) return false;
    if (keyInput(event, { applicationCursor: false, platform: this.platform }) === null) return false; // the modes change how a key is sent, never whether
    event.preventDefault();
    const { key, code, keyCode, ctrlKey, altKey, metaKey, shiftKey } = event;
    return this.hold({ press: { key, code, keyCode, ctrlKey, altKey, metaKey, shiftKey } });
  }

  /** Holds `typed` (from the key row, or xterm.js) after what was typed; false once released. */
  hold(typed: Typed): boolean {
    if (this.held === null) return false;
    this.held.push(typed);
    return true;
  }

  /** Stops taking input, and returns what was held as the input xterm.js sends in `modes`. */
  release(modes: InputModes): string[] {
    const held = this.held ?? [];
    this.dispose();
    const keyModes = { applicationCursor: modes.applicationCursor, platform: this.platform };
    return held.map((typed) => {
      if ("press" in typed) return keyInput(typed.press, keyModes) ?? "";
      return "paste" in typed ? pasteInput(typed.paste, modes.bracketedPaste) : typed.data;
    });
  }

  dispose(): void {
    this.held = null;
    this.element.removeEventListener("keydown", this.onKey);
    this.element.removeEventListener("paste", this.onPaste, true);
  }

  private readonly onKey = (event: KeyboardEvent): void => {
    this.take(event);
  };

  private readonly onPaste = (event: ClipboardEvent): void => {
    if (this.held === null || event.defaultPrevented || imageFiles(event.clipboardData).length > 0) return; // images: image-drop.ts
    event.preventDefault();
    event.stopPropagation();
    const text = event.clipboardData?.getData("text/plain") ?? "";
    if (text !== "") this.hold({ paste: text });
  };
}
