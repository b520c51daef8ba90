/**
 * Where a terminal's search box goes (pure): at its usual edge (the top right; a phone's bottom),
 * or at the other one while the match it shows lies under it there — on a short output, the
 * match cannot be scrolled out from under the box.
 */

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** Whether the box goes to the other edge: the match (the boxes it is drawn in: one a line; none
 * when it is not on screen) lies under it at its usual place (`usual`, as measured there). */
export function flipped(usual: Box | null, match: readonly Box[]): boolean {
  return usual !== null && match.some((part) => overlaps(usual, part));
}
