import { describe, expect, it } from "vitest";
import { splitTabs } from "../src/tab-overflow";

const tabs = ["a", "b", "c", "d", "e", "f"];

describe("splitTabs", () => {
  it("keeps every tab in the strip when they fit", () => {
    expect(splitTabs(tabs, new Set(), 6, 5)).toEqual({ visible: tabs, overflow: [] });
  });

  it("moves the tabs that do not fit into the menu, in order", () => {
    expect(splitTabs(tabs, new Set(["a"]), 4, 3)).toEqual({ visible: ["a", "b", "c"], overflow: ["d", "e", "f"] });
  });

  it("always shows the open tab and asking ones, even at the end", () => {
    expect(splitTabs(tabs, new Set(["b", "f"]), 3, 2)).toEqual({ visible: ["b", "f"], overflow: ["a", "c", "d", "e"] });
    expect(splitTabs(tabs, new Set(["e", "f"]), 3, 3)).toEqual({ visible: ["a", "e", "f"], overflow: ["b", "c", "d"] });
  });

  it("shows all pinned tabs even when they alone do not fit", () => {
    expect(splitTabs(tabs, new Set(["c", "d", "e"]), 2, 1).visible).toEqual(["c", "d", "e"]);
  });
});
