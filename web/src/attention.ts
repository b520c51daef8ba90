/**
 * What needs the user's attention (pure): agents asking, agents that just finished.
 *
 * `observe` diffs the app's activity map against what it saw last, so each real change yields
 * exactly one event however often the same state is reported (a re-sync, a reconnect, a second
 * message). The first observation only primes the memory: loading the page notifies nothing.
 */

import type { ActivityState } from "./protocol";

export interface AttentionEvent {
  kind: "asking" | "finished";
  key: string; // sessionId/workerId
}

export interface AttentionMemory {
  primed: boolean;
  last: Readonly<Record<string, ActivityState>>;
  /** Agents that finished (active → idle) and whose session the user has not looked at since. */
  done: ReadonlySet<string>;
}

export const emptyMemory: AttentionMemory = { primed: false, last: {}, done: new Set() };

export function observe(
  memory: AttentionMemory,
  activity: Readonly<Record<string, ActivityState>>,
): { memory: AttentionMemory; events: AttentionEvent[] } {
  const events: AttentionEvent[] = [];
  const done = new Set<string>();
  for (const [key, next] of Object.entries(activity)) {
    const prev = memory.last[key] ?? "unknown";
    if (memory.primed && next === "asking" && prev !== "asking") events.push({ kind: "asking", key });
    const finished = memory.primed && prev === "active" && next === "idle";
    if (finished) events.push({ kind: "finished", key });
    if (next === "idle" && (finished || memory.done.has(key))) done.add(key);
  }
  return { memory: { primed: true, last: { ...activity }, done }, events };
}

/** The user looked at these workers: their "finished" marks go away. */
export function markSeen(memory: AttentionMemory, keys: readonly string[]): AttentionMemory {
  if (!keys.some((k) => memory.done.has(k))) return memory;
  const done = new Set(memory.done);
  for (const key of keys) done.delete(key);
  return { ...memory, done };
}

export interface AttentionSummary {
  asking: number;
  done: number;
}

export function summarize(memory: AttentionMemory): AttentionSummary {
  const asking = Object.values(memory.last).filter((s) => s === "asking").length;
  return { asking, done: memory.done.size };
}

/** The browser tab's title: attention first, so it shows in a narrow tab strip. */
export function composeTitle(base: string, summary: AttentionSummary): string {
  const parts: string[] = [];
  if (summary.asking > 0) parts.push(`(${summary.asking}) asking`);
  if (summary.done > 0) parts.push(`(${summary.done}) done`);
  return parts.length === 0 ? base : `${parts.join(" · ")} — ${base}`;
}

/** The favicon as SVG: a terminal prompt, with an amber dot when asking, green when done. */
export function faviconSvg(summary: AttentionSummary): string {
  const dot =
    summary.asking > 0 ? "#f59e0b" : summary.done > 0 ? "#22c55e" : null;
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
