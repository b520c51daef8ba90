/**
 * What needs the user's attention, as the server says it (each worker's `attention`), turned into
 * the tab's title and favicon and into one notification per change (pure).
 *
 * `observe` diffs the attention of every worker against what it saw last, so each real change
 * yields exactly one event however often the same state is reported (a re-sync, a reconnect, a
 * second message). The first observation only primes the memory: loading the page notifies nothing.
 */

import type { Attention } from "./protocol";
import { activityKey, type AppState } from "./state";

export interface AttentionEvent {
  kind: Attention;
  key: string; // sessionId/workerId
}

export interface AttentionMemory {
  primed: boolean;
  last: Readonly<Record<string, Attention>>;
}

export const emptyMemory: AttentionMemory = { primed: false, last: {} };

/** Every worker that needs the user, by key. */
export function attentionOf(state: AppState): Record<string, Attention> {
  const found: Record<string, Attention> = {};
  for (const session of state.sessions) {
    for (const worker of session.workers) {
      if (worker.attention !== undefined && worker.attention !== null) found[activityKey(session.id, worker.id)] = worker.attention;
    }
  }
  return found;
}

export function observe(
  memory: AttentionMemory,
  attention: Readonly<Record<string, Attention>>,
): { memory: AttentionMemory; events: AttentionEvent[] } {
  const events: AttentionEvent[] = [];
  if (memory.primed) {
    for (const [key, kind] of Object.entries(attention)) if (memory.last[key] !== kind) events.push({ kind, key });
  }
  return { memory: { primed: true, last: { ...attention } }, events };
}

export interface AttentionSummary {
  asking: number;
  done: number;
  failed: number;
}

export function summarize(attention: Readonly<Record<string, Attention>>): AttentionSummary {
  const summary: AttentionSummary = { asking: 0, done: 0, failed: 0 };
  for (const kind of Object.values(attention)) {
    if (kind === "asking") summary.asking += 1;
    else if (kind === "finished") summary.done += 1;
    else summary.failed += 1;
  }
  return summary;
}

/** The browser tab's title: attention first, so it shows in a narrow tab strip. */
export function composeTitle(base: string, summary: AttentionSummary): string {
  const parts: string[] = [];
  if (summary.asking > 0) parts.push(`(${summary.asking}) asking`);
  if (summary.done > 0) parts.push(`(${summary.done}) done`);
  if (summary.failed > 0) parts.push(`(${summary.failed}) failed`);
  return parts.length === 0 ? base : `${parts.join(" · ")} — ${base}`;
}

/** The favicon as SVG: a terminal prompt, with a dot of the most urgent state — amber asking,
 * red failed, green done. */
export function faviconSvg(summary: AttentionSummary): string {
  const dot = summary.asking > 0 ? "#f59e0b" : summary.failed > 0 ? "#ef4444" : summary.done > 0 ? "#22c55e" : null;
  const badge = dot === null ? "" : `<circle cx="25" cy="7" r="6.5" fill="${dot}" stroke="#0f1115" stroke-width="2"/>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
    `<rect x="1" y="3" width="30" height="26" rx="6" fill="#1b1f27"/>` +
    `<path d="M8 11l6 5-6 5" fill="none" stroke="#7dd3fc" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>` +
    `<path d="M16 22h8" stroke="#e5e7eb" stroke-width="3" stroke-linecap="round"/>` +
    badge +
    `</svg>`
  );
}

/** One notification per change even across browser tabs: the OS replaces same-tag ones. */
export function notificationTag(event: AttentionEvent): string {
  return `agent-console:${event.kind}:${event.key}`;
}
