/**
 * Every WebSocket message of both sockets, both directions — the mirror of the server's
 * src/agent_console/protocol.py. A server test reads the `*_TYPES` tuples and `Close` codes
 * below, so keep them as plain string/number literals.
 */

export const APP_SERVER_MESSAGE_TYPES = [
  "sessions-sync",
  "session-created",
  "session-updated",
  "session-deleted",
  "worker-activity",
  "worker-preview",
] as const;
export const APP_CLIENT_MESSAGE_TYPES = ["request-sync"] as const;
export const WORKER_CLIENT_MESSAGE_TYPES = ["input", "resize", "image", "pause", "resume"] as const;
export const WORKER_SERVER_MESSAGE_TYPES = [
  "output",
  "exit",
  "history",
  "activity",
  "error",
  "diff-changed",
] as const;
export const ERROR_CODES = ["INVALID_MESSAGE", "WORKER_NOT_FOUND", "INPUT_DROPPED"] as const;
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;

/** WebSocket close codes the server uses. */
export const Close = {
  NORMAL: 1000, // the worker or session was deleted
  TOO_BIG: 1009, // a message over the size cap
  INTERNAL: 1011, // the server failed unexpectedly; reconnect with ?offset=
  SERVICE_RESTART: 1012, // the server is stopping (its workers go on); reconnect
  TRY_AGAIN: 1013, // the client stalled (read nothing for 10 s); reconnect with ?offset=
  NOT_FOUND: 4404, // unknown session or worker
} as const;

// --- data shapes (SPEC §2) ------------------------------------------------------------------

export type ActivityState = "active" | "idle" | "asking" | "unknown";
export type WorkerStatus = "running" | "exited";
/** Why a worker needs the user: asking now, or a turn that finished / a process that failed
 * since the user last opened it. */
export type Attention = "asking" | "finished" | "failed";

/** What an asking agent asks: read off its screen, or from a permission hook (tool, command). */
export interface Question {
  /** Names this question while it is open. */
  id: string;
  text: string;
  kind: "permission" | "choice" | "text";
  choices: string[];
  source: "hook" | "screen" | "signal";
  tool?: string;
  command?: string;
}

/** A message waiting for its agent to be idle (POST …/workers/:wid/queue). */
export interface QueuedMessage {
  id: string;
  text: string;
  createdAt: string;
}

interface WorkerBase {
  id: string;
  name: string;
  createdAt: string;
  status?: WorkerStatus;
  exitCode?: number;
  signal?: string | null;
  pid?: number;
  attention?: Attention | null;
  /** ISO time since when `attention` holds. */
  attentionSince?: string | null;
  /** ISO time of the worker's last change of state: activity, exit or start. */
  stateChangedAt?: string | null;
  question?: Question | null;
  /** Agents: why the activity last changed ("hook:Stop", "title", "screen:pattern 2", …). */
  activityReason?: string | null;
  /** Agents: the CLI's own conversation id, once its hooks named it. */
  agentSessionId?: string;
  /** Agent workers: messages waiting for the agent to be idle, next first (absent: none). */
  queue?: QueuedMessage[];
}
export type Worker =
  | (WorkerBase & { type: "agent"; agentId: string })
  | (WorkerBase & { type: "terminal" })
  | (WorkerBase & { type: "git-diff"; baseCommit?: string });

export interface Session {
  id: string;
  type: "worktree" | "quick";
  locationPath: string;
  status: "active" | "inactive";
  createdAt: string;
  workers: Worker[];
  title?: string;
  initialPrompt?: string;
  /** Set when initialPrompt is only the first 200 characters (lists and app events carry it
   * so); GET /api/sessions/:id has the full text. */
  initialPromptTruncated?: boolean;
  repositoryId?: string;
  worktreeId?: string;
}

export interface WorkerActivityInfo {
  sessionId: string;
  workerId: string;
  activityState: ActivityState;
  reason?: string | null;
  question?: Question | null;
}

export interface Agent {
  id: string;
  name: string;
  description?: string;
  isBuiltIn: boolean;
  registeredAt: string;
  commandTemplate: string;
  continueTemplate?: string;
  headlessTemplate?: string;
  activityPatterns?: { askingPatterns?: string[] };
  capabilities: {
    supportsContinue: boolean;
    supportsHeadlessMode: boolean;
    supportsActivityDetection: boolean;
  };
  /** Whether the agent's program is found on the server's PATH (absent from older servers). */
  installed?: boolean;
  /** Built-in agents: the command that installs the program. */
  installCommand?: string;
}

