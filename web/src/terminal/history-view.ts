/**
 * The history view: a read-only screen over the live terminal that shows older output, page by
 * page from the REST route, addressed by offsets (see history-window.ts).
 *
 * It opens when the user scrolls up past the top of what the live terminal holds (the window
 * then ends where the live terminal's content begins), or at a place in the log (a search
 * match, a link). Scrolling up at its top brings the page before; scrolling down at its bottom
 * the page after, and past the point where the live terminal takes over it closes, leaving the
 * live terminal at the same place. Esc or "Back to live" closes it at the live end.
 */

import type { ITerminalOptions } from "@xterm/xterm";
import { ApiError } from "../api";
import { HistoryScreen } from "./history-screen";
import { aroundRequest, HistoryWindow, type HistoryPage, type PageRequest } from "./history-window";

export interface HistoryHost {
  page(request: PageRequest): Promise<HistoryPage>;
  /** The offset from which on the live terminal holds everything. */
  liveStart(): number;
  /** The end of the output the live terminal was given. */
  liveEnd(): number;
  /** Columns and rows of the live terminal. */
  size(): { cols: number; rows: number };
  options(): ITerminalOptions;
  /** The view closed: show the live terminal with `offset` at its bottom (null: at its end). */
  closed(offset: number | null): void;
  /** A key for the program typed while the view was showing (it closed). */
  typed(key: string): void;
  changed(): void;
}

export interface HistoryStatus {
  open: boolean;
  loading: boolean;
  start: number;
  end: number;
  retainedStart: number;
  atOldest: boolean;
  notice: string | null;
}

type Place = "top" | "bottom" | "third";
type Load = [request: () => PageRequest, how: "replace" | "prepend" | "append", anchor: number, place: Place];

export class HistoryView {
  readonly element: HTMLDivElement;
  private window = new HistoryWindow();
  private screens: [HistoryScreen, HistoryScreen] | null = null;
  private busy = false;
  /** A jump asked for while a page was loading: done next (the latest one wins). */
  private nextJump: Load | null = null;
  private query: string | null = null;
  private noOlder = false;
  private current: HistoryStatus = {
    open: false,
    loading: false,
    start: 0,
    end: 0,
    retainedStart: 0,
    atOldest: false,
    notice: null,
  };

  constructor(private readonly host: HistoryHost) {
    this.element = document.createElement("div");
    this.element.className = "history-view";
    this.element.hidden = true;
    // Capture: the screen's own scrolling has not moved yet, so "at the top" means before it.
    this.element.addEventListener("wheel", (event) => this.wheel(event), { capture: true, passive: true });
  }

  get status(): HistoryStatus {
    return this.current;
  }

  /** Opens on the output just before what the live terminal holds. */
  openBefore(): Promise<void> {
    const end = this.host.liveStart();
    return this.load(() => ({ end, bytes: this.window.pageBytes }), "replace", end, "bottom");
  }

  /** Opens at `offset` (a line start), with `query` highlighted when given. */
  reveal(offset: number, query: string | null): Promise<void> {
    this.query = query === "" ? null : query;
    return this.jump(offset);
  }

  /** Shows the output around `offset`, its line a third of the way down. */
  jump(offset: number): Promise<void> {
    return this.load(() => aroundRequest(offset), "replace", offset, "third");
  }

  /** Where the match shown is drawn (none when the view is closed or it is off screen). */
  matchBoxes(): DOMRect[] {
    return this.screens?.[0].selectionBoxes() ?? [];
  }

  /** The oldest output still kept. */
  oldest(): Promise<void> {
    const start = this.window.empty ? 0 : this.window.retainedStart;
    return this.load(() => ({ end: start + this.window.pageBytes, bytes: this.window.pageBytes }), "replace", 0, "top");
  }

  older(): Promise<void> {
    if (this.noOlder) return Promise.resolve();
    const request = this.window.olderRequest();
    if (request === null) return Promise.resolve();
    return this.load(() => request, "prepend", this.window.start, "top");
  }

  /** The page after the window; once the live terminal holds what follows, back to it. */
  newer(): Promise<void> {
    const request = this.window.newerRequest(this.host.liveStart());
    if (request !== null) return this.load(() => request, "append", this.window.end, "bottom");
    if (!this.busy && this.current.open) this.close(this.window.end);
    return Promise.resolve();
  }

  /** Closes the view; the live terminal shows `offset` at its bottom (null: its end). */
  close(offset: number | null = null): void {
    if (!this.current.open) return;
    this.element.hidden = true;
    for (const screen of this.screens ?? []) screen.dispose();
    this.screens = null;
    this.window = new HistoryWindow();
    this.query = null;
    this.noOlder = false;
    this.nextJump = null;
    this.update({ open: false, loading: false, notice: null });
    this.host.closed(offset);
  }

