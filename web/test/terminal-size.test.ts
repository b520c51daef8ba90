import { describe, expect, it } from "vitest";
import type { Size } from "../src/terminal/expected-size";
import { TerminalSize, type Sized, type Stage } from "../src/terminal/terminal-size";

/** A terminal of 80 × 24 whose resizes are told, as WorkerTerminal's onResize does; `fits`:
 * what FitAddon would fit it to (node has no renderer for it to measure). */
function sized(stage: Stage = "attached") {
  const told: Size[] = [];
  const world = { fits: null as Size | null, fitted: 0, told };
  const term = {
    cols: 80,
    rows: 24,
    options: {},
    loadAddon: (addon: { fit(): void }) => (addon.fit = () => world.fits && term.resize(world.fits.cols, world.fits.rows)),
    resize(cols: number, rows: number) {
      [term.cols, term.rows] = [cols, rows];
      size.tell();
    },
  };
  const element = { clientWidth: 800, clientHeight: 600, dataset: {} as Record<string, string> };
  const size = new TerminalSize(term as unknown as Sized, element as unknown as HTMLElement, {
    stage: () => stage,
    send: (s) => told.push(s),
    fitted: () => world.fitted++,
  });
  return { size, term, element, world };
}

describe("TerminalSize", () => {
  it("tells each size change and each new connection's need at once, and shows the size on the element", () => {
    const { size, term, element, world } = sized();
    term.resize(100, 30);
    size.tell();
    expect(world.told).toEqual([{ cols: 100, rows: 30 }, { cols: 100, rows: 30 }]);
    expect(element.dataset).toEqual({ cols: "100", rows: "30" });
  });

  it("tells nothing while held, and on release the last size, once", () => {
    const { size, term, world } = sized();
    size.hold(true);
    term.resize(100, 30);
    size.tell(); // a new connection
    term.resize(120, 40);
    expect(world.told).toEqual([]);
    size.hold(false);
    expect(world.told).toEqual([{ cols: 120, rows: 40 }]);
  });

  it("tells nothing on release when nothing was owed", () => {
    const { size, world } = sized();
    size.hold(true);
    size.hold(false);
    expect([world.told, world.fitted]).toEqual([[], 1]);
  });

  it("tells a size owed once when the release's fit changes it too", () => {
    const { size, world } = sized();
    size.hold(true);
    size.tell();
    world.fits = { cols: 90, rows: 20 };
    size.hold(false);
    expect(world.told).toEqual([{ cols: 90, rows: 20 }]);
  });

  it("does nothing when held twice or released when not held", () => {
    const { size, world } = sized();
    size.hold(false);
    size.hold(true);
    size.hold(true);
    size.tell();
    size.hold(false);
    expect([world.told.length, world.fitted]).toEqual([1, 1]);
  });

  it("fits the attached terminal to its element, shows its size there and fits the history view", () => {
    const { size, element, world } = sized();
    world.fits = { cols: 132, rows: 43 };
    size.fit();
    expect([world.told, element.dataset, world.fitted]).toEqual([[{ cols: 132, rows: 43 }], { cols: "132", rows: "43" }, 1]);
  });

  it("fits nothing before the terminal is opened, nor while its element has no size", () => {
    const unopened = sized("new");
    unopened.size.fit();
    const hidden = sized();
    hidden.element.clientWidth = 0;
    hidden.size.fit();
    expect([unopened.world.fitted, hidden.world.fitted, hidden.element.dataset]).toEqual([0, 0, {}]);
  });
});
