/**
 * The one `/ws/app` connection of the page: owns the socket and the app state built from its
 * messages by the pure reducer. It lives for the whole page, across route changes.
 */

import { api } from "./api";
import { APP_SOCKET_PATH, parseAppMessage, type AppClientMessage } from "./protocol";
import { ReconnectingSocket, socketUrl, type SocketStatus } from "./socket";
import { initialState, reduce, type AppState } from "./state";

export class AppConnection {
  private state: AppState = initialState;
  private readonly listeners = new Set<() => void>();
  private readonly socket: ReconnectingSocket;
  /** True when the server refuses us: the page shows how to log in. */
  authRequired = false;

  constructor(location: { protocol: string; host: string }) {
    this.socket = new ReconnectingSocket({
      url: () => socketUrl(APP_SOCKET_PATH, location),
      onMessage: (raw) => this.onMessage(raw),
      onOpen: () => this.setAuthRequired(false),
      onStatus: () => this.emit(),
      onClose: (_code, opened) => {
        if (!opened) void this.probeAuth();
      },
    });
  }

  start(): void {
    this.socket.start();
  }

  stop(): void {
    this.socket.close();
  }

  getState(): AppState {
    return this.state;
  }

  get status(): SocketStatus {
    return this.socket.status;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks for a fresh `sessions-sync` if the socket is open (on open the server sends one). */
  requestSync(): boolean {
    const message: AppClientMessage = { type: "request-sync" };
    return this.socket.send(JSON.stringify(message));
  }

  retryNow(): void {
    this.socket.retryNow();
  }

  setAuthRequired(value: boolean): void {
    if (this.authRequired === value) return;
    this.authRequired = value;
    this.emit();
  }

  private onMessage(raw: string): void {
    const message = parseAppMessage(raw);
    if (message === null) return;
    // For the dashboard benchmark: when the picture arrived, apart from when it was painted.
    if (message.type === "sessions-sync" && !this.state.synced) performance.mark("agent-console:first-sync");
    const next = reduce(this.state, message);
    if (next === this.state) return;
    this.state = next;
    this.emit();
  }

  /** A refused handshake looks like any network failure; a REST call tells whether it is auth. */
  private async probeAuth(): Promise<void> {
    try {
      await api.listSessions();
    } catch (error) {
      if (error instanceof Error && "unauthorized" in error && error.unauthorized === true) {
        this.setAuthRequired(true);
      }
    }
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
