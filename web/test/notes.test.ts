import { describe, expect, it } from "vitest";
import { MIN_ROOM, noteRoom } from "../src/terminal/notes";

/** A line of `cols` cells reading `text` from its start (blank after it). */
const line = (text: string) => (x: number) => text[x] ?? "";

describe("noteRoom", () => {
  it("gives a note the blank end of its line, less a cell of gap", () => {
    expect(noteRoom(line("$ answered 'y'"), 80)).toEqual({ cells: 80 - 14 - 1 });
    expect(noteRoom(line(""), 40)).toEqual({ cells: 39 });
  });

  it("counts only the blank cells after the last drawn one, wherever text sits", () => {
    const drawn = (x: number) => (x === 3 || x === 60 ? "x" : x === 50 ? " " : "");
    expect(noteRoom(drawn, 80)).toEqual({ cells: 80 - 61 - 1 });
  });

  it("tucks the note into a tab when its line has less than MIN_ROOM cells to spare", () => {
    expect(noteRoom(line("y".repeat(80)), 80)).toBe("tucked");
    expect(noteRoom(line("y".repeat(80 - MIN_ROOM)), 80)).toBe("tucked");
    expect(noteRoom(line("y".repeat(80 - MIN_ROOM - 1)), 80)).toEqual({ cells: MIN_ROOM });
  });

  it("tucks it on a line a program filled to the edge, right-aligned status included", () => {
    const status = (x: number) => (x >= 70 ? "s" : "");
    expect(noteRoom(status, 80)).toBe("tucked");
  });
});
