/**
 * How a worker's state looks: each state has its own shape and words as well as its colour, so
 * nothing is told by colour alone (a badge says it in text; a bare mark carries it for screen
 * readers and in its tooltip).
 */

import type { ActivityState, Attention, Worker } from "../protocol";
import type { WorkerState } from "../triage";
import { workerState } from "../triage";

export const STATE_LABEL: Record<WorkerState, string> = {
  asking: "asking",
  working: "working",
  idle: "idle",
  unknown: "starting",
  running: "running",
  exited: "exited",
  failed: "failed",
  diff: "diff",
};

const STATE_GLYPH: Record<WorkerState, string> = {
  asking: "?",
  working: "●",
  idle: "○",
  unknown: "◌",
  running: "›",
  exited: "■",
  failed: "✕",
  diff: "±",
};

export const ATTENTION_LABEL: Record<Attention, string> = { asking: "asking", finished: "finished", failed: "failed" };
export const ATTENTION_GLYPH: Record<Attention, string> = { asking: "?", finished: "✓", failed: "✕" };

/** A state's shape alone (its words for screen readers and the tooltip). */
export function StateMark({ state, label = STATE_LABEL[state] }: { state: WorkerState; label?: string }) {
  return (
    <span class={`mark state-${state}`} data-state={state} title={label} role="img" aria-label={label}>
      {STATE_GLYPH[state]}
    </span>
  );
}

/** A state's shape and its word. */
export function StateBadge({ state, text = STATE_LABEL[state] }: { state: WorkerState; text?: string }) {
  return (
    <span class={`badge state-${state}`} data-state={state}>
      <span class="mark-glyph" aria-hidden="true">
        {STATE_GLYPH[state]}
      </span>
      {text}
    </span>
  );
}

export function AttentionBadge({ attention, text = ATTENTION_LABEL[attention] }: { attention: Attention; text?: string }) {
  return (
    <span class={`badge attention-${attention}`} data-attention={attention}>
      <span class="mark-glyph" aria-hidden="true">
        {ATTENTION_GLYPH[attention]}
      </span>
      {text}
    </span>
  );
}

/** A worker's state badge, with its exit code when it has exited ("exited 0", "failed: code 2"). */
export function WorkerBadge({ worker, activity }: { worker: Worker; activity: ActivityState }) {
  const state = workerState(worker, activity);
  if (state === "diff") return null;
  if (state === "exited" || state === "failed") return <StateBadge state={state} text={exitText(worker.exitCode, worker.signal)} />;
  return <StateBadge state={state} />;
}

export function exitText(exitCode: number | null | undefined, signal: string | null | undefined): string {
  if (signal !== null && signal !== undefined && signal !== "") return `killed by ${signal}`;
  return exitCode === null || exitCode === undefined ? "exited" : `exited with code ${exitCode}`;
}

export function WorkerIcon({ worker }: { worker: Worker }) {
  const glyph = worker.type === "agent" ? "✦" : worker.type === "git-diff" ? "±" : "›_";
  return (
    <span class={`worker-icon worker-${worker.type}`} aria-hidden="true">
      {glyph}
    </span>
  );
}
