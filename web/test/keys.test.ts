import { describe, expect, it } from "vitest";
import { earlyKeyInput, keySequence, withCtrl } from "../src/terminal/keys";

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

describe("earlyKeyInput", () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}) =>
    earlyKeyInput({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

  it("sends characters, Enter, Backspace and Tab as the terminal would", () => {
    expect(["a", "Z", "$", " ", "é", "😀"].map((k) => key(k))).toEqual(["a", "Z", "$", " ", "é", "😀"]);
    expect([key("Enter"), key("Backspace"), key("Tab"), key("Tab", { shiftKey: true })]).toEqual(["\r", "\x7f", "\t", "\x1b[Z"]);
  });

  it("leaves shortcuts, modified and named keys to the page", () => {
    expect([key("k", { ctrlKey: true }), key("k", { metaKey: true }), key("b", { altKey: true })]).toEqual([null, null, null]);
    expect([key("Escape"), key("ArrowUp"), key("F1"), key("Shift"), key("Dead")]).toEqual([null, null, null, null, null]);
  });
});
