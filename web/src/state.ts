/**
 * The app-wide state the `/ws/app` messages build, as a pure reducer.
 *
 * Applying every message to the last `sessions-sync` gives exactly what a new `sessions-sync`
 * would (SPEC §3). Activity is keyed by `sessionId/workerId` and kept only for workers that exist.
 */

import type { ActivityState, AppServerMessage, Session, WorkerActivityInfo } from "./protocol";

export interface AppState {
  /** False until the first `sessions-sync` arrives: the dashboard shows a placeholder. */
  synced: boolean;
  sessions: readonly Session[];
  activity: Readonly<Record<string, ActivityState>>;
}

export const initialState: AppState = { synced: false, sessions: [], activity: {} };

export function activityKey(sessionId: string, workerId: string): string {
  return `${sessionId}/${workerId}`;
}

export function reduce(state: AppState, message: AppServerMessage): AppState {
  switch (message.type) {
    case "sessions-sync":
      return sync(message.sessions, message.activityStates);
    case "session-created":
    case "session-updated":
      return upsert(state, message.session);
    case "session-deleted":
      return remove(state, message.sessionId);
    case "worker-activity":
      return setActivity(state, message);
    default:
      return state;
  }
}

function sync(sessions: Session[], infos: WorkerActivityInfo[]): AppState {
  const activity: Record<string, ActivityState> = {};
  for (const info of infos) activity[activityKey(info.sessionId, info.workerId)] = info.activityState;
  return { synced: true, sessions: [...sessions], activity: prune(activity, sessions) };
}

function upsert(state: AppState, session: Session): AppState {
  const index = state.sessions.findIndex((s) => s.id === session.id);
  const sessions =
    index < 0 ? [...state.sessions, session] : state.sessions.map((s, i) => (i === index ? session : s));
  return { ...state, sessions, activity: prune(state.activity, sessions) };
}

function remove(state: AppState, sessionId: string): AppState {
  const sessions = state.sessions.filter((s) => s.id !== sessionId);
  if (sessions.length === state.sessions.length) return state;
  return { ...state, sessions, activity: prune(state.activity, sessions) };
}

function setActivity(state: AppState, info: WorkerActivityInfo): AppState {
  const key = activityKey(info.sessionId, info.workerId);
  if (state.activity[key] === info.activityState) return state;
  return { ...state, activity: { ...state.activity, [key]: info.activityState } };
}

/** Drops activity entries of workers that are gone (a deleted session or removed worker). */
function prune(
  activity: Readonly<Record<string, ActivityState>>,
  sessions: readonly Session[],
): Record<string, ActivityState> {
  const live = new Set<string>();
  for (const s of sessions) for (const w of s.workers) live.add(activityKey(s.id, w.id));
  const kept: Record<string, ActivityState> = {};
  for (const [key, value] of Object.entries(activity)) if (live.has(key)) kept[key] = value;
  return kept;
}

/** The activity of one worker: agents without a report yet are `unknown`. */
export function activityOf(state: AppState, sessionId: string, workerId: string): ActivityState {
  return state.activity[activityKey(sessionId, workerId)] ?? "unknown";
}

export function findSession(state: AppState, sessionId: string): Session | undefined {
  return state.sessions.find((s) => s.id === sessionId);
}
