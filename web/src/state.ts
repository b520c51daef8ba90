/**
 * The app-wide state the `/ws/app` messages build, as a pure reducer.
 *
 * Applying every message to the last `sessions-sync` gives exactly what a new `sessions-sync`
 * would (SPEC §3). Activity and screen previews are keyed by `sessionId/workerId` and kept only
 * for workers that exist.
 */

import type { ActivityState, AppServerMessage, Session, Worker, WorkerActivityInfo, WorkerAttentionInfo, WorkerPreview } from "./protocol";

export interface AppState {
  /** False until the first `sessions-sync` arrives: the dashboard shows a placeholder. */
  synced: boolean;
  sessions: readonly Session[];
  activity: Readonly<Record<string, ActivityState>>;
  previews: Readonly<Record<string, WorkerPreview>>;
}

export const initialState: AppState = { synced: false, sessions: [], activity: {}, previews: {} };

export function activityKey(sessionId: string, workerId: string): string {
  return `${sessionId}/${workerId}`;
}

export function reduce(state: AppState, message: AppServerMessage): AppState {
  switch (message.type) {
    case "sessions-sync":
      return keepUnchanged(state, sync(message.sessions, message.activityStates, message.previews ?? []));
    case "session-created":
    case "session-updated":
      return upsert(state, message.session);
    case "session-deleted":
      return remove(state, message.sessionId);
    case "worker-activity":
      return setActivity(state, message);
    case "worker-preview":
      return setPreview(state, message);
    default:
      return state;
  }
}

function sync(sessions: Session[], infos: WorkerActivityInfo[], shown: WorkerPreview[]): AppState {
  const activity: Record<string, ActivityState> = {};
  for (const info of infos) activity[activityKey(info.sessionId, info.workerId)] = info.activityState;
  const previews: Record<string, WorkerPreview> = {};
  for (const p of shown) previews[activityKey(p.sessionId, p.workerId)] = preview(p);
  const live = liveKeys(sessions);
  return { synced: true, sessions: [...sessions], activity: prune(activity, live), previews: prune(previews, live) };
}

/**
 * A sync after a reconnect mostly repeats what the client holds: sessions that did not change
 * keep their objects, so the views that show them need not render again.
 */
function keepUnchanged(before: AppState, after: AppState): AppState {
  const old = new Map(before.sessions.map((s) => [s.id, s]));
  const sessions = after.sessions.map((s) => {
    const previous = old.get(s.id);
    return previous !== undefined && JSON.stringify(previous) === JSON.stringify(s) ? previous : s;
  });
  const previews: Record<string, WorkerPreview> = {};
  for (const [key, p] of Object.entries(after.previews)) {
    const previous = before.previews[key];
    previews[key] = previous !== undefined && previous.at === p.at && previous.lines.join("\n") === p.lines.join("\n") ? previous : p;
  }
  return { ...after, sessions, previews };
}

function upsert(state: AppState, session: Session): AppState {
  const index = state.sessions.findIndex((s) => s.id === session.id);
  const sessions =
    index < 0 ? [...state.sessions, session] : state.sessions.map((s, i) => (i === index ? session : s));
  return withSessions(state, sessions);
}

function remove(state: AppState, sessionId: string): AppState {
  const sessions = state.sessions.filter((s) => s.id !== sessionId);
  if (sessions.length === state.sessions.length) return state;
  return withSessions(state, sessions);
}

function withSessions(state: AppState, sessions: readonly Session[]): AppState {
  const live = liveKeys(sessions);
  return { ...state, sessions, activity: prune(state.activity, live), previews: prune(state.previews, live) };
}

/** A new activity, and with it the worker's attention and state time (the server's Worker
 * fields, so the session held is what a sync would give). */
function setActivity(state: AppState, info: WorkerActivityInfo & WorkerAttentionInfo): AppState {
  const key = activityKey(info.sessionId, info.workerId);
  const sessions = withActivityFields(patchWorker(state.sessions, info), info);
  if (state.activity[key] === info.activityState && sessions === state.sessions) return state;
  return { ...state, sessions, activity: { ...state.activity, [key]: info.activityState } };
}

