/**
 * The REST client: same-origin JSON calls (the login cookie rides along), errors as ApiError.
 *
 * Every state-changing call sends `Content-Type: application/json`, which the server requires so
 * that a cross-site form cannot make it.
 */

import type { Agent, QueuedMessage, Repository, Session, Worker, Worktree } from "./protocol";
import type { HistoryPage } from "./terminal/history-window";
import type { SearchAnswer } from "./terminal/search-results";
import type { SearchPage } from "./search";

/** One problem of a refused request, named by its field (the server's additive `errors`). */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    readonly problems: readonly FieldProblem[] = [],
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
  const problems = (Array.isArray(p.errors) ? (p.errors as unknown[]) : []).filter(
    (e): e is FieldProblem =>
      typeof e === "object" && e !== null && typeof (e as FieldProblem).field === "string" && typeof (e as FieldProblem).message === "string",
  );
  return new ApiError(status, code, message, field, problems);
}

/**
 * A refused form's errors by field, all at once: each of the server's problems under its field
 * (`aliases` maps a wire name to the form's field; several messages go on separate lines), the
 * rest under "form". Without a problem list, the one message goes where errorField places it.
 */
export function fieldErrors<F extends string>(
  error: ApiError,
  fields: readonly F[],
  aliases: Readonly<Record<string, F>> = {},
): Partial<Record<F | "form", string>> {
  if (error.problems.length === 0) {
    const field = error.status === 400 ? errorField(error, fields) : null;
    return { [field ?? "form"]: error.message } as Partial<Record<F | "form", string>>;
  }
  const found: Partial<Record<F | "form", string>> = {};
  for (const { field, message } of error.problems) {
    const key: F | "form" = aliases[field] ?? fields.find((f) => f === field) ?? "form";
    found[key] = found[key] === undefined ? message : `${found[key]}\n${message}`;
  }
  return found;
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
  type: "quick" | "worktree";
  locationPath: string;
  agentId?: string;
  initialPrompt?: string;
  title?: string;
  /** Worktree sessions only: the repository and the worktree's branch. */
  repositoryId?: string;
  worktreeId?: string;
}

export type NewWorker =
  | { type: "terminal"; name?: string }
  | { type: "agent"; agentId: string; name?: string }
  | { type: "git-diff"; baseCommit?: string };

export interface Branches {
  local: string[];
  remote: string[];
  defaultBranch: string;
}

export type WorktreeMode = "custom" | "existing" | "prompt";

export interface NewWorktree {
  mode: WorktreeMode;
  branch?: string;
  baseBranch?: string;
  initialPrompt?: string;
  autoStartSession?: boolean;
  agentId?: string;
  title?: string;
}

/** How the new worktree's branch was named: as given, an existing one, by the agent, or a slug. */
export type BranchSource = "custom" | "existing" | "agent" | "prompt-slug";

export interface CreatedWorktree {
  worktree: Worktree;
  branchSource: BranchSource;
  branchReason?: string;
  worktreeNum: number;
  templateFiles: string[];
  session?: Session;
}

export interface InvalidSession {
  sessionId: string;
  reason: "directory-missing" | "not-a-repository" | "branch-missing";
  message: string;
}

export type FileStatus = "added" | "modified" | "deleted" | "renamed";

export interface FileDiff {
  path: string;
  oldPath?: string;
  status: FileStatus;
  additions: number;
  deletions: number;
  binary: boolean;
  /** This file's unified diff ("" when cut: see truncated). */
  diff: string;
  truncated: boolean;
}

export interface WorktreeDiff {
  baseCommit: string;
  files: FileDiff[];
  additions: number;
  deletions: number;
  rawDiff: string;
}

/** A custom agent's editable fields; null clears an optional one on PATCH. */
export interface AgentFields {
  name: string;
  commandTemplate: string;
  description?: string | null;
  continueTemplate?: string | null;
  headlessTemplate?: string | null;
  activityPatterns?: { askingPatterns: string[] };
}

/** One answer to a question: a choice (its number, from 1), a decision, or text. */
export type AnswerBody = { choice: number } | { decision: "allow" | "deny" } | { text: string };

/** The notifier's settings (notifications.json in the server's data directory). */
export interface NotifierConfig {
  command?: string | null;
  webhookUrl?: string | null;
  webhookFormat: "json" | "ntfy" | "slack";
  events: ("asking" | "finished")[];
  linkBase?: string | null;
}

export interface NotifierStatus {
  config: NotifierConfig;
  /** Why the settings file could not be read (then notifications are off). */
  problem: string | null;
  lastSentAt: string | null;
  lastError: string | null;
  /** Where links point when linkBase is not set: this server's own address. */
  defaultLinkBase: string;
}

const sid = (id: string): string => `/api/sessions/${encodeURIComponent(id)}`;
const wid = (id: string, workerId: string): string => `${sid(id)}/workers/${encodeURIComponent(workerId)}`;
const rid = (id: string): string => `/api/repositories/${encodeURIComponent(id)}`;

