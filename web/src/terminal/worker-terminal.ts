/**
 * One worker's terminal: owns the xterm.js instance, its addons, the worker socket, the history
 * view over it and the listeners, and disposes of all of them. Components only mount `element`
 * and `history.element` and read `status`.
 *
 * It opens with the recent output only (`?tail=`; a page's first terminal was connected as the
 * page started, see first-socket.ts), written after the terminal modes in effect
 * where it starts; what lies before is paged in by the history view (history-view.ts). Output
 * is written in bounded chunks with xterm.js write callbacks, and the socket is paused while too
 * much is pending or the terminal is not visible (flow-control.ts).
 */

import "@xterm/xterm/css/xterm.css";
import { FitAddon } from "@xterm/addon-fit";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal } from "@xterm/xterm";
import { api } from "../api";
import { Close, parseWorkerMessage, workerSocketPath, type WorkerClientMessage, type WorkerServerMessage } from "../protocol";
import { isDown, ReconnectingSocket, socketUrl, type SocketStatus, type WebSocketLike } from "../socket";
import { HistoryView, type HistoryStatus } from "./history-view";
import { expectedSize } from "./expected-size";
import { EarlyInput } from "./early-input";
import { claimFirst, TAIL_BYTES } from "./first-socket";
import { acceptImages } from "./image-drop";
import { InputQueue } from "./input-queue";
import { keySequence, platformOf, rowKey, withCtrl, type KeyName } from "./keys";
import { LiveOutput } from "./live-output";
import { showNotes } from "./notes";
import type { SearchAnswer } from "./search-results";
import { terminalTheme } from "./theme";

export interface TerminalStatus {
  connection: SocketStatus;
  exit: { exitCode: number; signal: string | null } | null;
  /** The last problem to show the user (a refused paste, a server `error`), or null. */
  notice: string | null;
  /** What the terminal is busy with for the user (re-encoding an image), or null. */
  progress: string | null;
  ctrlArmed: boolean;
  /** Characters typed while disconnected, waiting to be sent on reconnect. */
  queued: number;
  /** Characters typed while disconnected that will not be sent (past the queue's bound). */
  refused: number;
  /** The first history is not on screen yet. */
  loading: boolean;
  /** The terminal shows its oldest line and older output can be paged in. */
  earlier: boolean;
  history: HistoryStatus;
}

/** A terminal shown again that missed more than this starts over from the tail rather than
 * parse all it missed. */
const CATCH_UP_BYTES = 4 * TAIL_BYTES;

/** The longest a shown terminal waits for its first history before xterm.js opens anyway. */
const ATTACH_WAIT_MS = 1000;

const FONT = '"DejaVu Sans Mono", ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace';

