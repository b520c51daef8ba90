import { describe, expect, it } from "vitest";
import { keyInput, keySequence, pasteInput, platformOf, withCtrl, type KeyModes, type KeyPress } from "../src/terminal/keys";

describe("keySequence", () => {
  it("sends the plain control bytes for Esc, Tab and Enter", () => {
    expect([keySequence("Esc", false), keySequence("Tab", false), keySequence("Enter", false)]).toEqual([
      "\x1b",
      "\t",
      "\r",
    ]);
  });

  it("sends back-tab, interrupt and the paging keys as a terminal does", () => {
    expect(["ShiftTab", "CtrlC", "PageUp", "PageDown"].map((k) => keySequence(k as never, false))).toEqual([
      "\x1b[Z",
      "\x03",
      "\x1b[5~",
      "\x1b[6~",
    ]);
  });

  it("follows the cursor-key mode for arrows", () => {
    expect(keySequence("Up", false)).toBe("\x1b[A");
    expect(keySequence("Left", true)).toBe("\x1bOD");
  });
});

describe("withCtrl", () => {
  it("turns letters into control characters, either case", () => {
    expect(withCtrl("c")).toBe("\x03");
    expect(withCtrl("D")).toBe("\x04");
    expect(withCtrl("[")).toBe("\x1b");
  });

  it("leaves pastes and unmapped characters alone", () => {
    expect(withCtrl("hello")).toBe("hello");
    expect(withCtrl("1")).toBe("1");
    expect(withCtrl(" ")).toBe("\x00");
  });
});

