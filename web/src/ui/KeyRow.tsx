/** The on-screen keys a phone keyboard lacks: Esc, Ctrl-C, Tab, Shift-Tab, Ctrl (for the next
 * key), arrows, Enter, PgUp/PgDn and Paste. They wrap onto a second row on a narrow screen. */

import type { KeyName } from "../terminal/keys";
import type { WorkerTerminal } from "../terminal/worker-terminal";

type RowKey = KeyName | "Ctrl" | "Paste";

const KEYS: { key: RowKey; label: string; aria: string }[] = [
  { key: "Esc", label: "Esc", aria: "Esc (Escape)" },
  { key: "CtrlC", label: "^C", aria: "^C (Control C: interrupt)" },
  { key: "Tab", label: "Tab", aria: "Tab" },
  { key: "ShiftTab", label: "⇧Tab", aria: "⇧Tab (Shift Tab)" },
  { key: "Ctrl", label: "Ctrl", aria: "Ctrl (applies to the next key)" },
  { key: "Left", label: "←", aria: "Left arrow" },
  { key: "Up", label: "↑", aria: "Up arrow" },
  { key: "Down", label: "↓", aria: "Down arrow" },
  { key: "Right", label: "→", aria: "Right arrow" },
  { key: "Enter", label: "⏎", aria: "Enter" },
  { key: "PageUp", label: "PgUp", aria: "PgUp (page up)" },
  { key: "PageDown", label: "PgDn", aria: "PgDn (page down)" },
  { key: "Paste", label: "Paste", aria: "Paste from the clipboard" },
];

export function KeyRow({ terminal, ctrlArmed }: { terminal: WorkerTerminal; ctrlArmed: boolean }) {
  const press = (key: RowKey) => {
    if (key === "Ctrl") terminal.toggleCtrl();
    else if (key === "Paste") void terminal.pasteClipboard();
    else terminal.pressKey(key);
  };
  return (
    <div class="key-row" role="toolbar" aria-label="Terminal keys">
      {KEYS.map(({ key, label, aria }) => (
        <button
          type="button"
          key={key}
          class={key === "Ctrl" && ctrlArmed ? "key armed" : "key"}
          aria-label={aria}
          aria-pressed={key === "Ctrl" ? ctrlArmed : undefined}
          data-key={key}
          // Keep focus (and the phone's keyboard) on the terminal.
          onPointerDown={(e) => e.preventDefault()}
          onClick={() => press(key)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
