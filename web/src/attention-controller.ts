/**
 * Shows what needs attention wherever the user is: the tab's title and favicon, and desktop
 * notifications (when allowed) that open the worker on click. The decisions are attention.ts's.
 */

import type { AppConnection } from "./app-connection";
import {
  composeTitle,
  emptyMemory,
  faviconSvg,
  markSeen,
  notificationTag,
  observe,
  summarize,
  type AttentionEvent,
  type AttentionMemory,
} from "./attention";
import { sessionLabel } from "./groups";
import type { AppState } from "./state";

export class AttentionController {
  private memory: AttentionMemory = emptyMemory;
  private baseTitle = "Agent Console";
  private viewing: { sessionId: string; workerId: string | null } | null = null;
  private readonly icon: HTMLLinkElement;
  private readonly unsubscribe: () => void;
  private lastIcon = "";

  constructor(
    private readonly app: AppConnection,
    private readonly open: (sessionId: string, workerId: string) => void,
  ) {
    this.icon = faviconLink();
    const unsubscribe = app.subscribe(() => this.refresh());
    // Coming back to the tab counts as seeing the session on screen.
    const onVisible = () => {
      this.clearViewed();
      this.paint();
    };
    document.addEventListener("visibilitychange", onVisible);
    this.unsubscribe = () => {
      unsubscribe();
      document.removeEventListener("visibilitychange", onVisible);
    };
    this.refresh();
  }

  /** The page's own title, before attention marks. */
  setBaseTitle(title: string): void {
    this.baseTitle = title;
    this.paint();
  }

  /** The session (and worker) on screen: their "done" marks clear, and they do not notify. */
  setViewing(sessionId: string | null, workerId: string | null = null): void {
    this.viewing = sessionId === null ? null : { sessionId, workerId };
    this.clearViewed();
    this.paint();
  }

  dispose(): void {
    this.unsubscribe();
  }

  private refresh(): void {
    const state = this.app.getState();
    if (!state.synced) return;
    const result = observe(this.memory, state.activity);
    this.memory = result.memory;
    for (const event of result.events) this.notify(event, state);
    this.clearViewed();
    this.paint();
  }

  private clearViewed(): void {
    if (this.viewing === null || document.visibilityState !== "visible") return;
    const prefix = `${this.viewing.sessionId}/`;
    this.memory = markSeen(this.memory, [...this.memory.done].filter((k) => k.startsWith(prefix)));
  }

  private paint(): void {
    const summary = summarize(this.memory);
    document.title = composeTitle(this.baseTitle, summary);
    const svg = faviconSvg(summary);
    if (svg !== this.lastIcon) {
      this.lastIcon = svg;
      this.icon.href = `data:image/svg+xml,${encodeURIComponent(svg)}`;
    }
  }

  private notify(event: AttentionEvent, state: AppState): void {
    if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
    const [sessionId = "", workerId = ""] = event.key.split("/");
    if (this.isWatching(sessionId, workerId)) return;
    const session = state.sessions.find((s) => s.id === sessionId);
    const worker = session?.workers.find((w) => w.id === workerId);
    if (session === undefined || worker === undefined) return;
    const verb = event.kind === "asking" ? "is asking for input" : "has finished";
    const notification = new Notification(`${worker.name} ${verb}`, {
      body: `${sessionLabel(session)} — ${session.locationPath}`,
      tag: notificationTag(event),
    });
    notification.onclick = () => {
      window.focus();
      this.open(sessionId, workerId);
      notification.close();
    };
  }

  private isWatching(sessionId: string, workerId: string): boolean {
    const v = this.viewing;
    return v !== null && v.sessionId === sessionId && v.workerId === workerId && document.hasFocus();
  }
}

function faviconLink(): HTMLLinkElement {
  const existing = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (existing !== null) return existing;
  const link = document.createElement("link");
  link.rel = "icon";
  link.type = "image/svg+xml";
  document.head.appendChild(link);
  return link;
}