export const api = {
  listSessions: () => request<{ sessions: Session[] }>("GET", "/api/sessions"),
  createSession: (body: NewSession) => request<{ session: Session }>("POST", "/api/sessions", body),
  updateSession: (id: string, body: { title?: string; branch?: string }) =>
    request<{ session: Session }>("PATCH", sid(id), body),
  validateSessions: () => request<{ invalidSessions: InvalidSession[] }>("GET", "/api/sessions/validate"),
  deleteSession: (id: string) => request<{ success: boolean }>("DELETE", sid(id)),
  /** Whether a git-diff worker can be added (the directory is a git working tree), else why not. */
  diffReview: (id: string) => request<{ available: boolean; reason?: string }>("GET", `${sid(id)}/diff-review`),
  addWorker: (id: string, body: NewWorker) =>
    request<{ worker: Worker }>("POST", `${sid(id)}/workers`, body),
  /** The user has seen this worker: its "finished" or "failed" mark goes, on every device. */
  markSeen: (id: string, workerId: string) => request<{ worker: Worker }>("POST", `${wid(id, workerId)}/seen`),
  deleteWorker: (id: string, workerId: string) => request<{ success: boolean }>("DELETE", wid(id, workerId)),
  /** Restarts a worker in place; `continueConversation` resumes an agent's last conversation. */
  restartWorker: (id: string, workerId: string, continueConversation: boolean) =>
    request<{ worker: Worker }>("POST", `${wid(id, workerId)}/restart`, { continueConversation }),
  /** A git-diff worker's base commit; null goes back to the default (merge-base). */
  setBaseCommit: (id: string, workerId: string, baseCommit: string | null) =>
    request<{ worker: Worker }>("PATCH", wid(id, workerId), { baseCommit }),
  getDiff: (id: string, workerId: string) => request<WorktreeDiff>("GET", `${wid(id, workerId)}/diff`),
  /** Up to `bytes` of a worker's output before offset `end` (410 OUT_OF_RETENTION when gone). */
  workerHistory: (id: string, workerId: string, end: number, bytes: number) =>
    request<HistoryPage>("GET", `${wid(id, workerId)}/history?end=${end}&bytes=${bytes}`),
  /** The lines of a worker's whole retained output that contain `query` (ignoring case). */
  searchWorker: (id: string, workerId: string, query: string) =>
    request<SearchAnswer>("GET", `${wid(id, workerId)}/search?q=${encodeURIComponent(query)}`),
  /** The server's home directory and its folders that complete `prefix` (an absolute path). */
  directories: (prefix: string) =>
    request<{ home: string; directories: string[] }>("GET", `/api/directories?${new URLSearchParams({ prefix }).toString()}`),
  /** Search across the output of every worker, and session titles and branches, newest first. */
  search: (q: string, cursor: string | null) =>
    request<SearchPage>("GET", `/api/search?${new URLSearchParams(cursor === null ? { q } : { q, cursor }).toString()}`),
  /** Answers the worker's open question `questionId` (409 when it is no longer open). */
  answer: (id: string, workerId: string, questionId: string, answer: AnswerBody) =>
    request<{ via: "hook" | "keys"; questionId: string; answered: string }>("POST", `${wid(id, workerId)}/answer`, {
      ...answer,
      questionId,
    }),
  /** Queues a message for when the agent is idle (`delivered`: it was idle, and is being typed now). */
  queueMessage: (id: string, workerId: string, text: string) =>
    request<{ message: QueuedMessage; delivered: boolean }>("POST", `${wid(id, workerId)}/queue`, { text }),
  editQueued: (id: string, workerId: string, messageId: string, text: string) =>
    request<{ message: QueuedMessage }>("PATCH", `${wid(id, workerId)}/queue/${encodeURIComponent(messageId)}`, { text }),
  cancelQueued: (id: string, workerId: string, messageId: string) =>
    request<{ success: boolean }>("DELETE", `${wid(id, workerId)}/queue/${encodeURIComponent(messageId)}`),
  getNotifier: () => request<NotifierStatus>("GET", "/api/notifications"),
  saveNotifier: (config: NotifierConfig) => request<NotifierStatus>("PUT", "/api/notifications", config),
  /** Sends a test notification with `config`: each way's error, or null when it went. */
  testNotifier: (config: NotifierConfig) =>
    request<{ results: Record<string, string | null> }>("POST", "/api/notifications/test", config),
  listAgents: () => request<{ agents: Agent[] }>("GET", "/api/agents"),
  createAgent: (body: AgentFields) => request<{ agent: Agent }>("POST", "/api/agents", body),
  updateAgent: (id: string, body: Partial<AgentFields>) =>
    request<{ agent: Agent }>("PATCH", `/api/agents/${encodeURIComponent(id)}`, body),
  deleteAgent: (id: string) => request<{ success: boolean }>("DELETE", `/api/agents/${encodeURIComponent(id)}`),
  listRepositories: () => request<{ repositories: Repository[] }>("GET", "/api/repositories"),
  addRepository: (path: string) => request<{ repository: Repository }>("POST", "/api/repositories", { path }),
  removeRepository: (id: string) => request<{ success: boolean }>("DELETE", rid(id)),
  listWorktrees: (id: string) => request<{ worktrees: Worktree[] }>("GET", `${rid(id)}/worktrees`),
  listBranches: (id: string) => request<Branches>("GET", `${rid(id)}/branches`),
  createWorktree: (id: string, body: NewWorktree) =>
    request<CreatedWorktree>("POST", `${rid(id)}/worktrees`, body),
  deleteWorktree: (id: string, path: string, force: boolean) =>
    request<{ success: boolean }>(
      "DELETE",
      `${rid(id)}/worktrees?${new URLSearchParams({ path, force: String(force) }).toString()}`,
    ),
};
