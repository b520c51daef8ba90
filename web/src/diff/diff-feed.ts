/**
 * One git-diff worker's live diff: owns its worker socket and the REST fetches of its diff.
 *
 * The socket sends `history` (empty) on every (re)connect, then `diff-changed` once the server's
 * file watcher is ready and after every change of the worktree's files; each of these fetches the
 * diff again. Fetches never overlap: a change that arrives while one runs queues exactly one more,
 * so a burst of file events costs at most two fetches.
 */

import { api } from "../api";
import type { WorktreeDiff } from "../api";
import { Close, parseWorkerMessage, workerSocketPath } from "../protocol";
import { ReconnectingSocket, socketUrl, type SocketStatus, type WebSocketLike } from "../socket";

export interface DiffStatus {
  connection: SocketStatus;
  diff: WorktreeDiff | null;
  /** What went wrong with the last fetch, or null. */
  error: string | null;
  loading: boolean;
  /** How many diffs have been loaded (a new one re-renders the view). */
  loads: number;
}

export interface DiffFeedOptions {
  load?: () => Promise<WorktreeDiff>;
  location?: { protocol: string; host: string };
  createSocket?: (url: string) => WebSocketLike;
}

export class DiffFeed {
  private readonly socket: ReconnectingSocket;
  private readonly load: () => Promise<WorktreeDiff>;
  private readonly listeners = new Set<() => void>();
  private current: DiffStatus;
  private running = false;
  private queued = false;
  private disposed = false;

  constructor(
    readonly sessionId: string,
    readonly workerId: string,
    options: DiffFeedOptions = {},
  ) {
    this.load = options.load ?? (() => api.getDiff(sessionId, workerId));
    const location = options.location ?? window.location;
    this.socket = new ReconnectingSocket({
      url: () => socketUrl(workerSocketPath(sessionId, workerId, null), location),
      onMessage: (raw) => this.onMessage(raw),
      onStatus: (connection) => this.update({ connection }),
      isFinal: (code) => code === Close.NORMAL || code === Close.NOT_FOUND,
      ...(options.createSocket === undefined ? {} : { createSocket: options.createSocket }),
    });
    this.current = { connection: this.socket.status, diff: null, error: null, loading: false, loads: 0 };
  }

  get status(): DiffStatus {
    return this.current;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.socket.start();
  }

  retryNow(): void {
    this.socket.retryNow();
  }

  /** Fetches the diff now, or once more after the fetch in flight. */
  refresh(): void {
    if (this.disposed) return;
    if (this.running) {
      this.queued = true;
      return;
    }
    this.running = true;
    this.update({ loading: true });
    this.load().then(
      (diff) => this.finish({ diff, error: null, loads: this.current.loads + 1 }),
      (error: unknown) => this.finish({ error: error instanceof Error ? error.message : String(error) }),
    );
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.socket.close();
  }

  private finish(patch: Partial<DiffStatus>): void {
    this.running = false;
    if (this.disposed) return;
    this.update({ ...patch, loading: this.queued });
    if (this.queued) {
      this.queued = false;
      this.refresh();
    }
  }

  private onMessage(raw: string): void {
    const message = parseWorkerMessage(raw);
    if (message === null) return;
    if (message.type === "history" || message.type === "diff-changed") this.refresh();
    else if (message.type === "error") this.update({ error: message.message });
  }

  private update(patch: Partial<DiffStatus>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener();
  }
}
