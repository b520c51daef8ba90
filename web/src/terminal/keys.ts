/**
 * The bytes a key press or a paste sends to the program (pure), as xterm.js 6 encodes them
 * (evaluateKeyboardEvent in its src/common/input/Keyboard.ts, its keypress path and
 * src/browser/Clipboard.ts): for the on-screen key row, a one-shot Ctrl, and what is typed into a
 * terminal before its first history is parsed (early-input.ts). xterm.js itself encodes the keys
 * typed after; this module must agree with it (tests/e2e/test_opening.py compares the two).
 */

/** The on-screen key row's keys. */
export type KeyName = "Esc" | "Tab" | "ShiftTab" | "CtrlC" | "PageUp" | "PageDown" | "Up" | "Down" | "Left" | "Right" | "Enter";

/** What a key press is told by (a KeyboardEvent has it all). xterm.js goes by `keyCode`, so
 * Ctrl+C is ^C whatever letter the layout puts on that key. */
export interface KeyPress {
  key: string;
  code: string;
  keyCode: number;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** Where Alt types characters of its own (macOS's Option, Windows' AltGr as Ctrl+Alt) rather
 * than sending ESC and the key. */
export type Platform = "mac" | "windows" | "other";

export interface KeyModes {
  /** DECCKM, which full-screen programs switch on: arrows, Home and End send ESC O x, not ESC [ x. */
  applicationCursor: boolean;
  platform: Platform;
}

/** The platform as xterm.js tells it, from `navigator.platform`. */
export function platformOf(platform: string): Platform {
  if (["Macintosh", "MacIntel", "MacPPC", "Mac68K"].includes(platform)) return "mac";
  return ["Windows", "Win16", "Win32", "WinCE"].includes(platform) ? "windows" : "other";
}

const ESC = "\x1b";
const CSI = "\x1b[";

function press(key: string, keyCode: number, modifiers: Partial<KeyPress> = {}): KeyPress {
  return { key, code: "", keyCode, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, ...modifiers };
}

const ROW_KEYS: Record<KeyName, KeyPress> = {
  Esc: press("Escape", 27),
  Tab: press("Tab", 9),
  ShiftTab: press("Tab", 9, { shiftKey: true }),
  CtrlC: press("c", 67, { ctrlKey: true }),
  PageUp: press("PageUp", 33),
  PageDown: press("PageDown", 34),
  Up: press("ArrowUp", 38),
  Down: press("ArrowDown", 40),
  Left: press("ArrowLeft", 37),
  Right: press("ArrowRight", 39),
  Enter: press("Enter", 13),
};

/** The key row's key as a key press. */
export function rowKey(key: KeyName): KeyPress {
  return ROW_KEYS[key];
}

/** The bytes for a key of the key row (arrows follow the cursor-key mode). */
export function keySequence(key: KeyName, applicationCursor: boolean): string {
  return keyInput(rowKey(key), { applicationCursor, platform: "other" }) ?? "";
}

/** What a one-shot Ctrl turns typed data into: Ctrl+C for "c", and so on. */
export function withCtrl(data: string): string {
  if (data.length !== 1) return data;
  const code = data.toUpperCase().charCodeAt(0);
  if (code >= 0x40 && code <= 0x5f) return String.fromCharCode(code - 0x40);
  if (data === " ") return "\x00";
  if (data === "?") return "\x7f";
  return data;
}

/** What a paste sends: line ends as CR, bracketed when the program asked (bracketed paste mode). */
export function pasteInput(text: string, bracketed: boolean): string {
  const data = text.replace(/\r?\n/g, "\r");
  return bracketed ? `${CSI}200~${data}${CSI}201~` : data;
}

/** Keys with a final letter, by key code: ESC [ x — or ESC O x (SS3) unmodified when `ss3` says
 * so — and ESC [ 1 ; m x with modifiers m. */
const LETTER_KEYS: Record<number, { final: string; ss3: "always" | "decckm" }> = {
  35: { final: "F", ss3: "decckm" }, // End
  36: { final: "H", ss3: "decckm" }, // Home
  37: { final: "D", ss3: "decckm" },
  38: { final: "A", ss3: "decckm" },
  39: { final: "C", ss3: "decckm" },
  40: { final: "B", ss3: "decckm" },
  112: { final: "P", ss3: "always" }, // F1…F4
  113: { final: "Q", ss3: "always" },
  114: { final: "R", ss3: "always" },
  115: { final: "S", ss3: "always" },
};

/** Keys sent as ESC [ n ~ (ESC [ n ; m ~ with modifiers m), by key code: Delete, F5…F12. */
const TILDE_KEYS: Record<number, number> = { 46: 3, 116: 15, 117: 17, 118: 18, 119: 19, 120: 20, 121: 21, 122: 23, 123: 24 };

/** iPadOS hardware keyboards' arrows (key code 0). */
const IOS_ARROWS: Record<string, string> = { UIKeyInputUpArrow: "A", UIKeyInputDownArrow: "B", UIKeyInputRightArrow: "C", UIKeyInputLeftArrow: "D" };

/** What Alt sends for the digit and punctuation keys, by key code: ESC and the key's character
 * on a US layout, shifted or not. */
const ALT_KEYS: Record<number, [string, string]> = Object.fromEntries([
  ...[..."0123456789"].map((digit, i) => [48 + i, [digit, ")!@#$%^&*("[i]]]),
  ...[186, 187, 188, 189, 190, 191, 192, 219, 220, 221, 222].map((code, i) => [code, [";=,-./`[\\]'"[i], ':+<_>?~{|}"'[i]]]),
]);

/** The character whose control code Ctrl and a key send, by key code (besides the letters):
 * space, [ \ ], and the digits 3…8 as the VT220 had them (ESC, FS, GS, RS, US, DEL). */
const CTRL_KEYS: Record<number, string> = { 32: " ", 51: "[", 52: "\\", 53: "]", 54: "^", 55: "_", 56: "?", 219: "[", 220: "\\", 221: "]" };

function ctrlBase(keyCode: number): string | null {
  return keyCode >= 65 && keyCode <= 90 ? String.fromCharCode(keyCode) : (CTRL_KEYS[keyCode] ?? null);
}

function oneCharacter(key: string): string | null {
  return [...key].length === 1 ? key : null;
}

/** Alt types a character of its own (see Platform). */
function thirdLevel(event: KeyPress, platform: Platform): boolean {
  const { ctrlKey: ctrl, altKey: alt, metaKey: meta } = event;
  return (platform === "mac" && alt && !ctrl && !meta) || (platform === "windows" && alt && ctrl && !meta);
}

/**
 * The bytes xterm.js sends for a key press in `modes`, or null for a key it sends nothing for
 * (left to the browser: Ctrl+Shift+V and Shift+Insert paste, Shift+PageUp scrolls, ⌘ keys...).
 */
export function keyInput(event: KeyPress, modes: KeyModes): string | null {
  const { keyCode, shiftKey: shift, altKey: alt, ctrlKey: ctrl, metaKey: meta } = event;
  if (keyCode === 229) return null; // an input method is composing
  if (thirdLevel(event, modes.platform) && keyCode > 47) return oneCharacter(event.key);
  const modifiers = (shift ? 1 : 0) | (alt ? 2 : 0) | (ctrl ? 4 : 0) | (meta ? 8 : 0);
  const letter = LETTER_KEYS[keyCode];
  if (letter !== undefined) {
    if (meta && keyCode >= 37 && keyCode <= 40) return null;
    if (modifiers !== 0) return `${CSI}1;${modifiers + 1}${letter.final}`;
    return (letter.ss3 === "always" || modes.applicationCursor ? `${ESC}O` : CSI) + letter.final;
  }
  const tilde = TILDE_KEYS[keyCode];
  if (tilde !== undefined) return modifiers !== 0 ? `${CSI}${tilde};${modifiers + 1}~` : `${CSI}${tilde}~`;
  switch (keyCode) {
    case 0: {
      const arrow = IOS_ARROWS[event.key];
      return arrow === undefined ? typedCharacter(event, modes.platform) : (modes.applicationCursor ? `${ESC}O` : CSI) + arrow;
    }
    case 8:
      return (alt ? ESC : "") + (ctrl ? "\b" : "\x7f");
    case 9:
      return shift ? `${CSI}Z` : "\t";
    case 13:
      return alt ? `${ESC}\r` : "\r";
    case 27:
      return alt ? ESC + ESC : ESC;
    case 33:
    case 34: {
      const n = keyCode === 33 ? 5 : 6;
      if (shift) return null; // xterm.js scrolls its own view
      return ctrl ? `${CSI}${n};${modifiers + 1}~` : `${CSI}${n}~`;
    }
    case 45:
      return shift || ctrl ? null : `${CSI}2~`; // Shift+Insert pastes, Ctrl+Insert copies
  }
  return characterInput(event, modes.platform);
}

/** A key that types a character: with Ctrl its control code, with Alt ESC and the key. */
function characterInput(event: KeyPress, platform: Platform): string | null {
  const { keyCode, key, shiftKey: shift, altKey: alt, ctrlKey: ctrl, metaKey: meta } = event;
  if (ctrl && !shift && !alt && !meta) {
    const base = ctrlBase(keyCode);
    return base === null ? null : withCtrl(base);
  }
  if (alt && !meta && platform !== "mac") {
    const typed = ALT_KEYS[keyCode]?.[shift ? 1 : 0];
    if (typed !== undefined) return ESC + typed;
    if (keyCode >= 65 && keyCode <= 90) {
      const letter = String.fromCharCode(keyCode);
      return ESC + (ctrl ? withCtrl(letter) : shift ? letter : letter.toLowerCase());
    }
    if (keyCode === 32) return ESC + (ctrl ? withCtrl(" ") : " ");
    const dead = key === "Dead" && event.code.startsWith("Key") ? event.code.slice(3, 4) : ""; // an Alt key that starts composing
    if (dead !== "") return ESC + (shift ? dead : dead.toLowerCase());
    return null;
  }
  if (ctrl && (key === "_" || key === "@")) return withCtrl(key);
  return typedCharacter(event, platform);
}

/** The character the key types, unless a modifier other than Shift (or than a third-level Alt)
 * keeps it from being typed. */
function typedCharacter(event: KeyPress, platform: Platform): string | null {
  const modified = event.ctrlKey || event.altKey || event.metaKey;
  return modified && !thirdLevel(event, platform) ? null : oneCharacter(event.key);
}
