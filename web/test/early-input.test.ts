import { describe, expect, it } from "vitest";
import { EarlyInput } from "../src/terminal/early-input";

type Fake = KeyboardEvent & { defaultPrevented: boolean };

function keydown(key: string, keyCode: number, extra: Record<string, unknown> = {}): Fake {
  const event = { type: "keydown", key, code: "", keyCode, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, isComposing: false, defaultPrevented: false, ...extra };
  return Object.assign(event, { preventDefault: () => (event.defaultPrevented = true) }) as unknown as Fake;
}

const early = () => new EarlyInput(new EventTarget() as unknown as HTMLElement, "other"); // the listeners only
const MODES = { applicationCursor: true, bracketedPaste: true };

describe("EarlyInput", () => {
  it("holds keys, pastes and xterm.js's own input in order, and gives them back for the modes the history set", () => {
    const input = early();
    const keys = [keydown("c", 67, { ctrlKey: true }), keydown("ArrowUp", 38)];
    expect(keys.map((k) => input.take(k))).toEqual([true, true]);
    expect(keys.map((k) => k.defaultPrevented)).toEqual([true, true]);
    expect([input.hold({ paste: "a\nb" }), input.hold({ data: "é" }), input.take(keydown("Enter", 13))]).toEqual([true, true, true]);
    expect(input.release(MODES)).toEqual(["\x03", "\x1bOA", "\x1b[200~a\rb\x1b[201~", "é", "\r"]);
  });

  it("encodes what it held for the modes at release, not at the press", () => {
    const input = early();
    input.take(keydown("Home", 36));
    input.hold({ paste: "p" });
    expect(input.release({ applicationCursor: false, bracketedPaste: false })).toEqual(["\x1b[H", "p"]);
  });

  it("leaves to the browser keys xterm.js sends nothing for, keys the page took, composing and key-ups", () => {
    const input = early();
    const left = [keydown("V", 86, { ctrlKey: true, shiftKey: true }), keydown("Shift", 16, { shiftKey: true }), keydown("a", 65, { defaultPrevented: true }), keydown("a", 229, { isComposing: true }), keydown("a", 65, { type: "keyup" })];
    expect(left.map((k) => input.take(k))).toEqual([false, false, false, false, false]);
    expect(left.map((k) => k.defaultPrevented)).toEqual([false, false, true, false, false]);
    expect(input.release(MODES)).toEqual([]);
  });

  it("takes nothing once released", () => {
    const input = early();
    input.release(MODES);
    const key = keydown("c", 67, { ctrlKey: true });
    expect([input.take(key), key.defaultPrevented, input.hold({ paste: "p" })]).toEqual([false, false, false]);
    expect(input.release(MODES)).toEqual([]);
  });
});
