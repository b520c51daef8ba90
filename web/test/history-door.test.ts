import { describe, expect, it } from "vitest";
import { HistoryDoor, type DoorOutput, type DoorTerminal, type DoorView } from "../src/terminal/history-door";

/** A live terminal of 80 × 24 scrolled to its top (rows 19 px high), with older output kept,
 * and its history view (closed, 190 px high); what the door did to them. */
function live() {
  const world = { opened: 0, earlier: [] as boolean[], scrolled: [] as (number | "bottom")[], focused: 0, viewTook: "took" as "took" | "closed" | null };
  const term = {
    cols: 80,
    rows: 24,
    buffer: { active: { type: "normal", viewportY: 0 } },
    modes: { mouseTrackingMode: "none" },
    scrollToBottom: () => world.scrolled.push("bottom"),
    scrollToLine: (line: number) => world.scrolled.push(line),
    focus: () => world.focused++,
  };
  const output = { earlier: true, hasEarlier: () => output.earlier, lineOf: (offset: number) => (offset >= 100 ? offset / 2 : null) };
  const view = { status: { open: false }, element: { clientHeight: 190 }, openBefore: async () => void world.opened++, key: () => world.viewTook };
  const element = { querySelector: () => ({ clientHeight: 24 * 19 }) };
  const door = new HistoryDoor(term as unknown as DoorTerminal, element as unknown as HTMLElement, output as unknown as DoorOutput, view as unknown as DoorView, (e) => world.earlier.push(e));
  return { door, term, output, view, element, world };
}

const key = (name: string, shiftKey: boolean, type = "keydown") => ({ key: name, shiftKey, type }) as KeyboardEvent;

describe("HistoryDoor", () => {
  it("opens the history view only when older output is kept", () => {
    const { door, output, world } = live();
    door.open();
    output.earlier = false;
    door.open();
    expect(world.opened).toBe(1);
  });

  it("opens the view on scrolling up at the top of the normal screen, unless a program takes the mouse wheel", () => {
    const { door, term, world } = live();
    door.wheel({ deltaY: 1 });
    term.buffer.active.viewportY = 3;
    door.wheel({ deltaY: -1 });
    term.buffer.active = { type: "alternate", viewportY: 0 };
    door.wheel({ deltaY: -1 });
    term.buffer.active = { type: "normal", viewportY: 0 };
    term.modes.mouseTrackingMode = "vt200";
    door.wheel({ deltaY: -1 });
    expect(world.opened).toBe(0);
    term.modes.mouseTrackingMode = "none";
    door.wheel({ deltaY: -1 });
    expect(world.opened).toBe(1);
  });

  it("opens the view on Shift+PageUp at the top, keeping that key from the live terminal, and leaves it other keys", () => {
    const { door, term, world } = live();
    expect([door.key(key("PageUp", false)), door.key(key("PageUp", true, "keyup")), door.key(key("a", true))]).toEqual([true, true, true]);
    term.buffer.active.viewportY = 3;
    expect([door.key(key("PageUp", true)), world.opened]).toEqual([true, 0]);
    term.buffer.active.viewportY = 0;
    expect([door.key(key("PageUp", true)), world.opened]).toEqual([false, 1]);
  });

  it("gives the open view the keys, leaving the live terminal those the view did not take", () => {
    const { door, view, world } = live();
    view.status.open = true;
    expect(door.key(key("Escape", false))).toBe(false);
    world.viewTook = "closed";
    expect([door.key(key("x", false)), world.opened]).toEqual([true, 0]);
  });

  it("tells `earlier` only when it changes", () => {
    const { door, term, world } = live();
    door.check();
    door.check();
    term.buffer.active.viewportY = 1;
    door.check();
    expect(world.earlier).toEqual([true, false]);
  });

  it("leaves the terminal with the line where the view closed at its bottom, or at its end, and focused", () => {
    const { door, world } = live();
    door.closed(100); // line 50
    door.closed(10); // no longer held by the terminal
    door.closed(null);
    door.closed(120); // line 60
    expect([world.scrolled, world.focused]).toEqual([[27, "bottom", "bottom", 37], 4]);
  });

  it("sizes the view's screen as wide as the terminal and as tall as the view leaves rows for, at least 2", () => {
    const { door, view } = live();
    expect(door.size()).toEqual({ cols: 80, rows: 10 });
    view.element.clientHeight = 0;
    expect(door.size()).toEqual({ cols: 80, rows: 24 });
    view.element.clientHeight = 20;
    expect(door.size()).toEqual({ cols: 80, rows: 2 });
  });
});
