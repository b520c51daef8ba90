/**
 * What is typed into a terminal before xterm.js opens in it (while its first history parses, up
 * to a second): the terminal's element takes the focus and the keys meanwhile and holds every
 * key press xterm.js would send — Ctrl and Alt keys, arrows, F-keys... — and every paste, and
 * gives them back in order, as xterm.js would have sent them (keys.ts) in the modes its first
 * history left the terminal in (application cursor keys, bracketed paste), to be sent before
 * anything typed into xterm.js. A key xterm.js sends nothing for is left to the browser, as
 * xterm.js leaves it; the page's shortcuts take theirs before either (ui/shortcuts.ts).
 */

import { keyInput, pasteInput, platformOf, type KeyPress } from "./keys";

/** A key press, or a paste's text. */
export type Typed = { press: KeyPress } | { paste: string };

export interface InputModes {
  applicationCursor: boolean;
  bracketedPaste: boolean;
}

export class EarlyInput {
  /** What was typed, in order; null once released. */
  private held: Typed[] | null = [];
  private readonly platform = platformOf(navigator.platform);

  constructor(private readonly element: HTMLElement) {
    element.tabIndex = -1; // focusable, to take the keys
    element.addEventListener("keydown", this.onKey);
    element.addEventListener("paste", this.onPaste);
  }

  /** Holds `typed` (from the key row) with what was typed; false once released. */
  hold(typed: Typed): boolean {
    if (this.held === null) return false;
    this.held.push(typed);
    return true;
  }

  /** Stops taking keys, and returns what was held as the input xterm.js sends in `modes`. */
  release(modes: InputModes): string[] {
    const held = this.held ?? [];
    this.dispose();
    const keyModes = { applicationCursor: modes.applicationCursor, platform: this.platform };
    return held.map((typed) => ("paste" in typed ? pasteInput(typed.paste, modes.bracketedPaste) : (keyInput(typed.press, keyModes) ?? "")));
  }

  dispose(): void {
    this.held = null;
    this.element.removeAttribute("tabindex");
    this.element.removeEventListener("keydown", this.onKey);
    this.element.removeEventListener("paste", this.onPaste);
  }

  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.isComposing) return;
    if (keyInput(event, { applicationCursor: false, platform: this.platform }) === null) return; // the modes change no key's whether, only its how
    event.preventDefault();
    const { key, code, keyCode, ctrlKey, altKey, metaKey, shiftKey } = event;
    this.hold({ press: { key, code, keyCode, ctrlKey, altKey, metaKey, shiftKey } });
  };

  private readonly onPaste = (event: ClipboardEvent): void => {
    if (event.defaultPrevented) return; // an image (image-drop.ts)
    event.preventDefault();
    const text = event.clipboardData?.getData("text/plain") ?? "";
    if (text !== "") this.hold({ paste: text });
  };
}
