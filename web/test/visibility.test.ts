import { describe, expect, it } from "vitest";
import { CATCH_UP_BYTES, Visibility } from "../src/terminal/visibility";

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A terminal given output up to `offset`, whose socket pauses while hidden; `end`: the worker's
 * output's end as the server tells it (null: it cannot be told). */
function terminal(offset: number | null, end: number | null) {
  const world = { pageHidden: false, paused: false, offset, end, shown: [] as boolean[], startedOver: 0 };
  const visibility = new Visibility({
    pageHidden: () => world.pageHidden,
    paused: () => world.paused,
    offset: () => world.offset,
    end: () => (world.end === null ? Promise.reject(new Error("away")) : Promise.resolve(world.end)),
    show: (visible) => {
      world.shown.push(visible);
      world.paused = !visible;
    },
    startOver: () => world.startedOver++,
  });
  return { visibility, world };
}

describe("Visibility", () => {
  it("pauses a hidden terminal's socket once, and resumes it at once when shown before any history", () => {
    const { visibility, world } = terminal(null, 0);
    visibility.showTab(false);
    visibility.showTab(false);
    visibility.showTab(true);
    expect(world.shown).toEqual([false, true]);
  });

  it("hides the terminal while the browser's tab is in the background, whatever its own tab", () => {
    const { visibility, world } = terminal(null, 0);
    world.pageHidden = true;
    visibility.apply();
    visibility.showTab(true);
    world.pageHidden = false;
    visibility.apply();
    expect(world.shown).toEqual([false, true]);
  });

  it("resumes from where it was when shown again not far behind", async () => {
    const { visibility, world } = terminal(1000, 1000 + CATCH_UP_BYTES);
    visibility.showTab(false);
    visibility.showTab(true);
    await settle();
    expect([world.shown, world.startedOver]).toEqual([[false, true], 0]);
  });

  it("starts over from the tail, then resumes, when shown again more than CATCH_UP_BYTES behind", async () => {
    const { visibility, world } = terminal(1000, 1001 + CATCH_UP_BYTES);
    visibility.showTab(false);
    visibility.showTab(true);
    await settle();
    expect([world.shown, world.startedOver]).toEqual([[false, true], 1]);
  });

  it("does not start over when output was written while it asked the end", async () => {
    const { visibility, world } = terminal(1000, 1001 + CATCH_UP_BYTES);
    visibility.showTab(false);
    visibility.showTab(true);
    world.offset = 2000;
    await settle();
    expect([world.shown, world.startedOver]).toEqual([[false, true], 0]);
  });

  it("resumes from where it was when the end cannot be told", async () => {
    const { visibility, world } = terminal(1000, null);
    visibility.showTab(false);
    visibility.showTab(true);
    await settle();
    expect([world.shown, world.startedOver]).toEqual([[false, true], 0]);
  });

  it("stays paused when hidden again while it asked the end", async () => {
    const { visibility, world } = terminal(1000, 1001 + CATCH_UP_BYTES);
    visibility.showTab(false);
    visibility.showTab(true);
    visibility.showTab(false);
    await settle();
    expect([world.shown, world.startedOver, world.paused]).toEqual([[false, false], 0, true]);
  });
});
