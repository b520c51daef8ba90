/**
 * Search across everything, the pure part: the shapes `GET /api/search` answers with, results
 * grouped by the worker they came from, the matched text of a line, and where a result opens.
 *
 * A line matches as on the server: it contains the query, ignoring case, starting at the
 * beginning of a word.
 */

import { routePath } from "./router";

export interface SearchSession {
  id: string;
  title: string | null;
  branch: string | null;
  locationPath: string;
  /** The session was deleted; its workers' output is kept until pruned by age. */
  removed: boolean;
}

export interface SearchWorker {
  id: string;
  name: string;
  type: "agent" | "terminal" | "git-diff";
  removed: boolean;
}

export interface SearchHit {
  session: SearchSession;
  worker: SearchWorker;
  /** When the line was indexed (within seconds of being printed), ISO 8601. */
  time: string;
  /** Where the line starts in the worker's output. */
  offset: number;
  line: string;
  before: string[];
  /** Where each of `before` starts. */
  beforeOffsets: number[];
  after: string[];
  afterOffsets: number[];
}

export interface SearchPage {
  sessions: SearchSession[];
  results: SearchHit[];
  next: string | null;
  /** Output not indexed yet (a flood being caught up with). */
  pendingBytes: number;
}

export interface HitGroup {
  session: SearchSession;
  worker: SearchWorker;
  hits: SearchHit[];
}

/** Hits grouped by worker, the groups in the order of their newest hit, each newest first. */
export function groupHits(hits: readonly SearchHit[]): HitGroup[] {
  const groups = new Map<string, HitGroup>();
  for (const hit of hits) {
    const key = `${hit.session.id}\u0000${hit.worker.id}`;
    const group = groups.get(key) ?? { session: hit.session, worker: hit.worker, hits: [] };
    group.hits.push(hit);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** A line of a passage: a result's own line (`hit`), or one around it. */
export interface PassageLine {
  offset: number;
  text: string;
  hit: SearchHit | null;
}

/** Consecutive lines of one worker's output holding one result or several. */
export interface Passage {
  /** When its newest result's line was indexed. */
  time: string;
  lines: PassageLine[];
}

/**
 * A worker's results (newest first) as passages, newest first: results whose lines overlap —
 * matches on neighbouring lines — are one passage, each line shown once, in the order printed.
 */
export function passages(hits: readonly SearchHit[]): Passage[] {
  const found: Passage[] = [];
  for (const hit of hits) {
    const lines: PassageLine[] = [
      ...hit.before.map((text, i) => ({ offset: hit.beforeOffsets[i] ?? hit.offset, text, hit: null })),
      { offset: hit.offset, text: hit.line, hit },
      ...hit.after.map((text, i) => ({ offset: hit.afterOffsets[i] ?? hit.offset, text, hit: null })),
    ];
    const newer = found.at(-1);
    const last = lines.at(-1)?.offset ?? hit.offset;
    if (newer === undefined || last < (newer.lines[0]?.offset ?? 0)) {
      found.push({ time: hit.time, lines });
      continue;
    }
    const byOffset = new Map(newer.lines.map((line) => [line.offset, line]));
    for (const line of lines) {
      const known = byOffset.get(line.offset);
      if (known === undefined) byOffset.set(line.offset, line);
      else if (line.hit !== null) known.hit = line.hit;
    }
    newer.lines = [...byOffset.values()].sort((a, b) => a.offset - b.offset);
  }
  return found;
}

export interface Part {
  text: string;
  match: boolean;
}

/** The line cut into the parts that match the query and those that do not. */
export function highlight(line: string, query: string): Part[] {
  if (query === "") return [{ text: line, match: false }];
  const escaped = query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const start = /^[\p{L}\p{N}]/u.test(query) ? "(?<![\\p{L}\\p{N}])" : "";
  const pattern = new RegExp(start + escaped, "giu");
  const parts: Part[] = [];
  let at = 0;
  for (const found of line.matchAll(pattern)) {
    const index = found.index ?? 0;
    if (index > at) parts.push({ text: line.slice(at, index), match: false });
    parts.push({ text: found[0], match: true });
    at = index + found[0].length;
  }
  if (at < line.length || parts.length === 0) parts.push({ text: line.slice(at), match: false });
  return parts;
}

/**
 * Where a result opens: its worker, at the offset where the line starts, the query to
 * highlight there (the history view's `?offset=&q=`); null when the worker is gone.
 */
export function placePath(hit: SearchHit, query: string): string | null {
  if (hit.worker.removed || hit.session.removed) return null;
  return routePath({ page: "session", sessionId: hit.session.id, workerId: hit.worker.id, at: { offset: hit.offset, query } });
}

/** What a result calls its session: the title, else the last part of its directory. */
export function sessionName(session: SearchSession): string {
  if (session.title !== null && session.title.trim() !== "") return session.title;
  return session.locationPath.split("/").filter((p) => p !== "").at(-1) ?? session.locationPath;
}
