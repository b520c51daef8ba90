/**
 * A WebSocket that reconnects with the seed's backoff; it knows no DOM and no message format.
 *
 * The URL is asked for on every attempt (the worker socket adds `?offset=` of the last byte it
 * rendered). Close codes that `isFinal` accepts end the connection for good; every other close
 * schedules a retry after backoffDelay(n), n counting failures since the last successful open.
 */

import { backoffDelay } from "./backoff";

export type SocketStatus =
  | { kind: "connecting"; attempt: number }
  | { kind: "open" }
  | { kind: "waiting"; attempt: number; retryAt: number; code: number }
  | { kind: "closed"; code: number; reason: string };

/** The part of the browser's WebSocket this class uses (so tests can hand in a fake). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface SocketOptions {
  url: () => string;
  onMessage: (data: string) => void;
  onOpen?: () => void;
  onStatus?: (status: SocketStatus) => void;
  /** Called on every close; `opened` says whether the handshake had succeeded. */
  onClose?: (code: number, opened: boolean) => void;
  isFinal?: (code: number) => boolean;
  random?: () => number;
  now?: () => number;
  createSocket?: (url: string) => WebSocketLike;
}

const OPEN = 1;

export class ReconnectingSocket {
  private ws: WebSocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private stopped = false;
  private current: SocketStatus = { kind: "connecting", attempt: 0 };

  constructor(private readonly opts: SocketOptions) {}

  get status(): SocketStatus {
    return this.current;
  }

  get isOpen(): boolean {
    return this.ws !== null && this.ws.readyState === OPEN && this.current.kind === "open";
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Sends a text frame if the socket is open; says whether it did. */
  send(data: string): boolean {
    if (!this.isOpen || this.ws === null) return false;
    this.ws.send(data);
    return true;
  }

  /** Skips the rest of the backoff wait ("Retry now"). */
  retryNow(): void {
    if (this.stopped || this.current.kind !== "waiting") return;
    this.clearTimer();
    this.connect();
  }

  /** Drops the current connection and connects again at once (asking for the URL anew). */
  reconnect(): void {
    if (this.stopped) return;
    this.clearTimer();
    this.detach();
    this.connect();
  }

  /** Teardown: cancels any pending retry and closes the socket for good. */
  close(): void {
    this.stopped = true;
    this.clearTimer();
    this.detach();
    this.setStatus({ kind: "closed", code: 1000, reason: "client closed" });
  }

  private detach(): void {
    const ws = this.ws;
    this.ws = null;
    if (ws !== null) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      ws.close(1000, "client closed");
    }
  }

  private connect(): void {
    this.setStatus({ kind: "connecting", attempt: this.failures });
    const create = this.opts.createSocket ?? ((url: string) => new WebSocket(url) as WebSocketLike);
    const ws = create(this.opts.url());
    let opened = false;
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      opened = true;
      this.failures = 0;
      this.setStatus({ kind: "open" });
      this.opts.onOpen?.();
    };
    ws.onmessage = (ev) => {
      if (this.ws === ws && typeof ev.data === "string") this.opts.onMessage(ev.data);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.opts.onClose?.(ev.code, opened);
      this.afterClose(ev.code, ev.reason);
    };
    ws.onerror = () => undefined; // a close event always follows
  }

  private afterClose(code: number, reason: string): void {
    if (this.stopped) return;
    if (this.opts.isFinal?.(code)) {
      this.stopped = true;
      this.setStatus({ kind: "closed", code, reason });
      return;
    }
    const attempt = this.failures;
    const delay = backoffDelay(attempt, this.opts.random);
    this.failures += 1;
    const now = this.opts.now ?? Date.now;
    this.setStatus({ kind: "waiting", attempt, retryAt: now() + delay, code });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private setStatus(status: SocketStatus): void {
    this.current = status;
    this.opts.onStatus?.(status);
  }
}

/** Whether the connection is down: lost and waiting, retrying, or closed for good (not the
 * first connection attempt, which is simply not up yet). */
export function isDown(status: SocketStatus): boolean {
  return status.kind === "waiting" || status.kind === "closed" || (status.kind === "connecting" && status.attempt > 0);
}

/** `ws://` or `wss://` plus the page's host: the cookie set at login rides along. */
export function socketUrl(path: string, location: { protocol: string; host: string }): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}
