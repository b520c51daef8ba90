import { describe, expect, it } from "vitest";
import { defaultPreferences, parsePreferences, PreferenceStore } from "../src/preferences";

class Memory {
  data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
}

describe("preferences", () => {
  it("survive a reload: a new store reads what the last one wrote", () => {
    const storage = new Memory();
    const first = new PreferenceStore(storage);
    first.update({ view: "list", screenReader: true });
    first.setFilters({ state: "asking", repository: "r1" });
    expect(new PreferenceStore(storage).current).toEqual({
      view: "list",
      screenReader: true,
      filters: { state: "asking", repository: "r1", agent: "all" },
    });
  });

  it("fall back to the default field by field when the stored value is broken", () => {
    expect(parsePreferences(null)).toEqual(defaultPreferences);
    expect(parsePreferences("{not json")).toEqual(defaultPreferences);
    expect(parsePreferences('{"view":"grid","filters":{"state":"bogus","agent":"codex"},"screenReader":"yes"}')).toEqual({
      ...defaultPreferences,
      filters: { ...defaultPreferences.filters, agent: "codex" },
    });
  });

  it("tell subscribers about every change", () => {
    const store = new PreferenceStore(new Memory());
    let calls = 0;
    store.subscribe(() => (calls += 1));
    store.update({ view: "wall" });
    store.setFilters({ agent: "terminal" });
    expect(calls).toBe(2);
  });

  it("hold for the page when storage refuses to write", () => {
    const store = new PreferenceStore({ getItem: () => null, setItem: () => { throw new Error("quota"); } });
    store.update({ view: "list" });
    expect(store.current.view).toBe("list");
  });
});
