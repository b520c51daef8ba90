/**
 * Shows what needs attention wherever the user is: the tab's title and favicon, and desktop
 * notifications (when allowed) that open the worker on click. The decisions are attention.ts's;
 * what needs attention is the server's word (each worker's `attention`, the same on every device).
 */

import type { AppConnection } from "./app-connection";
import {
  attentionOf,
  composeTitle,
  emptyMemory,
  faviconSvg,
  notificationTag,
  observe,
  summarize,
  type AttentionEvent,
  type AttentionMemory,
} from "./attention";
import { sessionLabel } from "./groups";
import type { AppState } from "./state";

const VERB: Record<AttentionEvent["kind"], string> = {
  asking: "is asking for input",
  finished: "has finished",
  failed: "has failed",
};

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
    this.unsubscribe = app.subscribe(() => this.refresh());
    this.refresh();
  }

  /** The page's own title, before attention marks. */
  setBaseTitle(title: string): void {
    this.baseTitle = title;
    this.paint();
  }

  /** The worker on screen: it does not notify while the page has the focus. */
  setViewing(sessionId: string | null, workerId: string | null = null): void {
    this.viewing = sessionId === null ? null : { sessionId, workerId };
  }

  dispose(): void {
    this.unsubscribe();
  }

  private refresh(): void {
    const state = this.app.getState();
    if (!state.synced) return;
    const attention = attentionOf(state);
    const result = observe(this.memory, attention);
    this.memory = result.memory;
    for (const event of result.events) this.notify(event, state);
    this.paint();
  }

  private paint(): void {
    const summary = summarize(this.memory.last);
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
    const verb = VERB[event.kind];
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
