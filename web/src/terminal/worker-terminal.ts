/**
 * One worker's terminal: owns the xterm.js instance, its addons, the worker socket and the
 * listeners, and disposes of all of them. Components only mount `element` and read `status`.
 */

import { FitAddon } from "@xterm/addon-fit";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal } from "@xterm/xterm";
import {
  Close,
  IMAGE_MAX_BYTES,
  isImageType,
  parseWorkerMessage,
  workerSocketPath,
  type WorkerClientMessage,
  type WorkerServerMessage,
} from "../protocol";
import { isDown, ReconnectingSocket, socketUrl, type SocketStatus } from "../socket";
import { base64Of, fitImage, ImageRefused, imageFiles, megabytes } from "./image-upload";
import { InputQueue } from "./input-queue";
import { keySequence, withCtrl, type KeyName } from "./keys";
import { planHistory, planOutput, type Plan } from "./offsets";
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
}

const FONT = '"DejaVu Sans Mono", ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace';

export class WorkerTerminal {
  readonly element: HTMLDivElement;
  private readonly term: Terminal;
  private readonly fitAddon = new FitAddon();
  private readonly socket: ReconnectingSocket;
  private readonly disposers: (() => void)[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly pending = new InputQueue();
  private rendered: number | null = null;
  private opened = false;
  private current: TerminalStatus;

  constructor(
    readonly sessionId: string,
    readonly workerId: string,
  ) {
    this.element = document.createElement("div");
    this.element.className = "terminal-host";
    this.element.dataset.workerId = workerId;
    const dark = window.matchMedia("(prefers-color-scheme: dark)");
    this.term = new Terminal({
      fontFamily: FONT,
      fontSize: window.innerWidth < 600 ? 12 : 14,
      lineHeight: 1.15,
      cursorBlink: true,
      scrollback: 10_000,
      allowProposedApi: false,
      theme: terminalTheme(dark.matches),
    });
    this.term.loadAddon(this.fitAddon);
    this.term.loadAddon(new WebLinksAddon());
    this.socket = new ReconnectingSocket({
      url: () => socketUrl(workerSocketPath(sessionId, workerId, this.rendered), window.location),
      onMessage: (raw) => this.onMessage(raw),
      onOpen: () => this.reconnected(),
      onStatus: (connection) => this.connectionChanged(connection),
      isFinal: (code) => code === Close.NORMAL || code === Close.NOT_FOUND,
    });
    this.current = { connection: this.socket.status, exit: null, notice: null, progress: null, ctrlArmed: false, queued: 0, refused: 0 };
    this.wire(dark);
  }

  get status(): TerminalStatus {
    return this.current;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens xterm.js in `element` (which must be in the document) and connects; idempotent. */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    this.term.open(this.element);
    this.fit();
    this.socket.start();
  }

  /** Fits the terminal to its element; a size change sends `resize` (via onResize). */
  fit(): void {
    if (!this.opened || this.element.clientWidth === 0 || this.element.clientHeight === 0) return;
    try {
      this.fitAddon.fit();
    } catch {
      // the renderer is not measured yet; the next ResizeObserver tick fits
    }
    this.element.dataset.cols = String(this.term.cols);
    this.element.dataset.rows = String(this.term.rows);
  }

  focus(): void {
    this.term.focus();
  }

  retryNow(): void {
    this.socket.retryNow();
  }

  /** A key from the on-screen key row. */
  pressKey(key: KeyName): void {
    this.sendInput(keySequence(key, this.term.modes.applicationCursorKeysMode));
    this.term.focus();
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
    this.socket.close();
    for (const dispose of this.disposers.splice(0)) dispose();
    this.term.dispose();
    this.listeners.clear();
  }

  private wire(dark: MediaQueryList): void {
    const subs = [
      this.term.onData((data) => this.typed(data)),
      this.term.onBinary((data) => this.sendInput(data)),
      this.term.onResize(() => this.sendSize()),
      this.term.onSelectionChange(() => this.copySelection()),
    ];
    this.disposers.push(() => subs.forEach((s) => s.dispose()));
    const observer = new ResizeObserver(() => this.fit());
    observer.observe(this.element);
    this.disposers.push(() => observer.disconnect());
    const onScheme = () => (this.term.options.theme = terminalTheme(dark.matches));
    dark.addEventListener("change", onScheme);
    this.disposers.push(() => dark.removeEventListener("change", onScheme));
    const onPaste = (event: ClipboardEvent) => this.paste(event);
    this.element.addEventListener("paste", onPaste, true);
    this.disposers.push(() => this.element.removeEventListener("paste", onPaste, true));
    const onDrag = (event: DragEvent) => this.drag(event);
    for (const type of ["dragover", "dragleave", "drop"] as const) {
      this.element.addEventListener(type, onDrag);
      this.disposers.push(() => this.element.removeEventListener(type, onDrag));
    }
  }

  private onMessage(raw: string): void {
    const message = parseWorkerMessage(raw);
    if (message !== null) this.handle(message);
  }

  private handle(message: WorkerServerMessage): void {
    switch (message.type) {
      case "history":
        return this.render(planHistory(this.rendered, message));
      case "output":
        if (this.current.exit !== null) this.update({ exit: null }); // the worker was restarted
        return this.render(planOutput(this.rendered, message));
      case "exit":
        return this.update({ exit: { exitCode: message.exitCode, signal: message.signal } });
      case "error":
        return this.update({ notice: message.message });
      case "activity":
        return; // the app socket's worker-activity drives every badge
    }
  }

  private render(plan: Plan): void {
    if (plan.reset) this.term.reset();
    if (plan.write !== "") this.term.write(plan.write);
    this.rendered = plan.rendered;
    this.element.dataset.offset = String(plan.rendered);
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
    const refused = this.pending.refused;
    const queued = this.pending.drain();
    if (queued !== "") this.send({ type: "input", data: queued });
    const notice = refused > 0 ? `${refused} characters typed while disconnected were not sent.` : this.current.notice;
    this.update({ queued: 0, refused: 0, notice });
  }

  /** While the socket is down the terminal looks offline: dimmed, no cursor. */
  private connectionChanged(connection: SocketStatus): void {
    const down = isDown(connection);
    this.element.classList.toggle("offline", down);
    this.term.options.cursorBlink = !down;
    if (connection.kind === "closed") this.pending.clear();
    this.update({ connection, queued: this.pending.queued, refused: this.pending.refused });
  }

  private sendSize(): void {
    this.element.dataset.cols = String(this.term.cols);
    this.element.dataset.rows = String(this.term.rows);
    this.send({ type: "resize", cols: this.term.cols, rows: this.term.rows });
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

  /** A pasted image is sent as `image` (text is left to xterm.js, which pastes it). */
  private paste(event: ClipboardEvent): void {
    const files = imageFiles(event.clipboardData);
    if (files.length === 0) return;
    event.preventDefault();
    event.stopPropagation();
    void this.sendImages(files);
  }

  /** An image file dropped on the terminal does what pasting it does. */
  private drag(event: DragEvent): void {
    if (!(event.dataTransfer?.types.includes("Files") ?? false)) return;
    event.preventDefault();
    this.element.classList.toggle("drop-target", event.type === "dragover");
    if (event.type !== "drop") return;
    const files = imageFiles(event.dataTransfer);
    if (files.length > 0) void this.sendImages(files);
    else this.update({ notice: "Only images can be dropped on a terminal." });
  }

  private async sendImages(files: File[]): Promise<void> {
    for (const file of files) {
      if (file.size > IMAGE_MAX_BYTES || !isImageType(file.type)) {
        this.update({ progress: `Making the ${megabytes(file.size)} image smaller to send it…` });
      }
      try {
        const image = await fitImage(file);
        const sent = this.send({ type: "image", data: await base64Of(image), mimeType: image.type });
        this.update({ notice: sent ? null : "Not connected: the image was not sent.", progress: null });
      } catch (error) {
        const why = error instanceof ImageRefused ? error.message : String(error);
        this.update({ notice: `The image was not sent. ${why}`, progress: null });
      }
    }
  }

  private update(patch: Partial<TerminalStatus>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener();
  }
}