describe("keyInput", () => {
  type Mods = Partial<Pick<KeyPress, "ctrlKey" | "altKey" | "metaKey" | "shiftKey" | "code">>;
  const press = (key: string, keyCode: number, mods: Mods = {}): KeyPress => ({ key, code: "", keyCode, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, ...mods });
  const normal: KeyModes = { applicationCursor: false, platform: "other" };
  const application: KeyModes = { applicationCursor: true, platform: "other" };

  it("sends characters, Enter, Backspace and Tab as the terminal would", () => {
    expect([press("a", 65), press("Z", 90, { shiftKey: true }), press("$", 52, { shiftKey: true }), press(" ", 32), press("é", 50), press("😀", 0)].map((p) => keyInput(p, normal))).toEqual(["a", "Z", "$", " ", "é", "😀"]);
    expect([press("Enter", 13), press("Backspace", 8), press("Tab", 9), press("Tab", 9, { shiftKey: true })].map((p) => keyInput(p, normal))).toEqual(["\r", "\x7f", "\t", "\x1b[Z"]);
  });

  it("sends Ctrl and a key as its control code, by the key's code (Ctrl+C on any layout is ^C)", () => {
    const ctrl = { ctrlKey: true };
    const keys = [press("c", 67, ctrl), press("с", 67, ctrl), press("d", 68, ctrl), press("r", 82, ctrl), press(" ", 32, ctrl), press("[", 219, ctrl), press("3", 51, ctrl), press("8", 56, ctrl), press("Backspace", 8, ctrl)];
    expect(keys.map((p) => keyInput(p, normal))).toEqual(["\x03", "\x03", "\x04", "\x12", "\x00", "\x1b", "\x1b", "\x7f", "\b"]);
    expect([keyInput(press("_", 189, { ctrlKey: true, shiftKey: true }), normal), keyInput(press("@", 50, { ctrlKey: true, shiftKey: true }), normal)]).toEqual(["\x1f", "\x00"]);
  });

  it("sends Alt and a key as ESC and the key, unless Alt types characters of its own there", () => {
    const alt = { altKey: true };
    expect([press("b", 66, alt), press("B", 66, { altKey: true, shiftKey: true }), press(".", 190, alt), press("Enter", 13, alt), press("Escape", 27, alt)].map((p) => keyInput(p, normal))).toEqual(["\x1bb", "\x1bB", "\x1b.", "\x1b\r", "\x1b\x1b"]);
    expect(keyInput(press("x", 88, { altKey: true, ctrlKey: true }), normal)).toBe("\x1b\x18");
    expect(keyInput(press("∫", 66, alt), { applicationCursor: false, platform: "mac" })).toBe("∫");
    expect(keyInput(press("@", 81, { altKey: true, ctrlKey: true }), { applicationCursor: false, platform: "windows" })).toBe("@");
  });

  it("sends arrows, Home and End by the cursor-key mode, and in their modified form with a modifier", () => {
    const keys = [press("ArrowUp", 38), press("ArrowDown", 40), press("ArrowRight", 39), press("ArrowLeft", 37), press("Home", 36), press("End", 35)];
    expect(keys.map((p) => keyInput(p, normal))).toEqual(["\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1b[H", "\x1b[F"]);
    expect(keys.map((p) => keyInput(p, application))).toEqual(["\x1bOA", "\x1bOB", "\x1bOC", "\x1bOD", "\x1bOH", "\x1bOF"]);
    expect([keyInput(press("ArrowLeft", 37, { ctrlKey: true }), application), keyInput(press("End", 35, { shiftKey: true }), normal)]).toEqual(["\x1b[1;5D", "\x1b[1;2F"]);
  });

  it("sends the editing, paging and function keys as xterm.js does", () => {
    const keys = [press("Insert", 45), press("Delete", 46), press("PageUp", 33), press("PageDown", 34), press("F1", 112), press("F4", 115), press("F5", 116), press("F12", 123)];
    expect(keys.map((p) => keyInput(p, application))).toEqual(["\x1b[2~", "\x1b[3~", "\x1b[5~", "\x1b[6~", "\x1bOP", "\x1bOS", "\x1b[15~", "\x1b[24~"]);
    expect([press("Delete", 46, { shiftKey: true }), press("PageUp", 33, { ctrlKey: true }), press("F1", 112, { altKey: true }), press("F5", 116, { ctrlKey: true })].map((p) => keyInput(p, normal))).toEqual(["\x1b[3;2~", "\x1b[5;5~", "\x1b[1;3P", "\x1b[15;5~"]);
    expect(keyInput(press("Escape", 27), normal)).toBe("\x1b");
  });

  it("leaves to the browser what xterm.js sends nothing for: pastes, copies, its scrolling, ⌘ and bare modifier keys", () => {
    const keys = [
      press("V", 86, { ctrlKey: true, shiftKey: true }),
      press("Insert", 45, { shiftKey: true }),
      press("Insert", 45, { ctrlKey: true }),
      press("PageUp", 33, { shiftKey: true }),
      press("v", 86, { metaKey: true }),
      press("ArrowUp", 38, { metaKey: true }),
      press("Shift", 16, { shiftKey: true }),
      press("Control", 17, { ctrlKey: true }),
      press("Dead", 222),
      press("Process", 229),
      press("F13", 124),
    ];
    expect(keys.map((p) => keyInput(p, normal))).toEqual(keys.map(() => null));
  });

  it("sends Ctrl+V as ^V, as xterm.js does (Ctrl+Shift+V pastes)", () => {
    expect(keyInput(press("v", 86, { ctrlKey: true }), normal)).toBe("\x16");
  });
});

describe("pasteInput", () => {
  it("sends line ends as CR, bracketed when the program asked", () => {
    expect(pasteInput("one\ntwo\r\n", false)).toBe("one\rtwo\r");
    expect(pasteInput("ls", true)).toBe("\x1b[200~ls\x1b[201~");
  });
});

describe("platformOf", () => {
  it("tells macOS and Windows by navigator.platform, as xterm.js does", () => {
    expect(["MacIntel", "Win32", "Linux x86_64", "iPhone"].map(platformOf)).toEqual(["mac", "windows", "other", "other"]);
  });
});
