/** The on-screen key row's keys and the bytes each sends (pure). */

export type KeyName = "Esc" | "Tab" | "ShiftTab" | "CtrlC" | "PageUp" | "PageDown" | "Up" | "Down" | "Left" | "Right" | "Enter";

const ARROW_FINAL: Record<string, string> = { Up: "A", Down: "B", Right: "C", Left: "D" };

/**
 * The bytes for a key; arrows follow the terminal's cursor-key mode (DECCKM), as full-screen
 * programs such as vim and agent CLIs switch it on.
 */
export function keySequence(key: KeyName, applicationCursor: boolean): string {
  switch (key) {
    case "Esc":
      return "\x1b";
    case "Tab":
      return "\t";
    case "ShiftTab":
      return "\x1b[Z";
    case "CtrlC":
      return "\x03";
    case "PageUp":
      return "\x1b[5~";
    case "PageDown":
      return "\x1b[6~";
    case "Enter":
      return "\r";
    default:
      return (applicationCursor ? "\x1bO" : "\x1b[") + ARROW_FINAL[key];
  }
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

/**
 * What a key typed into a terminal that is not open yet sends (xterm.js takes the keyboard once it
 * opens): a character, Enter, Backspace, Tab — or null for anything else, left to the page.
 */
export function earlyKeyInput(event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }): string | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if ([...event.key].length === 1) return event.key;
  if (event.key === "Enter") return "\r";
  if (event.key === "Backspace") return "\x7f";
  if (event.key === "Tab") return event.shiftKey ? "\x1b[Z" : "\t";
  return null;
}
