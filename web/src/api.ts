/**
 * The REST client: same-origin JSON calls (the login cookie rides along), errors as ApiError.
 *
 * Every state-changing call sends `Content-Type: application/json`, which the server requires so
 * that a cross-site form cannot make it.
 */

import type { Agent, Repository, Session, Worker } from "./protocol";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }

  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

type Listener = (error: ApiError) => void;
const authListeners = new Set<Listener>();

/** Called whenever a request comes back 401/403: the app shows how to log in. */
export function onAuthError(listener: Listener): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (method !== "GET") {
    init.headers = { ...init.headers, "Content-Type": "application/json" };
    init.body = JSON.stringify(body ?? {});
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "NETWORK", "The server cannot be reached.");
  }
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) return payload as T;
  const error = toApiError(response.status, payload);
  if (error.unauthorized) for (const listener of authListeners) listener(error);
  throw error;
}

export function toApiError(status: number, payload: unknown): ApiError {
  const p = (typeof payload === "object" && payload !== null ? payload : {}) as Record<string, unknown>;
  const message = typeof p.error === "string" ? p.error : `Request failed (HTTP ${status}).`;
  const code = typeof p.code === "string" ? p.code : "HTTP_" + status;
  const field = typeof p.field === "string" ? p.field : null;
  return new ApiError(status, code, message, field);
}

/**
 * Which of a form's `fields` a 400 is about: the error's own `field` if the server sent one,
 * else the field its message names (camelCase or snake_case), else null.
 */
export function errorField<F extends string>(error: ApiError, fields: readonly F[]): F | null {
  if (error.field !== null) {
    const named = fields.find((f) => f === error.field || snake(f) === error.field);
    if (named !== undefined) return named;
  }
  const text = error.message;
  const hits = fields
    .map((f) => ({ f, at: Math.min(...[f, snake(f)].map((n) => wordIndex(text, n))) }))
    .filter((h) => h.at !== Infinity)
    .sort((a, b) => a.at - b.at);
  return hits[0]?.f ?? null;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

function wordIndex(text: string, word: string): number {
  const match = new RegExp(`(^|[^A-Za-z0-9_])${word}($|[^A-Za-z0-9_])`).exec(text);
  return match === null ? Infinity : match.index;
}

// --- endpoints ------------------------------------------------------------------------------

export interface NewSession {
  type: "quick";
  locationPath: string;
  agentId?: string;
  initialPrompt?: string;
  title?: string;
}

export type NewWorker = { type: "terminal"; name?: string } | { type: "agent"; agentId: string; name?: string };

/** A custom agent's editable fields; null clears an optional one on PATCH. */
export interface AgentFields {
  name: string;
  commandTemplate: string;
  description?: string | null;
  continueTemplate?: string | null;
  headlessTemplate?: string | null;
  activityPatterns?: { askingPatterns: string[] };
}

const sid = (id: string): string => `/api/sessions/${encodeURIComponent(id)}`;

export const api = {
  listSessions: () => request<{ sessions: Session[] }>("GET", "/api/sessions"),
  createSession: (body: NewSession) => request<{ session: Session }>("POST", "/api/sessions", body),
  updateSession: (id: string, body: { title?: string }) =>
    request<{ session: Session }>("PATCH", sid(id), body),
  deleteSession: (id: string) => request<{ success: boolean }>("DELETE", sid(id)),
  addWorker: (id: string, body: NewWorker) =>
    request<{ worker: Worker }>("POST", `${sid(id)}/workers`, body),
  deleteWorker: (id: string, workerId: string) =>
    request<{ success: boolean }>("DELETE", `${sid(id)}/workers/${encodeURIComponent(workerId)}`),
  restartWorker: (id: string, workerId: string) =>
    request<{ worker: Worker }>("POST", `${sid(id)}/workers/${encodeURIComponent(workerId)}/restart`, {}),
  listAgents: () => request<{ agents: Agent[] }>("GET", "/api/agents"),
  createAgent: (body: AgentFields) => request<{ agent: Agent }>("POST", "/api/agents", body),
  updateAgent: (id: string, body: Partial<AgentFields>) =>
    request<{ agent: Agent }>("PATCH", `/api/agents/${encodeURIComponent(id)}`, body),
  deleteAgent: (id: string) => request<{ success: boolean }>("DELETE", `/api/agents/${encodeURIComponent(id)}`),
  listRepositories: () => request<{ repositories: Repository[] }>("GET", "/api/repositories"),
};
