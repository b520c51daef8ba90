/**
 * Every keyboard shortcut of the console, as one table (pure): what each key does, where it
 * works, and the text the `?` overlay shows. `resolve` turns a key press into a command.
 *
 * A terminal with focus gets every key — readline's Alt/Meta keys, Ctrl+K, Esc and `/` included
 * — except Ctrl+Shift combinations (the keys terminal emulators keep for themselves) and ⌘ ones.
 * Single keys work only where typing goes nowhere (not in a terminal or a text field).
 */

/** Every command, first to last in precedence: a press that two keys match (only possible on an
 * odd layout, a letter typed on a punctuation key) is the earlier command's. */
const COMMANDS = ["palette", "next-attention", "help", "leave-terminal", "view-cards", "view-list", "view-wall", "tab", "tab-previous", "tab-next", "search"] as const;

export type Command = (typeof COMMANDS)[number];

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
  /** A key (`event.key`, lower-cased for letters), a `code:` (`event.code`, for keys Shift
   * changes), or DIGITS (Digit1…9: the tab of that number). */
  key: string;
  contexts: readonly KeyContext[];
}

const EVERYWHERE: readonly KeyContext[] = ["terminal", "field", "page"];
const OFF_TERMINAL: readonly KeyContext[] = ["field", "page"];
const PAGE: readonly KeyContext[] = ["page"];
const DIGITS = "digits";

/** A key as the `?` overlay writes it, and the presses it stands for (none: only shown, as Esc,
 * which dialogs handle themselves). */
interface Key {
  label: string;
  bindings: readonly Binding[];
}

function key(label: string, command: Command, contexts: readonly KeyContext[], ...presses: [Modifiers, string][]): Key {
  return { label, bindings: presses.map(([modifiers, k]) => ({ command, modifiers, key: k, contexts })) };
}

function shown(label: string): Key {
  return { label, bindings: [] };
}

/** The one table: the `?` overlay's sections, each shortcut with the keys that do it. */
const SHORTCUTS: readonly { title: string; items: readonly { keys: readonly Key[]; does: string }[] }[] = [
  {
    title: "Anywhere",
    items: [
      {
        keys: [key("Ctrl+K", "palette", OFF_TERMINAL, ["ctrl", "k"]), key("⌘K", "palette", EVERYWHERE, ["meta", "k"]), key("/", "palette", PAGE, ["none", "/"])],
        does: "Command palette: find a session, worker, repository or branch",
      },
      { keys: [key("N", "next-attention", PAGE, ["none", "n"])], does: "Open the next agent that needs you (asking, then finished, then failed)" },
      { keys: [key("?", "help", PAGE, ["shift", "?"], ["none", "?"])], does: "This list of shortcuts" },
      { keys: [shown("Esc")], does: "Close a dialog, the palette or this list" },
    ],
  },
  {
    title: "Dashboard",
    items: [
      { keys: [key("C", "view-cards", PAGE, ["none", "c"])], does: "Cards view" },
      { keys: [key("L", "view-list", PAGE, ["none", "l"])], does: "List view: one line per worker" },
      { keys: [key("W", "view-wall", PAGE, ["none", "w"])], does: "The wall: every live terminal's screen" },
    ],
  },
  {
    title: "Session page",
    items: [
      { keys: [key("Alt+1…9", "tab", PAGE, ["alt", DIGITS])], does: "Show tab 1…9 (outside the terminal)" },
      {
        keys: [key("Alt+[", "tab-previous", PAGE, ["alt", "code:BracketLeft"]), key("Alt+]", "tab-next", PAGE, ["alt", "code:BracketRight"])],
        does: "Previous / next tab (outside the terminal)",
      },
      { keys: [key("Ctrl+F", "search", PAGE, ["ctrl", "f"])], does: "Search the terminal's whole history (outside the terminal and text fields)" },
    ],
  },
  {
    title: "While a terminal has focus",
    items: [
      { keys: [key("Ctrl+Shift+L", "leave-terminal", ["terminal"], ["ctrl+shift", "l"])], does: "Leave the terminal: focus moves to its tab (Tab goes on from there)" },
      { keys: [key("Ctrl+Shift+K", "palette", EVERYWHERE, ["ctrl+shift", "k"]), shown("⌘K")], does: "Command palette" },
      { keys: [key("Ctrl+Shift+Enter", "next-attention", EVERYWHERE, ["ctrl+shift", "code:Enter"])], does: "Open the next agent that needs you" },
      { keys: [key("Ctrl+Shift+1…9", "tab", EVERYWHERE, ["ctrl+shift", DIGITS])], does: "Show tab 1…9" },
      {
        keys: [
          key("Ctrl+Shift+[", "tab-previous", EVERYWHERE, ["ctrl+shift", "code:BracketLeft"]),
          key("Ctrl+Shift+]", "tab-next", EVERYWHERE, ["ctrl+shift", "code:BracketRight"]),
        ],
        does: "Previous / next tab",
      },
      { keys: [key("Ctrl+Shift+F", "search", EVERYWHERE, ["ctrl+shift", "f"])], does: "Search this terminal's whole history (Ctrl+F stays the program's)" },
      { keys: [key("Ctrl+Shift+?", "help", EVERYWHERE, ["ctrl+shift", "code:Slash"])], does: "This list of shortcuts" },
      { keys: [shown("Every other key")], does: "Goes to the terminal: Esc, Ctrl+K, Alt/Meta keys, Tab, /" },
    ],
  },
];

const BINDINGS: readonly Binding[] = SHORTCUTS.flatMap((s) => s.items.flatMap((i) => i.keys.flatMap((k) => k.bindings))).sort(
  (a, b) => COMMANDS.indexOf(a.command) - COMMANDS.indexOf(b.command),
);

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
  const digit = /^Digit[1-9]$/.test(input.code); // a tab number, whatever character the layout types
  if (binding.key === DIGITS || digit) return binding.key === DIGITS && digit;
  if (binding.key.startsWith("code:")) return input.code === binding.key.slice(5);
  return input.key.toLowerCase() === binding.key;
}

/** The command a key press asks for in `context`, or null (the key is left alone). */
export function resolve(input: KeyInput, context: KeyContext): Resolved | null {
  const modifiers = modifiersOf(input);
  if (modifiers === null) return null;
  const binding = BINDINGS.find((b) => b.modifiers === modifiers && b.contexts.includes(context) && keyMatches(b, input));
  if (binding === undefined) return null;
  return binding.key === DIGITS ? { command: binding.command, index: Number(input.code.slice(5)) - 1 } : { command: binding.command };
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

export const SHORTCUT_HELP: readonly ShortcutSection[] = SHORTCUTS.map((section) => ({
  title: section.title,
  items: section.items.map((item) => ({ keys: item.keys.map((k) => k.label), does: item.does })),
}));
