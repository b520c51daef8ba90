/**
 * What the dashboard shows of every worker, and in which order (pure): each worker's state and
 * attention, the "needs you" list (asking, then finished, then failed — longest waiting first),
 * the header counts, and the filters by state, repository and agent.
 */

import type { ActivityState, Attention, Question, Session, Worker, WorkerPreview } from "./protocol";
import { activityKey, type AppState } from "./state";

/** What a worker's mark says: an agent's activity, or how its process ended. */
export type WorkerState = "asking" | "working" | "idle" | "unknown" | "running" | "exited" | "failed" | "diff";

export interface WorkerEntry {
  key: string;
  session: Session;
  worker: Worker;
  /** The registered repository the session belongs to (a quick session in its checkout too). */
  repositoryId: string | undefined;
  /** An agent worker's agent, by name (when the agents are known). */
  agentName: string | undefined;
  state: WorkerState;
  attention: Attention | null;
  /** ISO time since when it needs the user (null: it does not). */
  since: string | null;
  preview: WorkerPreview | undefined;
  /** The last line of its screen that says something ("" when none). */
  lastLine: string;
  /** ISO time of its last output or change of state, whichever is later (null: unknown). */
  lastChange: string | null;
}

export const ATTENTION_ORDER: readonly Attention[] = ["asking", "finished", "failed"];

export function workerState(worker: Worker, activity: ActivityState): WorkerState {
  if (worker.type === "git-diff") return "diff";
  if (worker.status === "exited") return failed(worker) ? "failed" : "exited";
  if (worker.type === "terminal") return "running";
  return activity === "active" ? "working" : activity;
}

/** The question a worker asks now, which its answer buttons answer (a card, "Needs you", the bar
 * under its terminal); null when it is not asking. */
export function openQuestion(worker: Worker): Question | null {
  return worker.attention === "asking" ? (worker.question ?? null) : null;
}

/** An exit that went wrong: a non-zero code or a signal. */
export function failed(worker: Worker): boolean {
  return worker.status === "exited" && ((worker.exitCode ?? 0) !== 0 || (worker.signal ?? null) !== null);
}

export function entries(
  state: AppState,
  repositoryOf: (session: Session) => string | undefined = (s) => s.repositoryId,
  agentName: (agentId: string) => string | undefined = () => undefined,
): WorkerEntry[] {
  const list: WorkerEntry[] = [];
  for (const session of state.sessions) {
    const repositoryId = repositoryOf(session);
    for (const worker of session.workers) {
      const key = activityKey(session.id, worker.id);
      const activity = state.activity[key] ?? "unknown";
      const preview = state.previews[key];
      list.push({
        key,
        session,
        worker,
        repositoryId,
        agentName: worker.type === "agent" ? agentName(worker.agentId) : undefined,
        state: workerState(worker, activity),
        attention: worker.attention ?? null,
        since: worker.attentionSince ?? null,
        preview,
        lastLine: meaningfulLines(preview?.lines ?? [], 1)[0] ?? "",
        lastChange: later(preview?.at ?? null, worker.stateChangedAt ?? null),
      });
    }
  }
  return list;
}