/** The worker as a new sync would show it: its `activityReason` and `question` are the
 * message's (a question only while asking). */
function withActivityFields(sessions: readonly Session[], info: WorkerActivityInfo): readonly Session[] {
  if (info.reason === undefined && info.question === undefined) return sessions;
  const reason = info.reason ?? undefined;
  const question = info.question ?? undefined;
  const index = sessions.findIndex((s) => s.id === info.sessionId);
  const session = sessions[index];
  const worker = session?.workers.find((w) => w.id === info.workerId);
  if (session === undefined || worker === undefined) return sessions;
  if (worker.activityReason === reason && JSON.stringify(worker.question) === JSON.stringify(question)) {
    return sessions;
  }
  const { activityReason: _reason, question: _question, ...rest } = worker;
  const updated = {
    ...rest,
    ...(reason !== undefined ? { activityReason: reason } : {}),
    ...(question !== undefined ? { question } : {}),
  } as typeof worker;
  const workers = session.workers.map((w) => (w === worker ? updated : w));
  return sessions.map((s, i) => (i === index ? { ...s, workers } : s));
}

function patchWorker(sessions: readonly Session[], info: WorkerActivityInfo & WorkerAttentionInfo): readonly Session[] {
  const patch: WorkerAttentionInfo = {};
  if (info.attention !== undefined) patch.attention = info.attention;
  if (info.attentionSince !== undefined) patch.attentionSince = info.attentionSince;
  if (info.stateChangedAt !== undefined) patch.stateChangedAt = info.stateChangedAt;
  if (Object.keys(patch).length === 0) return sessions;
  const index = sessions.findIndex((s) => s.id === info.sessionId);
  const session = sessions[index];
  const worker = session?.workers.find((w) => w.id === info.workerId);
  if (session === undefined || worker === undefined) return sessions;
  if (Object.entries(patch).every(([k, v]) => (worker[k as keyof WorkerAttentionInfo] ?? null) === (v ?? null))) return sessions;
  const workers = session.workers.map((w) => (w === worker ? withoutNulls({ ...w, ...patch }) : w));
  return sessions.map((s, i) => (i === index ? { ...session, workers } : s));
}

/** A preview of a worker that is not (or no longer) listed is dropped: a sync would not have it. */
function setPreview(state: AppState, message: WorkerPreview): AppState {
  const key = activityKey(message.sessionId, message.workerId);
  const session = state.sessions.find((s) => s.id === message.sessionId);
  if (session === undefined || !session.workers.some((w) => w.id === message.workerId)) return state;
  return { ...state, previews: { ...state.previews, [key]: preview(message) } };
}

/** The server leaves a field out rather than send null: a patched worker does the same. */
function withoutNulls(worker: Worker): Worker {
  const copy = { ...worker } as Record<string, unknown>;
  for (const key of ["attention", "attentionSince", "stateChangedAt"]) if (copy[key] === null) delete copy[key];
  return copy as unknown as Worker;
}

function preview(p: WorkerPreview): WorkerPreview {
  return { sessionId: p.sessionId, workerId: p.workerId, lines: p.lines, at: p.at };
}

function liveKeys(sessions: readonly Session[]): Set<string> {
  const live = new Set<string>();
  for (const s of sessions) for (const w of s.workers) live.add(activityKey(s.id, w.id));
  return live;
}

/** Drops entries of workers that are gone (a deleted session or removed worker). */
function prune<T>(entries: Readonly<Record<string, T>>, live: ReadonlySet<string>): Record<string, T> {
  const kept: Record<string, T> = {};
  for (const [key, value] of Object.entries(entries)) if (live.has(key)) kept[key] = value;
  return kept;
}

/** The activity of one worker: agents without a report yet are `unknown`. */
export function activityOf(state: AppState, sessionId: string, workerId: string): ActivityState {
  return state.activity[activityKey(sessionId, workerId)] ?? "unknown";
}

export function findSession(state: AppState, sessionId: string): Session | undefined {
  return state.sessions.find((s) => s.id === sessionId);
}
