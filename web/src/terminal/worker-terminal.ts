/**
 * One worker's terminal: owns the xterm.js instance, its addons, the worker socket, the history
 * view over it and the listeners, and disposes of all of them. Components only mount `element`
 * and `history.element` and read `status`. What is typed takes its way to the program in
 * input-path.ts; the size is fitted and told in terminal-size.ts; whether the terminal is visible
 * is visibility.ts's; history-door.ts is the way into the history view and back.
 *
 * It opens with the recent output only (`?tail=`; a page's first terminal was connected as the
 * page started, see first-socket.ts), written after the terminal modes in effect
 * where it starts; what lies before is paged in by the history view (history-view.ts). Output
 * is written in bounded chunks with xterm.js write callbacks, and the socket is paused while too
 * much is pending or the terminal is not visible (flow-control.ts).
 */

import "@xterm/xterm/css/xterm.css";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal } from "@xterm/xterm";
import { api } from "../api";
import { Close, parseWorkerMessage, workerSocketPath, type WorkerClientMessage, type WorkerServerMessage } from "../protocol";
import { isDown, ReconnectingSocket, socketUrl, type SocketStatus, type WebSocketLike } from "../socket";
import { HistoryView, type HistoryStatus } from "./history-view";
import { claimFirst, TAIL_BYTES } from "./first-socket";
import { HistoryDoor } from "./history-door";
import { acceptImages } from "./image-drop";
import { InputPath, type InputStatus } from "./input-path";
import { platformOf, type KeyName } from "./keys";
import { LiveOutput } from "./live-output";
import { showNotes } from "./notes";
import type { SearchAnswer } from "./search-results";
import { TerminalSize, type Stage } from "./terminal-size";
import { terminalTheme } from "./theme";
import { Visibility } from "./visibility";

/** What components show of a terminal; the input's part (Ctrl armed, characters queued and
 * refused) is input-path.ts's. */
export interface TerminalStatus extends InputStatus {
  connection: SocketStatus;
  exit: { exitCode: number; signal: string | null } | null;
  /** The last problem to show the user (a refused paste, a server `error`), or null. */
  notice: string | null;
  /** What the terminal is busy with for the user (re-encoding an image), or null. */
  progress: string | null;
  /** The first history is not on screen yet. */
  loading: boolean;
  /** The terminal shows its oldest line and older output can be paged in. */
  earlier: boolean;
  history: HistoryStatus;
}

/** The longest a shown terminal waits for its first history before xterm.js opens anyway. */
const ATTACH_WAIT_MS = 1000;

const FONT = '"DejaVu Sans Mono", ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace';

