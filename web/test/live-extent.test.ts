import { describe, expect, it } from "vitest";
import { LiveExtent, type LineMarker } from "../src/terminal/live-extent";

/** A stand-in for an xterm.js marker: its line moves when the buffer trims lines. */
class Marker implements LineMarker {
  isDisposed = false;
  constructor(public line: number) {}
  dispose(): void {
    this.isDisposed = true;
  }
}

/** A buffer that marks lines and trims them from its top, as xterm.js does. */
class Buffer {
  markers: Marker[] = [];
  mark = (line: number) => () => {
    const marker = new Marker(line);
    this.markers.push(marker);
    return marker;
  };
  trim(lines: number): void {
    for (const m of this.markers) {
      m.line -= lines;
      if (m.line < 0) m.dispose();
    }
  }
}

describe("LiveExtent", () => {
  it("holds everything from its history's start while no marked line was lost", () => {
    const extent = new LiveExtent(10);
    const buffer = new Buffer();
    extent.reset(5000);
    extent.note(6000, 12, buffer.mark(12));
    expect(extent.start(9000)).toBe(5000);
  });

  it("marks a line only every so many lines, so redrawn lines never pile up marks", () => {
    const extent = new LiveExtent(10);
    const buffer = new Buffer();
    extent.reset(0);
    for (let i = 0; i < 100; i++) extent.note(1000 + i * 50, 15, buffer.mark(15));
    expect(buffer.markers.length).toBe(1);
    extent.note(9000, 25, buffer.mark(25));
    expect(buffer.markers.length).toBe(2);
  });

  it("once lines are trimmed, starts at the oldest mark still alive (nothing gone is after it)", () => {
    const extent = new LiveExtent(10);
    const buffer = new Buffer();
    extent.reset(0);
    extent.note(1000, 10, buffer.mark(10));
    extent.note(2000, 20, buffer.mark(20));
    extent.note(3000, 30, buffer.mark(30));
    buffer.trim(15);
    expect(extent.start(4000)).toBe(2000);
  });

  it("starts at the end of what it was given when every mark is gone (a cleared scrollback)", () => {
    const extent = new LiveExtent(10);
    const buffer = new Buffer();
    extent.reset(0);
    extent.note(1000, 10, buffer.mark(10));
    buffer.trim(100);
    expect(extent.start(4000)).toBe(4000);
  });

  it("finds the line of an offset from the last mark before it", () => {
    const extent = new LiveExtent(10);
    const buffer = new Buffer();
    extent.reset(100);
    extent.note(1000, 10, buffer.mark(10));
    extent.note(2000, 20, buffer.mark(20));
    expect([extent.lineOf(500), extent.lineOf(1500), extent.lineOf(2500)]).toEqual([0, 10, 20]);
    expect(extent.lineOf(50)).toBeNull();
  });

  it("knows no line for an offset whose lines were trimmed", () => {
    const extent = new LiveExtent(10);
    const buffer = new Buffer();
    extent.reset(0);
    extent.note(1000, 10, buffer.mark(10));
    extent.note(2000, 20, buffer.mark(20));
    buffer.trim(12);
    expect([extent.lineOf(1500), extent.lineOf(2500)]).toEqual([null, 8]);
  });

  it("forgets its marks (disposing them) when the terminal is reset", () => {
    const extent = new LiveExtent(10);
    const buffer = new Buffer();
    extent.reset(0);
    extent.note(1000, 10, buffer.mark(10));
    extent.reset(7000);
    expect([buffer.markers[0]!.isDisposed, extent.start(8000)]).toEqual([true, 7000]);
  });
});
