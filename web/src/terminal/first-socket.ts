/**
 * The worker socket of the terminal a page opens on, connected as the page starts.
 *
 * A page loaded at /sessions/:id/workers/:wid shows that worker's terminal once the session
 * chunk (with xterm.js) is loaded (whether or not the app state has arrived, see SessionPage);
 * its socket need not wait for it. main.tsx connects it at once (`connectFirst`) and what
 * arrives is held until the terminal claims it (`claimFirst`, its first connection, asking for
 * the same URL), so the handshake and the recent tail travel while the page is still loading.
 * Unclaimed after a while (the user went elsewhere), or holding too much, it is closed: the
 * terminal then connects as usual.
 */

import { workerSocketPath } from "../protocol";
import { socketUrl, type WebSocketLike } from "../socket";

/** How much recent output a terminal opens with (`?tail=`): a few screens (14 of plain
 * 100-column text, fewer of a colourful TUI). Its parse is what opening a long history costs
 * over an empty terminal, so it stays small (see bench/browser.py). */
export const TAIL_BYTES = 64 * 1024;

/** How long a first socket waits for its terminal. */
export const UNCLAIMED_MS = 10_000;
/** The most characters a first socket holds before it gives up (a flood while loading). */
export const HELD_LIMIT = 1024 * 1024;

/** The URL a terminal opens its worker's socket with: the recent tail, no offset yet. */
export function firstUrl(sessionId: string, workerId: string, location: { protocol: string; host: string }): string {
  return socketUrl(workerSocketPath(sessionId, workerId, null, TAIL_BYTES), location);
}

type Event = { kind: "open" } | { kind: "message"; data: unknown } | { kind: "close"; code: number; reason: string };

/**
 * A socket whose events are held until it is claimed, then replayed in order (after the
 * claimer's task, once it has set its handlers) and passed on live from then on.
 */
export class HeldSocket implements WebSocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  private held: Event[] | null = [];
  private heldChars = 0;

  constructor(
    private readonly ws: WebSocketLike,
    private readonly overflow: () => void,
  ) {
    ws.onopen = () => this.event({ kind: "open" });
    ws.onmessage = (ev) => this.event({ kind: "message", data: ev.data });
    ws.onclose = (ev) => this.event({ kind: "close", code: ev.code, reason: ev.reason });
    ws.onerror = () => undefined; // a close event always follows
  }

  get readyState(): number {
    return this.ws.readyState;
  }

  send(data: string): void {
    this.ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.held = null;
    this.ws.onopen = this.ws.onmessage = this.ws.onclose = null;
    this.ws.close(code, reason);
  }

  /** From now on events go to the handlers: the held ones after the current task's microtasks. */
  claim(): void {
    queueMicrotask(() => {
      const held = this.held ?? [];
      this.held = null;
      for (const event of held) this.dispatch(event);
    });
  }

  private event(event: Event): void {
    if (this.held === null) return this.dispatch(event);
    this.held.push(event);
    if (event.kind === "message" && typeof event.data === "string") this.heldChars += event.data.length;
    if (this.heldChars > HELD_LIMIT) this.overflow();
  }

  private dispatch(event: Event): void {
    if (event.kind === "open") this.onopen?.({});
    else if (event.kind === "message") this.onmessage?.({ data: event.data });
    else this.onclose?.({ code: event.code, reason: event.reason });
  }
}

let first: { url: string; socket: HeldSocket; timer: ReturnType<typeof setTimeout> } | null = null;

/** Connects `url` now, for the terminal that will ask for it (see claimFirst). */
export function connectFirst(url: string, create: (url: string) => WebSocketLike = (u) => new WebSocket(u) as WebSocketLike): void {
  dropFirst();
  const socket = new HeldSocket(create(url), dropFirst);
  first = { url, socket, timer: setTimeout(dropFirst, UNCLAIMED_MS) };
}

/** The socket connected for `url` at the page's start, once; null if there is none (any more). */
export function claimFirst(url: string): WebSocketLike | null {
  if (first === null || first.url !== url) return null;
  const { socket, timer } = first;
  first = null;
  clearTimeout(timer);
  socket.claim();
  return socket;
}

function dropFirst(): void {
  if (first === null) return;
  clearTimeout(first.timer);
  first.socket.close(1000, "client closed");
  first = null;
}