export class WorkerTerminal {
  readonly element: HTMLDivElement;
  private readonly term: Terminal;
  private readonly size: TerminalSize;
  private readonly socket: ReconnectingSocket;
  private readonly disposers: (() => void)[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly input: InputPath;
  private readonly output: LiveOutput;
  private readonly visibility: Visibility;
  readonly history: HistoryView;
  private readonly door: HistoryDoor;
  /** Opened (see open), and xterm.js attached in `element` (see attach). */
  private stage: Stage = "new";
  private disposed = false;
  /** Focus was asked for before xterm.js opened: where the focus was then. */
  private focusWanted: { from: Element | null } | null = null;
  private current: TerminalStatus;

  constructor(
    readonly sessionId: string,
    readonly workerId: string,
  ) {
    this.element = document.createElement("div");
    this.element.className = "terminal-host";
    this.element.dataset.workerId = workerId;
    this.element.tabIndex = -1; // until xterm.js opens, the element itself takes the keys (early-input.ts)
    this.input = new InputPath(this.element, platformOf(navigator.platform), {
      send: (data) => this.send({ type: "input", data }),
      closed: () => this.socket.status.kind === "closed",
      modes: () => ({ applicationCursor: this.term.modes.applicationCursorKeysMode, bracketedPaste: this.term.modes.bracketedPasteMode }),
      paste: (text) => this.term.paste(text),
      update: (patch) => this.update(patch),
    });
    const dark = window.matchMedia("(prefers-color-scheme: dark)");
    this.term = new Terminal({ ...this.looks(dark), cursorBlink: true, scrollback: 10_000, allowProposedApi: true }); // notes.ts: decorations
    this.size = new TerminalSize(this.term, this.element, {
      stage: () => this.stage,
      send: ({ cols, rows }) => this.send({ type: "resize", cols, rows }),
      fitted: () => this.history.fit(),
    });
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
      size: () => this.door.size(),
      options: () => this.looks(dark),
      closed: (offset) => this.door.closed(offset),
      typed: (key) => this.input.typed(key),
      changed: () => this.update({ history: this.history.status }),
    });
    this.door = new HistoryDoor(this.term, this.element, this.output, this.history, (earlier) => this.update({ earlier }));
    this.visibility = new Visibility({
      pageHidden: () => document.visibilityState === "hidden",
      paused: () => this.output.paused,
      offset: () => this.offset,
      end: () => api.workerHistory(sessionId, workerId, Number.MAX_SAFE_INTEGER, 1).then((page) => page.offset),
      show: (visible) => this.output.setVisible(visible),
      startOver: () => this.startOver(),
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
    if (this.stage !== "new") return;
    this.stage = "opened";
    this.visibility.apply();
    const sized = this.size.presize();
    this.socket.start(); // connecting meanwhile: its first message is handled after this task
    const timer = setTimeout(() => this.attach(), sized ? ATTACH_WAIT_MS : 0);
    this.disposers.push(() => clearTimeout(timer));
  }

  /** xterm.js opens in `element`: its renderer, viewport and keyboard. */
  private attach(): void {
    if (this.stage !== "opened" || this.disposed) return;
    this.stage = "attached";
    this.element.removeAttribute("tabindex");
    this.term.open(this.element);
    this.size.fit();
    const active = document.activeElement;
    const stayed = active === null || active === document.body || active === this.element || active === this.focusWanted?.from;
    if (this.focusWanted !== null && stayed) this.term.focus(); // unless the user went elsewhere meanwhile
  }

  /** Fits the terminal to its element; a size change sends `resize` (via onResize). */
  fit(): void {
    this.size.fit();
  }

  /** Holds the terminal's size back from the server while the page around it may still change
   * (see TerminalSize.hold). */
  holdSize(held: boolean): void {
    this.size.hold(held);
  }

  /** A hidden terminal (its tab not shown, or the browser's tab in the background) does not
   * render: its socket is paused, and catches up when shown — from where it was, or, if that
   * is far behind, from the recent tail (see visibility.ts). */
  setVisible(visible: boolean): void {
    this.visibility.showTab(visible);
  }

  /** Opens the history view on the output before what the terminal holds. */
  openHistory(): void {
    this.door.open();
  }

  /** Shows the output at `offset` (a line start) in the history view, `query` highlighted. */
  reveal(offset: number, query: string | null): Promise<void> {
    return this.history.reveal(offset, query);
  }

  /** Where the match `reveal` shows is drawn on screen (a box a line; none when not shown). */
  matchBoxes(): DOMRect[] {
    return this.history.matchBoxes();
  }

  /** The lines of this worker's whole retained output that contain `query`. */
  search(query: string): Promise<SearchAnswer> {
    return api.searchWorker(this.sessionId, this.workerId, query);
  }

  focus(): void {
    if (this.stage === "attached") this.term.focus();
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
    this.input.key(key);
    this.term.focus();
  }

  /** The key row's Paste: the clipboard's text, as if pasted (bracketed when the program asks). */
  async pasteClipboard(): Promise<void> {
    if (await this.input.pasteClipboard()) this.term.focus();
  }

  /** xterm.js's screen-reader mode: new output is read aloud and the screen can be browsed. */
  setScreenReader(on: boolean): void {
    if (this.term.options.screenReaderMode !== on) this.term.options.screenReaderMode = on;
  }

  /** Ctrl from the key row applies to the next key typed. */
  toggleCtrl(): void {
    this.input.toggleCtrl();
    this.term.focus();
  }

  clearExit(): void {
    this.update({ exit: null });
  }

  dispose(): void {
    this.disposed = true;
    this.input.dispose();
    this.socket.close();
    for (const dispose of this.disposers.splice(0)) dispose();
    this.history.dispose();
    this.output.dispose();
    this.term.dispose();
    this.listeners.clear();
  }

  private wire(dark: MediaQueryList): void {
    const subs = [
      this.term.onData((data) => this.input.data(data)),
      this.term.onBinary((data) => this.input.send(data)),
      this.term.onResize(() => this.size.tell()),
      this.term.onSelectionChange(() => this.copySelection()),
      this.term.onScroll(() => this.door.check()),
      showNotes(this.term),
    ];
    // Until the first history is parsed the keys are held (input-path.ts), then the door has its say.
    this.term.attachCustomKeyEventHandler((event) => !this.input.takeEarly(event) && this.door.key(event));
    const onWheel = (event: WheelEvent) => this.door.wheel(event);
    this.element.addEventListener("wheel", onWheel, { capture: true, passive: true });
    this.disposers.push(() => this.element.removeEventListener("wheel", onWheel, true));
    this.disposers.push(() => subs.forEach((s) => s.dispose()));
    const observer = new ResizeObserver(() => this.size.fit());
    observer.observe(this.element);
    this.disposers.push(() => observer.disconnect());
    const onVisibility = () => this.visibility.apply();
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
        // Loading until parsed (see parsed) — said first: an empty history is "parsed" at once.
        if (!this.current.loading) this.update({ loading: true });
        if (!this.output.history(message)) this.startOver(message.lostBytes);
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
      this.input.release();
      this.attach();
    }
    if (history && this.current.loading) {
      this.element.dataset.loaded = String(offset);
      this.update({ loading: false });
    }
    this.door.check();
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

  private looks(dark: MediaQueryList) {
    return { fontFamily: FONT, fontSize: window.innerWidth < 600 ? 12 : 14, lineHeight: 1.15, theme: terminalTheme(dark.matches) };
  }

  private reconnected(): void {
    this.size.tell();
    this.output.connected();
    this.input.reconnected(); // what was typed meanwhile
  }

  /** While the socket is down the terminal looks offline: dimmed, no cursor. */
  private connectionChanged(connection: SocketStatus): void {
    const down = isDown(connection);
    if (down) {
      this.input.release(); // no history is coming soon: what was typed is sent (or queued),
      this.attach(); // and the terminal shows as it is
    }
    this.element.classList.toggle("offline", down);
    this.term.options.cursorBlink = !down;
    if (connection.kind === "closed") this.input.forget();
    const loading = this.current.loading && connection.kind !== "closed";
    this.update({ connection, loading, ...this.input.counts });
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