export class WorkerTerminal {
  readonly element: HTMLDivElement;
  private readonly term: Terminal;
  private readonly fitAddon = new FitAddon();
  private readonly socket: ReconnectingSocket;
  private readonly disposers: (() => void)[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly pending = new InputQueue();
  /** Holds what is typed until the first history is parsed (see releaseEarly). */
  private readonly early: EarlyInput;
  private readonly output: LiveOutput;
  readonly history: HistoryView;
  private opened = false;
  /** xterm.js is open in `element` (see open). */
  private attached = false;
  private disposed = false;
  /** Focus was asked for before xterm.js opened: where the focus was then. */
  private focusWanted: { from: Element | null } | null = null;
  private tabShown = true;
  /** The size is not told to the server for now (see holdSize); `sizeOwed`: it was meanwhile. */
  private sizeHeld = false;
  private sizeOwed = false;
  private visible = true;
  private current: TerminalStatus;

  constructor(
    readonly sessionId: string,
    readonly workerId: string,
  ) {
    this.element = document.createElement("div");
    this.element.className = "terminal-host";
    this.element.dataset.workerId = workerId;
    this.element.tabIndex = -1; // until xterm.js opens, the element itself takes the keys (early-input.ts)
    this.early = new EarlyInput(this.element, platformOf(navigator.platform));
    const dark = window.matchMedia("(prefers-color-scheme: dark)");
    this.term = new Terminal({ ...this.looks(dark), cursorBlink: true, scrollback: 10_000, allowProposedApi: true }); // notes.ts: decorations
    this.term.loadAddon(this.fitAddon);
    this.term.loadAddon(new WebLinksAddon());
    this.socket = new ReconnectingSocket({
      url: () => socketUrl(workerSocketPath(sessionId, workerId, this.offset, this.offset === null ? TAIL_BYTES : null), window.location),
      onMessage: (raw) => this.onMessage(raw),
      onOpen: () => this.reconnected(),
      onStatus: (connection) => this.connectionChanged(connection),
      isFinal: (code) => code === Close.NORMAL || code === Close.NOT_FOUND,
      createSocket: (url) => claimFirst(url) ?? (new WebSocket(url) as WebSocketLike), // the page's first terminal: connected as it started
    });
    this.output = new LiveOutput(this.term, this.element, {
      signal: (type) => this.send({ type }),
      parsed: (offset, history) => this.parsed(offset, history),
    });
    this.history = new HistoryView({
      page: ({ end, bytes }) => api.workerHistory(sessionId, workerId, end, bytes),
      liveStart: () => this.output.liveStart(),
      liveEnd: () => this.offset ?? 0,
      size: () => this.historySize(),
      options: () => this.looks(dark),
      closed: (offset) => this.historyClosed(offset),
      typed: (key) => this.typed(key),
      changed: () => this.update({ history: this.history.status }),
    });
    const [connection, history] = [this.socket.status, this.history.status];
    this.current = { connection, exit: null, notice: null, progress: null, ctrlArmed: false, queued: 0, refused: 0, loading: true, earlier: false, history };
    this.wire(dark);
  }

  get status(): TerminalStatus {
    return this.current;
  }

  /** The offset of the end of the output given to the terminal (null before its history). */
  get offset(): number | null {
    return this.output.rendered;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects, and opens xterm.js in `element` (which must be in the document); idempotent.
   * xterm.js opens once the first history is parsed (or the connection fails, or after
   * ATTACH_WAIT_MS), having been given the size it will fit to: parsing with no renderer and
   * viewport following every line is several times faster (see bench/browser.py). If that
   * size cannot be told, it opens at once, in a task of its own. */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    this.applyVisibility();
    const sized = this.presize();
    this.socket.start(); // connecting meanwhile: its first message is handled after this task
    const timer = setTimeout(() => this.attach(), sized ? ATTACH_WAIT_MS : 0);
    this.disposers.push(() => clearTimeout(timer));
  }

  /** xterm.js opens in `element`: its renderer, viewport and keyboard. */
  private attach(): void {
    if (!this.opened || this.attached || this.disposed) return;
    this.attached = true;
    this.element.removeAttribute("tabindex");
    this.term.open(this.element);
    this.fit();
    const active = document.activeElement;
    const stayed = active === null || active === document.body || active === this.element || active === this.focusWanted?.from;
    if (this.focusWanted !== null && stayed) this.term.focus(); // unless the user went elsewhere meanwhile
  }

  /** Gives the terminal, before xterm.js opens, the size it will fit `element` to; false if
   * that cannot be told. */
  private presize(): boolean {
    const o = this.term.options;
    const looks = { fontFamily: o.fontFamily ?? "", fontSize: o.fontSize ?? 15, lineHeight: o.lineHeight ?? 1, letterSpacing: o.letterSpacing ?? 0, scrollback: o.scrollback ?? 1000 };
    const size = expectedSize(this.element, looks, { cols: this.term.cols, rows: this.term.rows });
    if (size === null) return false;
    if (size.cols !== this.term.cols || size.rows !== this.term.rows) this.term.resize(size.cols, size.rows);
    return true;
  }

  /** Fits the terminal to its element; a size change sends `resize` (via onResize). */
  fit(): void {
    if (!this.opened || this.element.clientWidth === 0 || this.element.clientHeight === 0) return;
    if (!this.attached) {
      this.presize();
      return;
    }
    try {
      this.fitAddon.fit();
    } catch {
      // the renderer is not measured yet; the next ResizeObserver tick fits
    }
    this.element.dataset.cols = String(this.term.cols);
    this.element.dataset.rows = String(this.term.rows);
    this.history.fit();
  }

  /** While held, the terminal's size is not told to the server: the page around it is not laid
   * out for good yet (opened on a worker, its app state on the way), so the size may still
   * change. Released, it fits to its final place and tells the size, once, if it was owed. */
  holdSize(held: boolean): void {
    if (held === this.sizeHeld) return;
    this.sizeHeld = held;
    if (held) return;
    this.fit(); // a size change sends it (onResize)
    if (this.sizeOwed) this.sendSize();
  }

  /** A hidden terminal (its tab not shown, or the browser's tab in the background) does not
   * render: its socket is paused, and catches up when shown — from where it was, or, if that
   * is far behind, from the recent tail (see startOver). */
  setVisible(visible: boolean): void {
    this.tabShown = visible;
    this.applyVisibility();
  }

  private applyVisibility(): void {
    const visible = this.tabShown && document.visibilityState !== "hidden";
    if (visible === this.visible) return;
    this.visible = visible;
    if (visible && this.output.paused && this.offset !== null) void this.catchUp(this.offset);
    else this.output.setVisible(visible);
  }

  private async catchUp(from: number): Promise<void> {
    const end = await api.workerHistory(this.sessionId, this.workerId, Number.MAX_SAFE_INTEGER, 1).then(
      (page) => page.offset,
      () => from, // nothing kept yet, or the server is away: resume, the socket knows best
    );
    if (!this.visible) return;
    if (this.offset === from && end - from > CATCH_UP_BYTES) this.startOver();
    this.output.setVisible(true);
  }

  /** Opens the history view on the output before what the terminal holds. */
  openHistory(): void {
    if (this.output.hasEarlier()) void this.history.openBefore();
  }

  /** Shows the output at `offset` (a line start) in the history view, `query` highlighted. */
  reveal(offset: number, query: string | null): void {
    void this.history.reveal(offset, query);
  }

  /** The lines of this worker's whole retained output that contain `query`. */
  search(query: string): Promise<SearchAnswer> {
    return api.searchWorker(this.sessionId, this.workerId, query);
  }

  focus(): void {
    if (this.attached) this.term.focus();
    else {
      this.focusWanted = { from: document.activeElement };
      this.element.focus({ preventScroll: true }); // it takes the keys meanwhile (early-input.ts)
    }
  }

  retryNow(): void {
    this.socket.retryNow();
  }

  /** A key from the on-screen key row. */
  pressKey(key: KeyName): void {
    if (!this.early.hold({ press: rowKey(key) })) this.sendInput(keySequence(key, this.term.modes.applicationCursorKeysMode));
    this.term.focus();
  }

  /** The key row's Paste: the clipboard's text, as if pasted (bracketed when the program asks). */
  async pasteClipboard(): Promise<void> {
    let text: string;
    try {
      text = await navigator.clipboard.readText();
    } catch {
      this.update({ notice: "The browser did not give the clipboard: allow it, or paste with a long press on the terminal." });
      return;
    }
    if (text !== "" && !this.early.hold({ paste: text })) this.term.paste(text);
    this.term.focus();
  }

  /** xterm.js's screen-reader mode: new output is read aloud and the screen can be browsed. */
  setScreenReader(on: boolean): void {
    if (this.term.options.screenReaderMode !== on) this.term.options.screenReaderMode = on;
  }

  /** Ctrl from the key row applies to the next key typed. */
  toggleCtrl(): void {
    this.update({ ctrlArmed: !this.current.ctrlArmed });
    this.term.focus();
  }

  clearExit(): void {
    this.update({ exit: null });
  }

  dispose(): void {
    this.disposed = true;
    this.early.dispose();
    this.socket.close();
    for (const dispose of this.disposers.splice(0)) dispose();
    this.history.dispose();
    this.output.dispose();
    this.term.dispose();
    this.listeners.clear();
  }

  private wire(dark: MediaQueryList): void {
    const subs = [
      this.term.onData((data) => {
        if (!this.early.hold({ data })) this.typed(data); // before the first history: an input method's text, say
      }),
      this.term.onBinary((data) => this.sendInput(data)),
      this.term.onResize(() => this.sendSize()),
      this.term.onSelectionChange(() => this.copySelection()),
      this.term.onScroll(() => this.checkEarlier()),
      showNotes(this.term),
    ];
    this.term.attachCustomKeyEventHandler((event) => this.liveKey(event));
    const onWheel = (event: WheelEvent) => this.wheel(event);
    this.element.addEventListener("wheel", onWheel, { capture: true, passive: true });
    this.disposers.push(() => this.element.removeEventListener("wheel", onWheel, true));
    this.disposers.push(() => subs.forEach((s) => s.dispose()));
    const observer = new ResizeObserver(() => this.fit());
    observer.observe(this.element);
    this.disposers.push(() => observer.disconnect());
    const onVisibility = () => this.applyVisibility();
    document.addEventListener("visibilitychange", onVisibility);
    this.disposers.push(() => document.removeEventListener("visibilitychange", onVisibility));
    const onScheme = () => (this.term.options.theme = terminalTheme(dark.matches));
    dark.addEventListener("change", onScheme);
    this.disposers.push(() => dark.removeEventListener("change", onScheme));
    const images = acceptImages(this.element, {
      send: (image) => this.send({ type: "image", ...image }),
      report: (patch) => this.update(patch),
    });
    this.disposers.push(images);
  }

  private onMessage(raw: string): void {
    const message = parseWorkerMessage(raw);
    if (message !== null) this.handle(message);
  }

  private handle(message: WorkerServerMessage): void {
    switch (message.type) {
      case "history":
        if (!this.output.history(message)) return this.startOver(message.lostBytes);
        if (!this.current.loading) this.update({ loading: true });
        return;
      case "output":
        if (this.current.exit !== null) this.update({ exit: null }); // the worker was restarted
        return this.output.output(message);
      case "exit":
        return this.update({ exit: { exitCode: message.exitCode, signal: message.signal } });
      case "error":
        return this.update({ notice: message.message });
      case "activity":
        return; // the app socket's worker-activity drives every badge
    }
  }

  /** Output up to `offset` is parsed: the first history is on screen. */
  private parsed(offset: number, history: boolean): void {
    if (history) {
      this.releaseEarly();
      this.attach();
    }
    if (history && this.current.loading) {
      this.element.dataset.loaded = String(offset);
      this.update({ loading: false });
    }
    this.checkEarlier();
  }

  /** The server could not continue from our offset (it left retention: a hidden or flooded
   * terminal fell that far behind) and would stream all it keeps: start over from the recent
   * tail instead, which shows at once and keeps up with a flood. The output that left
   * retention (`lostBytes`) is gone for good: the terminal says so. */
  private startOver(lostBytes?: number): void {
    this.output.restart(lostBytes);
    this.update({ loading: true });
    this.socket.reconnect();
  }

  /** `earlier`: the terminal shows its oldest line (of the normal screen) and more is kept. */
  private checkEarlier(): void {
    const buffer = this.term.buffer.active;
    const earlier = buffer.type === "normal" && buffer.viewportY === 0 && this.output.hasEarlier();
    if (earlier !== this.current.earlier) this.update({ earlier });
  }

  /** Scrolling up at the top of the terminal opens the history view (unless a program takes
   * the mouse wheel). */
  private wheel(event: WheelEvent): void {
    const buffer = this.term.buffer.active;
    if (event.deltaY >= 0 || buffer.type !== "normal" || buffer.viewportY !== 0) return;
    if (this.term.modes.mouseTrackingMode === "none") this.openHistory();
  }

  /** Until the first history is parsed, the keys are held; while the history view shows, its
   * keys; else Shift+PageUp at the top opens it. */
  private liveKey(event: KeyboardEvent): boolean {
    if (this.early.take(event)) return false;
    if (this.history.status.open) return this.history.key(event) !== "took";
    if (event.type === "keydown" && event.key === "PageUp" && event.shiftKey && this.term.buffer.active.viewportY === 0 && this.output.hasEarlier()) {
      this.openHistory();
      return false;
    }
    return true;
  }

  private historyClosed(offset: number | null): void {
    const line = offset === null ? null : this.output.lineOf(offset);
    if (line === null) this.term.scrollToBottom();
    else this.term.scrollToLine(Math.max(0, line - this.term.rows + 1));
    this.term.focus();
  }

  /** The history view's screen: as wide as the terminal, as tall as the view leaves room for. */
  private historySize(): { cols: number; rows: number } {
    const screen = this.element.querySelector(".xterm-screen");
    const rowHeight = screen === null || this.term.rows === 0 ? 0 : screen.clientHeight / this.term.rows;
    const height = this.history.element.clientHeight;
    const rows = rowHeight > 0 && height > 0 ? Math.floor(height / rowHeight) : this.term.rows;
    return { cols: this.term.cols, rows: Math.max(2, rows) };
  }

  private looks(dark: MediaQueryList) {
    return { fontFamily: FONT, fontSize: window.innerWidth < 600 ? 12 : 14, lineHeight: 1.15, theme: terminalTheme(dark.matches) };
  }

  /** What was typed before the first history was parsed is sent, before anything typed later,
   * as xterm.js would have sent it in the modes that history set (once: later calls do nothing). */
  private releaseEarly(): void {
    const modes = this.term.modes;
    const typed = this.early.release({ applicationCursor: modes.applicationCursorKeysMode, bracketedPaste: modes.bracketedPasteMode });
    for (const data of typed) this.typed(data);
  }

  private typed(data: string): void {
    if (this.current.ctrlArmed) {
      this.update({ ctrlArmed: false });
      data = withCtrl(data);
    }
    this.sendInput(data);
  }

  /** Input reaches the program, or waits (bounded) for the socket to come back — never lost silently. */
  private sendInput(data: string): void {
    if (this.send({ type: "input", data })) return;
    if (this.socket.status.kind === "closed") {
      this.update({ notice: "This terminal is closed: what you type is not sent." });
      return;
    }
    this.pending.push(data);
    this.update({ queued: this.pending.queued, refused: this.pending.refused });
  }

  private reconnected(): void {
    this.sendSize();
    this.output.connected();
    const refused = this.pending.refused;
    const queued = this.pending.drain();
    if (queued !== "") this.send({ type: "input", data: queued });
    const notice = refused > 0 ? `${refused} characters typed while disconnected were not sent.` : this.current.notice;
    this.update({ queued: 0, refused: 0, notice });
  }

  /** While the socket is down the terminal looks offline: dimmed, no cursor. */
  private connectionChanged(connection: SocketStatus): void {
    const down = isDown(connection);
    if (down) {
      this.releaseEarly(); // no history is coming soon: what was typed is sent (or queued),
      this.attach(); // and the terminal shows as it is
    }
    this.element.classList.toggle("offline", down);
    this.term.options.cursorBlink = !down;
    if (connection.kind === "closed") this.pending.clear();
    const loading = this.current.loading && connection.kind !== "closed";
    this.update({ connection, loading, queued: this.pending.queued, refused: this.pending.refused });
  }

  private sendSize(): void {
    this.element.dataset.cols = String(this.term.cols);
    this.element.dataset.rows = String(this.term.rows);
    this.sizeOwed = this.sizeHeld;
    if (!this.sizeHeld) this.send({ type: "resize", cols: this.term.cols, rows: this.term.rows });
  }

  private send(message: WorkerClientMessage): boolean {
    return this.socket.send(JSON.stringify(message));
  }

  private copySelection(): void {
    const text = this.term.getSelection();
    if (text !== "" && navigator.clipboard !== undefined) {
      navigator.clipboard.writeText(text).catch(() => undefined);
    }
  }

  private update(patch: Partial<TerminalStatus>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener();
  }
}
