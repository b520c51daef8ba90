/**
 * Which worker tabs fit in the strip and which go into its "more" menu (pure). The shown tab and
 * every tab whose worker needs the user are always in the strip; the others fill what room is
 * left, in their order.
 */

export interface TabSplit<T> {
  visible: T[];
  overflow: T[];
}

/**
 * `fits`: how many tabs fit with no menu; `fitsWithMenu`: how many fit beside the menu button.
 * `pinned`: tabs that must stay visible (the shown one first, then those that need the user).
 */
export function splitTabs<T>(tabs: readonly T[], pinned: ReadonlySet<T>, fits: number, fitsWithMenu: number): TabSplit<T> {
  if (tabs.length <= Math.max(fits, 1)) return { visible: [...tabs], overflow: [] };
  const keep = new Set<T>(tabs.filter((t) => pinned.has(t)));
  for (const tab of tabs) {
    if (keep.size >= fitsWithMenu) break;
    keep.add(tab);
  }
  return { visible: tabs.filter((t) => keep.has(t)), overflow: tabs.filter((t) => !keep.has(t)) };
}