  fit(): void {
    const { cols, rows } = this.host.size();
    for (const screen of this.screens ?? []) screen.resize(cols, rows);
  }

  /** A key pressed while the view shows, in it or in the live terminal: "took" when it moved
   * the view (or closed it: Esc), "closed" when it was for the program (the view closes). */
  key(event: KeyboardEvent): "took" | "closed" | null {
    if (!this.current.open || event.type !== "keydown") return null;
    if (["Shift", "Control", "Alt", "Meta"].includes(event.key)) return null;
    const move = event.ctrlKey || event.altKey || event.metaKey ? undefined : this.moves()[event.key];
    if (move === undefined) {
      this.close();
      return "closed";
    }
    move();
    return "took";
  }

  private moves(): Record<string, () => void> {
    const front = this.screens?.[0];
    const page = front?.term.rows ?? 1;
    const up = (lines: number) => (front?.viewportY === 0 ? void this.older() : front?.term.scrollLines(-lines));
    const down = (lines: number) => (front?.atBottom === true ? void this.newer() : front?.term.scrollLines(lines));
    return {
      Escape: () => this.close(),
      PageUp: () => up(page),
      PageDown: () => down(page),
      ArrowUp: () => up(1),
      ArrowDown: () => down(1),
      Home: () => void this.oldest(),
      End: () => this.close(),
    };
  }

  dispose(): void {
    this.nextJump = null;
    for (const screen of this.screens ?? []) screen.dispose();
    this.screens = null;
  }

  /** Fetches a page, puts it in the window and shows the window; one at a time (a scroll
   * while busy is dropped, a jump waits its turn). */
  private async load(...args: Load): Promise<void> {
    const [request, how, anchor, place] = args;
    if (this.busy) {
      if (how === "replace") this.nextJump = args;
      return;
    }
    this.busy = true;
    this.show();
    this.update({ loading: true, notice: null });
    try {
      const page = await this.host.page(request());
      if (!this.current.open) return;
      const fits = how === "replace" ? (this.window.replace(page), true) : this.window[how](page);
      if (!fits) return;
      await this.render(how === "replace" && place === "top" ? page.startOffset : anchor, place);
    } catch (error) {
      if (error instanceof ApiError && error.code === "OUT_OF_RETENTION") this.noOlder = how !== "append";
      this.update({ notice: error instanceof Error ? error.message : String(error) });
    } finally {
      this.busy = false;
      this.update({ loading: false, ...this.range() });
    }
    const next = this.nextJump;
    this.nextJump = null;
    if (next !== null) await this.load(...next);
  }

  private async render(anchor: number, place: Place): Promise<void> {
    if (this.screens === null) return;
    const [front, back] = this.screens;
    const line = await back.render(this.window.pieces(Math.max(anchor, this.window.start)));
    if (!this.current.open || this.screens === null) return;
    if (line !== null) back.place(line, place);
    if (this.query !== null) back.highlight(this.query, place === "third" ? line : null);
    if (line !== null && place === "third") back.place(line, place);
    back.element.classList.remove("back");
    front.element.classList.add("back");
    this.screens = [back, front];
  }

  private show(): void {
    if (this.screens !== null) return;
    this.element.hidden = false; // laid out first: its height decides the rows
    const { cols, rows } = this.host.size();
    const options = this.host.options();
    const onKey = (event: KeyboardEvent) => {
      const result = this.key(event);
      const printable = event.key.length === 1 && !event.ctrlKey && !event.altKey && !event.metaKey;
      if (result === "closed" && printable) this.host.typed(event.key);
      return result !== null;
    };
    this.screens = [new HistoryScreen(options, onKey), new HistoryScreen(options, onKey)];
    for (const screen of this.screens) screen.open(this.element, cols, rows);
    this.screens[0].element.classList.remove("back");
    this.update({ open: true });
  }

  private wheel(event: WheelEvent): void {
    const front = this.screens?.[0];
    if (front === undefined || this.busy) return;
    if (event.deltaY < 0 && front.viewportY === 0) void this.older();
    else if (event.deltaY > 0 && front.atBottom) void this.newer();
  }

  private range(): Partial<HistoryStatus> {
    const w = this.window;
    return { start: w.start, end: w.end, retainedStart: w.retainedStart, atOldest: w.atOldest || this.noOlder };
  }

  private update(patch: Partial<HistoryStatus>): void {
    this.current = { ...this.current, ...patch };
    this.host.changed();
  }
}
