import { describe, expect, it } from "vitest";
import { resolve, SHORTCUT_HELP, type KeyInput } from "../src/keymap";

function key(spec: string, code?: string): KeyInput {
  const parts = spec.split("+");
  const k = parts.pop() ?? "";
  const has = (m: string) => parts.includes(m);
  return {
    key: k,
    code: code ?? (/^[a-z]$/i.test(k) ? `Key${k.toUpperCase()}` : /^[0-9]$/.test(k) ? `Digit${k}` : k),
    ctrlKey: has("Ctrl"),
    metaKey: has("Meta"),
    altKey: has("Alt"),
    shiftKey: has("Shift"),
  };
}

describe("resolve", () => {
  it("opens the palette with Ctrl+K, ⌘K or / on the page", () => {
    expect(resolve(key("Ctrl+k"), "page")?.command).toBe("palette");
    expect(resolve(key("Meta+k"), "field")?.command).toBe("palette");
    expect(resolve(key("/", "Slash"), "page")?.command).toBe("palette");
  });

  it("opens the terminal's search with Ctrl+Shift+F anywhere, Ctrl+F only on the page", () => {
    for (const context of ["terminal", "field", "page"] as const) expect(resolve(key("Ctrl+Shift+F"), context)?.command).toBe("search");
    expect(resolve(key("Ctrl+f"), "page")?.command).toBe("search");
    expect(resolve(key("Ctrl+f"), "field")).toBeNull(); // a text field's own (or the browser's find)
    expect(resolve(key("Ctrl+Alt+f"), "page")).toBeNull();
    expect(resolve(key("Meta+f"), "page")).toBeNull(); // the browser's find
  });

  it("leaves readline's keys to a focused terminal: Ctrl+K, Ctrl+F, Alt+digits, Alt+B/F, Esc, / and plain letters", () => {
    for (const input of [key("Ctrl+k"), key("Ctrl+f"), key("Alt+1"), key("Alt+b"), key("Alt+f"), key("Escape", "Escape"), key("/", "Slash"), key("n"), key("?", "Slash"), key("Alt+[", "BracketLeft")]) {
      expect(resolve(input, "terminal")).toBeNull();
    }
  });

  it("takes only Ctrl+Shift (and ⌘) combinations from a focused terminal", () => {
    expect(resolve(key("Ctrl+Shift+K"), "terminal")?.command).toBe("palette");
    expect(resolve(key("Meta+k"), "terminal")?.command).toBe("palette");
    expect(resolve(key("Ctrl+Shift+Enter", "Enter"), "terminal")?.command).toBe("next-attention");
    expect(resolve(key("Ctrl+Shift+L"), "terminal")?.command).toBe("leave-terminal");
    expect(resolve(key("Ctrl+Shift+?", "Slash"), "terminal")?.command).toBe("help");
    expect(resolve(key("Ctrl+Shift+@", "Digit2"), "terminal")).toEqual({ command: "tab", index: 1 });
    expect(resolve(key("Ctrl+Shift+}", "BracketRight"), "terminal")?.command).toBe("tab-next");
  });

  it("never takes single keys from a text field", () => {
    expect(resolve(key("n"), "field")).toBeNull();
    expect(resolve(key("/", "Slash"), "field")).toBeNull();
    expect(resolve(key("Shift+?", "Slash"), "field")).toBeNull();
    expect(resolve(key("Ctrl+k"), "field")?.command).toBe("palette");
  });

  it("maps the single keys of the page: N, ?, C, L, W, Alt+digits", () => {
    expect(resolve(key("n"), "page")?.command).toBe("next-attention");
    expect(resolve(key("Shift+?", "Slash"), "page")?.command).toBe("help");
    expect(["c", "l", "w"].map((k) => resolve(key(k), "page")?.command)).toEqual(["view-cards", "view-list", "view-wall"]);
    expect(resolve(key("Alt+3"), "page")).toEqual({ command: "tab", index: 2 });
  });

  it("takes a digit key only as a tab number, whatever character the layout gives it", () => {
    expect(resolve(key("Shift+?", "Digit7"), "page")).toBeNull();
    expect(resolve(key("n", "Digit5"), "page")).toBeNull();
  });

  it("ignores other modifier mixes", () => {
    expect(resolve(key("Ctrl+Alt+k"), "page")).toBeNull();
    expect(resolve(key("Shift+N"), "page")).toBeNull();
    expect(resolve(key("Ctrl+Shift+Alt+K"), "terminal")).toBeNull();
  });
});

describe("SHORTCUT_HELP", () => {
  it("documents the terminal's way out and every Ctrl+Shift key the terminal gives up", () => {
    const keys = SHORTCUT_HELP.flatMap((s) => s.items.flatMap((i) => i.keys));
    for (const k of ["Ctrl+Shift+L", "Ctrl+Shift+K", "Ctrl+Shift+Enter", "Ctrl+Shift+1…9", "Ctrl+Shift+[", "Ctrl+Shift+]", "Ctrl+Shift+?", "Ctrl+Shift+F", "Ctrl+F", "Ctrl+K", "/", "N", "?"]) {
      expect(keys).toContain(k);
    }
  });
});
