/**
 * Every keyboard shortcut of the console, as one table (pure): what each key does, where it
 * works, and the text the `?` overlay shows. `resolve` turns a key press into a command.
 *
 * A terminal with focus gets every key — readline's Alt/Meta keys, Ctrl+K, Esc and `/` included
 * — except Ctrl+Shift combinations (the keys terminal emulators keep for themselves) and ⌘ ones.
 * Single keys work only where typing goes nowhere (not in a terminal or a text field).
 */

export type Command =
  | "palette"
  | "next-attention"
  | "help"
  | "leave-terminal"
  | "view-cards"
  | "view-list"
  | "view-wall"
  | "tab"
  | "tab-previous"
  | "tab-next";

/** Where the focus is: a terminal, a text field, or anything else on the page. */
export type KeyContext = "terminal" | "field" | "page";

export interface KeyInput {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

export interface Resolved {
  command: Command;
  /** tab: which tab (0-based). */
  index?: number;
}

type Modifiers = "none" | "shift" | "ctrl" | "meta" | "alt" | "ctrl+shift";

interface Binding {
  command: Command;
  modifiers: Modifiers;
  /** A key (`event.key`, lower-cased for letters) or a `code:` (`event.code`, for keys Shift changes). */
  key: string;
  contexts: readonly KeyContext[];
}

const EVERYWHERE: readonly KeyContext[] = ["terminal", "field", "page"];
const OFF_TERMINAL: readonly KeyContext[] = ["field", "page"];
const PAGE: readonly KeyContext[] = ["page"];

const BINDINGS: readonly Binding[] = [
  { command: "palette", modifiers: "ctrl+shift", key: "k", contexts: EVERYWHERE },
  { command: "palette", modifiers: "meta", key: "k", contexts: EVERYWHERE },
  { command: "palette", modifiers: "ctrl", key: "k", contexts: OFF_TERMINAL },
  { command: "palette", modifiers: "none", key: "/", contexts: PAGE },
  { command: "next-attention", modifiers: "ctrl+shift", key: "code:Enter", contexts: EVERYWHERE },
  { command: "next-attention", modifiers: "none", key: "n", contexts: PAGE },
  { command: "help", modifiers: "ctrl+shift", key: "code:Slash", contexts: EVERYWHERE },
  { command: "help", modifiers: "shift", key: "?", contexts: PAGE },
  { command: "help", modifiers: "none", key: "?", contexts: PAGE },
  { command: "leave-terminal", modifiers: "ctrl+shift", key: "l", contexts: ["terminal"] },
  { command: "view-cards", modifiers: "none", key: "c", contexts: PAGE },
  { command: "view-list", modifiers: "none", key: "l", contexts: PAGE },
  { command: "view-wall", modifiers: "none", key: "w", contexts: PAGE },
  { command: "tab-previous", modifiers: "ctrl+shift", key: "code:BracketLeft", contexts: EVERYWHERE },
  { command: "tab-next", modifiers: "ctrl+shift", key: "code:BracketRight", contexts: EVERYWHERE },
  { command: "tab-previous", modifiers: "alt", key: "code:BracketLeft", contexts: PAGE },
  { command: "tab-next", modifiers: "alt", key: "code:BracketRight", contexts: PAGE },
];

function modifiersOf(input: KeyInput): Modifiers | null {
  const { ctrlKey: c, metaKey: m, altKey: a, shiftKey: s } = input;
  if (!c && !m && !a) return s ? "shift" : "none";
  if (c && s && !m && !a) return "ctrl+shift";
  if (s) return null;
  if (c && !m && !a) return "ctrl";
  if (m && !c && !a) return "meta";
  if (a && !c && !m) return "alt";
  return null;
}

function keyMatches(binding: Binding, input: KeyInput): boolean {
  if (binding.key.startsWith("code:")) return input.code === binding.key.slice(5);
  return input.key.toLowerCase() === binding.key;
}

/** The command a key press asks for in `context`, or null (the key is left alone). */
export function resolve(input: KeyInput, context: KeyContext): Resolved | null {
  const modifiers = modifiersOf(input);
  if (modifiers === null) return null;
  const digit = /^Digit([1-9])$/.exec(input.code);
  if (digit !== null) {
    const tabKeys = modifiers === "ctrl+shift" || (modifiers === "alt" && context === "page");
    return tabKeys ? { command: "tab", index: Number(digit[1]) - 1 } : null;
  }
  const binding = BINDINGS.find((b) => b.modifiers === modifiers && b.contexts.includes(context) && keyMatches(b, input));
  return binding === undefined ? null : { command: binding.command };
}

// --- what the `?` overlay shows ---------------------------------------------------------------

export interface ShortcutHelp {
  keys: string[];
  does: string;
}

export interface ShortcutSection {
  title: string;
  items: ShortcutHelp[];
}

export const SHORTCUT_HELP: readonly ShortcutSection[] = [
  {
    title: "Anywhere",
    items: [
      { keys: ["Ctrl+K", "⌘K", "/"], does: "Command palette: find a session, worker, repository or branch" },
      { keys: ["N"], does: "Open the next agent that needs you (asking, then finished, then failed)" },
      { keys: ["?"], does: "This list of shortcuts" },
      { keys: ["Esc"], does: "Close a dialog, the palette or this list" },
    ],
  },
  {
    title: "Dashboard",
    items: [
      { keys: ["C"], does: "Cards view" },
      { keys: ["L"], does: "List view: one line per worker" },
      { keys: ["W"], does: "The wall: every live terminal's screen" },
    ],
  },
  {
    title: "Session page",
    items: [
      { keys: ["Alt+1…9"], does: "Show tab 1…9 (outside the terminal)" },
      { keys: ["Alt+[", "Alt+]"], does: "Previous / next tab (outside the terminal)" },
    ],
  },
  {
    title: "While a terminal has focus",
    items: [
      { keys: ["Ctrl+Shift+L"], does: "Leave the terminal: focus moves to its tab (Tab goes on from there)" },
      { keys: ["Ctrl+Shift+K", "⌘K"], does: "Command palette" },
      { keys: ["Ctrl+Shift+Enter"], does: "Open the next agent that needs you" },
      { keys: ["Ctrl+Shift+1…9"], does: "Show tab 1…9" },
      { keys: ["Ctrl+Shift+[", "Ctrl+Shift+]"], does: "Previous / next tab" },
      { keys: ["Ctrl+Shift+?"], does: "This list of shortcuts" },
      { keys: ["Every other key"], does: "Goes to the terminal: Esc, Ctrl+K, Alt/Meta keys, Tab, /" },
    ],
  },
];