function later(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * The last `count` lines of a screen that say something: blank lines and lines of only rules,
 * box drawing or punctuation (a frame, a separator, a bare prompt) are skipped.
 */
export function meaningfulLines(lines: readonly string[], count: number): string[] {
  const found: string[] = [];
  for (let i = lines.length - 1; i >= 0 && found.length < count; i -= 1) {
    const line = (lines[i] ?? "").replace(/[\u2500-\u259f]+/g, " ").replace(/\s+/g, " ").trim();
    if (/[\p{L}\p{N}]/u.test(line)) found.unshift(line);
  }
  return found;
}

/** Every worker that needs the user: asking, then finished, then failed; longest waiting first. */
export function needsYou(all: readonly WorkerEntry[]): WorkerEntry[] {
  const rank = (e: WorkerEntry) => ATTENTION_ORDER.indexOf(e.attention ?? "failed");
  return all
    .filter((e) => e.attention !== null)
    .sort((a, b) => rank(a) - rank(b) || (a.since ?? "").localeCompare(b.since ?? "") || a.key.localeCompare(b.key));
}

const STATE_ORDER: Record<WorkerState, number> = {
  asking: 0, failed: 1, working: 2, idle: 3, unknown: 4, running: 5, exited: 6, diff: 7,
};

/** The list view's order: what needs you first (as needsYou), then by state, then as given. */
export function listOrder(all: readonly WorkerEntry[]): WorkerEntry[] {
  const attentionRank = (e: WorkerEntry) => (e.attention === null ? ATTENTION_ORDER.length : ATTENTION_ORDER.indexOf(e.attention));
  return all
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) =>
      attentionRank(a.entry) - attentionRank(b.entry) || STATE_ORDER[a.entry.state] - STATE_ORDER[b.entry.state] || a.index - b.index,
    )
    .map((x) => x.entry);
}

export type AttentionCounts = Record<Attention, number>;

export function countAttention(all: readonly WorkerEntry[]): AttentionCounts {
  const counts: AttentionCounts = { asking: 0, finished: 0, failed: 0 };
  for (const e of all) if (e.attention !== null) counts[e.attention] += 1;
  return counts;
}

/**
 * The next worker that needs the user after `current` (a key, or null), in needs-you order and
 * wrapping around; null when nothing else needs them.
 */
export function nextNeedingYou(all: readonly WorkerEntry[], current: string | null): WorkerEntry | null {
  const queue = needsYou(all);
  const at = queue.findIndex((e) => e.key === current);
  const next = queue[(at + 1) % Math.max(queue.length, 1)];
  return next === undefined || next.key === current ? null : next;
}

// --- filters --------------------------------------------------------------------------------

export const STATE_FILTERS = ["all", "attention", "asking", "finished", "failed", "working", "idle", "exited"] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];

/** "all", a repository id, or "quick" (sessions with no repository). */
export type RepositoryFilter = string;
/** "all", an agent id, or "terminal". */
export type AgentFilter = string;

export interface Filters {
  state: StateFilter;
  repository: RepositoryFilter;
  agent: AgentFilter;
}

export const noFilters: Filters = { state: "all", repository: "all", agent: "all" };

export function isFiltered(filters: Filters): boolean {
  return filters.state !== "all" || filters.repository !== "all" || filters.agent !== "all";
}

export function matches(entry: WorkerEntry, filters: Filters): boolean {
  return matchesState(entry, filters.state) && matchesRepository(entry.repositoryId, filters.repository) && matchesAgent(entry.worker, filters.agent);
}

function matchesState(entry: WorkerEntry, filter: StateFilter): boolean {
  switch (filter) {
    case "all":
      return true;
    case "attention":
      return entry.attention !== null;
    case "asking":
    case "finished":
      return entry.attention === filter;
    case "failed":
      return entry.attention === "failed" || entry.state === "failed";
    case "exited":
      return entry.state === "exited" || entry.state === "failed";
    case "working":
    case "idle":
      return entry.state === filter;
  }
}

function matchesRepository(repositoryId: string | undefined, filter: RepositoryFilter): boolean {
  if (filter === "all") return true;
  if (filter === "quick") return repositoryId === undefined;
  return repositoryId === filter;
}

function matchesAgent(worker: Worker, filter: AgentFilter): boolean {
  if (filter === "all") return true;
  if (filter === "terminal") return worker.type === "terminal";
  return worker.type === "agent" && worker.agentId === filter;
}

/** The sessions with at least one worker the filters let through (all of them when unfiltered). */
export function visibleSessionIds(all: readonly WorkerEntry[], filters: Filters): Set<string> | null {
  if (!isFiltered(filters)) return null;
  const ids = new Set<string>();
  for (const e of all) if (matches(e, filters)) ids.add(e.session.id);
  return ids;
}
