/**
 * Page arithmetic for the history view (pure): which pages of a worker's log to fetch and which
 * contiguous run of them to show.
 *
 * The view shows a window of at most `windowBytes` of the log, made of pages the REST route
 * returned (`GET …/history?end=E&bytes=N`: the output before offset E, on whole characters).
 * Every page is addressed by absolute offsets, so the window is always exact: scrolling back
 * prepends the page ending where the window starts, scrolling forward appends the page starting
 * where it ends, and the page at the far side is let go once the window is full. xterm.js cannot
 * prepend, so the view writes the window again after each step (`pieces`), split at an anchor
 * offset whose line it keeps in place.
 */

export interface HistoryPage {
  startOffset: number;
  offset: number;
  data: string;
  retainedStart: number;
  modes: string;
}

export interface PageRequest {
  end: number;
  bytes: number;
}

/** A page: about 1,300 lines of plain text. The view writes its whole window again at each step,
 * so the window stays small (two pages) for each step to be quick. */
export const PAGE_BYTES = 128 * 1024;
export const WINDOW_BYTES = 256 * 1024;
/** A page may end a few bytes short of the offset asked for (an invalid character at the end
 * of the log's piece is never cut in two), so "contiguous" allows that much of a gap. */
const SLACK = 3;

export class HistoryWindow {
  private pages: HistoryPage[] = [];

  constructor(
    readonly pageBytes: number = PAGE_BYTES,
    readonly windowBytes: number = WINDOW_BYTES,
  ) {}

  get empty(): boolean {
    return this.pages.length === 0;
  }

  /** The offset of the window's first byte (0 when empty). */
  get start(): number {
    return this.pages[0]?.startOffset ?? 0;
  }

  /** The offset just after the window's last byte (0 when empty). */
  get end(): number {
    return this.pages.at(-1)?.offset ?? 0;
  }

  /** The oldest offset the server still keeps, as of the last page. */
  get retainedStart(): number {
    return this.pages.reduce((oldest, p) => Math.max(oldest, p.retainedStart), 0);
  }

  /** Whether the window begins with the oldest output still kept. */
  get atOldest(): boolean {
    return !this.empty && this.start <= this.retainedStart;
  }

  /** The page before the window, or null when the window already starts at the oldest byte. */
  olderRequest(): PageRequest | null {
    if (this.empty || this.atOldest) return null;
    return { end: this.start, bytes: this.pageBytes };
  }

  /** The page after the window, up to `limit` (an offset the log is known to reach), or null. */
  newerRequest(limit: number): PageRequest | null {
    if (this.empty || this.end >= limit) return null;
    const end = Math.min(limit, this.end + this.pageBytes);
    return { end, bytes: end - this.end };
  }

  /** The window is `page` alone (opening, or jumping to another place). */
  replace(page: HistoryPage): void {
    this.pages = [page];
  }

  /** Puts `page` before the window (it must end where the window starts); lets the newest
   * pages go while the window is over its size. False (nothing changed) if not contiguous. */
  prepend(page: HistoryPage): boolean {
    if (this.empty || page.offset > this.start || page.offset < this.start - SLACK) return false;
    this.pages.unshift(page);
    while (this.pages.length > 1 && this.bytes() > this.windowBytes) this.pages.pop();
    return true;
  }

  /** Puts `page` after the window (it must start where the window ends); lets the oldest pages
   * go while the window is over its size. False (nothing changed) if not contiguous. */
  append(page: HistoryPage): boolean {
    if (this.empty || page.startOffset !== this.end || page.offset <= page.startOffset) return false;
    this.pages.push(page);
    while (this.pages.length > 1 && this.bytes() > this.windowBytes) this.pages.shift();
    return true;
  }

  /** What to write to show the window: the modes in effect at its start and its text, cut at
   * `anchor` (an offset inside the window) into what comes before and what comes from there. */
  pieces(anchor: number): { modes: string; before: string; after: string } {
    let before = "";
    let after = "";
    for (const page of this.pages) {
      if (anchor >= page.offset) before += page.data;
      else if (anchor <= page.startOffset) after += page.data;
      else {
        const cut = charIndexAt(page.data, anchor - page.startOffset);
        before += page.data.slice(0, cut);
        after += page.data.slice(cut);
      }
    }
    return { modes: this.pages[0]?.modes ?? "", before, after };
  }

  private bytes(): number {
    return this.pages.reduce((sum, p) => sum + (p.offset - p.startOffset), 0);
  }
}

/** Where to ask for a page that shows `offset`: one ending half a page after it. */
export function aroundRequest(offset: number, pageBytes: number = PAGE_BYTES): PageRequest {
  return { end: offset + Math.floor(pageBytes / 2), bytes: pageBytes };
}

/**
 * The index in `text` of the first character that begins at or after byte `bytes` of its UTF-8
 * encoding (the length of `text` past its end). A U+FFFD counts 3 bytes, though it may stand for
 * 1 to 3 invalid bytes of the log, so in such output the cut can land a few characters off.
 */
export function charIndexAt(text: string, bytes: number): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (count >= bytes) return i;
    const code = text.charCodeAt(i);
    if (code < 0x80) count += 1;
    else if (code < 0x800) count += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      count += 4;
      i++;
    } else count += 3;
  }
  return text.length;
}
