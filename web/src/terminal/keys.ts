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
