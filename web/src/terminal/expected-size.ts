/**
 * The size (columns, rows) xterm.js will fit an element to, told before it opens there.
 *
 * A terminal that parses its first history before it is opened parses it several times faster:
 * no renderer, no viewport and scrollbar following every line that scrolls (see
 * WorkerTerminal.open). For that the terminal must already have the size it will have, so this
 * repeats what xterm.js and FitAddon compute: the char size from TextMetrics of "W" (xterm.js's
 * CharSizeService), the cell size the DOM renderer rounds it to, and FitAddon's fit. Should it
 * ever differ, the fit after opening resizes the terminal as any resize would.
 */

export interface Size {
  cols: number;
  rows: number;
}

export interface Looks {
  fontFamily: string;
  fontSize: number;
  lineHeight: number;
  letterSpacing: number;
  scrollback: number;
}

/** FitAddon's: the scroll bar's width, and the least size it fits to. */
const SCROLL_BAR_WIDTH = 14;
const MINIMUM_COLS = 2;
const MINIMUM_ROWS = 1;

/** The cell size in CSS pixels, as xterm.js's DOM renderer rounds it at a given size. */
export function cellSize(char: { width: number; height: number }, dpr: number, looks: Looks, size: Size): { width: number; height: number } {
  const cellWidth = char.width * dpr + Math.round(looks.letterSpacing);
  const cellHeight = Math.floor(Math.ceil(char.height * dpr) * looks.lineHeight);
  return {
    width: Math.round((cellWidth * size.cols) / dpr) / size.cols,
    height: Math.round((cellHeight * size.rows) / dpr) / size.rows,
  };
}

/** What FitAddon fits an element of `width` × `height` CSS pixels to, starting from `from`: each
 * fit rounds the cells at the size it starts from, so it is repeated until it holds. */
export function fitSize(width: number, height: number, char: { width: number; height: number }, dpr: number, looks: Looks, from: Size): Size {
  const available = width - (looks.scrollback === 0 ? 0 : SCROLL_BAR_WIDTH);
  let size = from;
  for (let i = 0; i < 4; i++) {
    const cell = cellSize(char, dpr, looks, size);
    const next = {
      cols: Math.max(MINIMUM_COLS, Math.floor(available / cell.width)),
      rows: Math.max(MINIMUM_ROWS, Math.floor(height / cell.height)),
    };
    if (next.cols === size.cols && next.rows === size.rows) break;
    size = next;
  }
  return size;
}

/** The size xterm.js with `looks` will fit `element` to (it must be laid out); null when this
 * browser measures characters otherwise (no OffscreenCanvas or font metrics) or the element
 * has no size. */
export function expectedSize(element: HTMLElement, looks: Looks, from: Size): Size | null {
  const char = measureChar(looks);
  const style = window.getComputedStyle(element);
  const width = Math.max(0, parseInt(style.getPropertyValue("width")));
  const height = parseInt(style.getPropertyValue("height"));
  if (char === null || !(width > 0) || !(height > 0)) return null;
  return fitSize(width, height, char, window.devicePixelRatio, looks, from);
}

function measureChar(looks: Looks): { width: number; height: number } | null {
  if (typeof OffscreenCanvas === "undefined") return null;
  const context = new OffscreenCanvas(100, 100).getContext("2d");
  if (context === null) return null;
  context.font = `${looks.fontSize}px ${looks.fontFamily}`;
  const metrics = context.measureText("W");
  if (!("fontBoundingBoxAscent" in metrics)) return null;
  const height = metrics.fontBoundingBoxAscent + metrics.fontBoundingBoxDescent;
  return metrics.width > 0 && height > 0 ? { width: metrics.width, height } : null;
}