export interface Repository {
  id: string;
  name: string;
  path: string;
  registeredAt: string;
}

/** A git worktree of a repository; `branch` is "" when its HEAD is detached. */
export interface Worktree {
  path: string;
  branch: string;
  isMain: boolean;
  repositoryId: string;
  head?: string;
}

/** What a worker-activity message also says of the worker (the same fields as on the Worker). */
export interface WorkerAttentionInfo {
  attention?: Attention | null;
  attentionSince?: string | null;
  stateChangedAt?: string | null;
}

/** A worker's screen as text (trailing blanks trimmed), and when its output last changed. */
export interface WorkerPreview {
  sessionId: string;
  workerId: string;
  lines: string[];
  at: string;
}

// --- /ws/app --------------------------------------------------------------------------------

export type AppServerMessage =
  | { type: "sessions-sync"; sessions: Session[]; activityStates: WorkerActivityInfo[]; previews?: WorkerPreview[] }
  | { type: "session-created"; session: Session }
  | { type: "session-updated"; session: Session }
  | { type: "session-deleted"; sessionId: string }
  | ({ type: "worker-activity" } & WorkerActivityInfo & WorkerAttentionInfo)
  | ({ type: "worker-preview" } & WorkerPreview);

export type AppClientMessage = { type: "request-sync" };

// --- /ws/session/{sessionId}/worker/{workerId} ----------------------------------------------

export type WorkerServerMessage =
  | {
      type: "history";
      data: string;
      offset: number;
      startOffset: number;
      lostBytes?: number;
      /** With `?tail=`: the oldest offset the server still keeps. */
      retainedStart?: number;
      /** With `?tail=`: write before `data` (the terminal modes in effect at startOffset). */
      modes?: string;
    }
  | { type: "output"; data: string; offset: number }
  | { type: "exit"; exitCode: number; signal: string | null }
  | { type: "activity"; state: ActivityState; reason?: string | null; question?: Question | null }
  | { type: "error"; code: string; message: string }
  | { type: "diff-changed" };

export type ImageType = (typeof IMAGE_TYPES)[number];

export type WorkerClientMessage =
  | { type: "input"; data: string }
  | { type: "resize"; cols: number; rows: number }
  | { type: "image"; data: string; mimeType: ImageType }
  | { type: "pause" }
  | { type: "resume" };

// --- parsing --------------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseTyped<T extends { type: string }>(raw: string, types: readonly string[]): T | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value.type !== "string" || !types.includes(value.type)) {
    return null;
  }
  return value as unknown as T;
}

/** An app-socket frame as a message, or null for anything this client does not know. */
export function parseAppMessage(raw: string): AppServerMessage | null {
  return parseTyped<AppServerMessage>(raw, APP_SERVER_MESSAGE_TYPES);
}

/** A worker-socket frame as a message, or null for anything this client does not know. */
export function parseWorkerMessage(raw: string): WorkerServerMessage | null {
  return parseTyped<WorkerServerMessage>(raw, WORKER_SERVER_MESSAGE_TYPES);
}

export function isImageType(mime: string): mime is ImageType {
  return (IMAGE_TYPES as readonly string[]).includes(mime);
}

/** The worker socket's path, relative to the page's host: resuming after `offset` when given,
 * else starting with the last `tail` bytes of history (all of it when `tail` is null). */
export function workerSocketPath(sessionId: string, workerId: string, offset: number | null, tail: number | null = null): string {
  const base = `/ws/session/${encodeURIComponent(sessionId)}/worker/${encodeURIComponent(workerId)}`;
  const query = [offset === null ? "" : `offset=${offset}`, tail === null ? "" : `tail=${tail}`].filter((p) => p !== "");
  return query.length === 0 ? base : `${base}?${query.join("&")}`;
}

export const APP_SOCKET_PATH = "/ws/app";

/** The server's default cap on one worker-socket frame (larger frames close the socket, 1009). */
export const WORKER_MESSAGE_MAX_BYTES = 2 * 1024 * 1024;
/** The largest image (decoded) the server takes: its base64 and the JSON around it fit in one
 * frame. The same derivation as the server's Limits.image_bytes. */
export const IMAGE_MAX_BYTES = ((WORKER_MESSAGE_MAX_BYTES - 1024) * 3) / 4;
