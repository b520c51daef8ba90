/** The on-screen keys a phone keyboard lacks: Esc, Tab, Ctrl, arrows, Enter. */

import type { KeyName } from "../terminal/keys";
import type { WorkerTerminal } from "../terminal/worker-terminal";

const KEYS: { key: KeyName | "Ctrl"; label: string; aria: string }[] = [
  { key: "Esc", label: "Esc", aria: "Escape" },
  { key: "Tab", label: "Tab", aria: "Tab" },
  { key: "Ctrl", label: "Ctrl", aria: "Control (applies to the next key)" },
  { key: "Left", label: "←", aria: "Left arrow" },
  { key: "Up", label: "↑", aria: "Up arrow" },
  { key: "Down", label: "↓", aria: "Down arrow" },
  { key: "Right", label: "→", aria: "Right arrow" },
  { key: "Enter", label: "⏎", aria: "Enter" },
];

export function KeyRow({ terminal, ctrlArmed }: { terminal: WorkerTerminal; ctrlArmed: boolean }) {
  return (
    <div class="key-row" role="toolbar" aria-label="Terminal keys">
      {KEYS.map(({ key, label, aria }) => (
        <button
          type="button"
          key={key}
          class={key === "Ctrl" && ctrlArmed ? "key armed" : "key"}
          aria-label={aria}
          aria-pressed={key === "Ctrl" ? ctrlArmed : undefined}
          // Keep focus (and the phone's keyboard) on the terminal.
          onPointerDown={(e) => e.preventDefault()}
          onClick={() => (key === "Ctrl" ? terminal.toggleCtrl() : terminal.pressKey(key))}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
