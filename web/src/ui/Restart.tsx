/**
 * Restarting a worker. An agent continues its conversation by default; "Restart fresh" is the
 * explicit choice of a new one; restarting an agent that is working asks first.
 */

import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api } from "../api";
import type { ActivityState, Agent, Worker } from "../protocol";
import { ConfirmDialog } from "./common";
import { useMenu } from "./hooks";
import { ChevronIcon, RestartIcon } from "./icons";

export type RestartMode = "continue" | "fresh";

/** Whether "Restart fresh" differs from "Restart": an agent worker whose agent can continue. */
export function canStartFresh(worker: Worker, agents: readonly Agent[]): boolean {
  if (worker.type !== "agent") return false;
  return agents.find((a) => a.id === worker.agentId)?.capabilities.supportsContinue ?? false;
}

/**
 * `restart(mode)` restarts the worker at once, or — while the agent is working — after the user
 * confirms in `dialog` (render it). Errors go to `onError`.
 */
export function useRestart(
  sessionId: string,
  worker: Worker,
  activity: ActivityState | null,
  onError: (message: string | null) => void,
): { restart: (mode: RestartMode) => void; dialog: JSX.Element | null } {
  const [confirming, setConfirming] = useState<RestartMode | null>(null);
  const run = (mode: RestartMode) => api.restartWorker(sessionId, worker.id, mode === "continue");
  const restart = (mode: RestartMode) => {
    onError(null);
    if (activity === "active") return setConfirming(mode);
    run(mode).catch((e: unknown) => onError(e instanceof Error ? e.message : String(e)));
  };
  const dialog =
    confirming === null ? null : (
      <ConfirmDialog
        title={`Restart ${worker.name}?`}
        message={
          <>
            <strong>{worker.name}</strong> is working right now; restarting stops what it is doing
            {confirming === "continue" ? " and continues the conversation." : " and starts a new conversation."}
          </>
        }
        confirmLabel={confirming === "continue" ? "Restart" : "Restart fresh"}
        onConfirm={async () => {
          await run(confirming);
        }}
        onClose={() => setConfirming(null)}
      />
    );
  return { restart, dialog };
}

/** The toolbar's Restart button, with "Restart fresh" in a drop-down for agents that continue. */
export function RestartButton(props: { fresh: boolean; onRestart: (mode: RestartMode) => void }) {
  const menu = useMenu();
  const title = props.fresh ? "Restart, continuing the conversation" : "Restart this worker";
  return (
    <div class="split-button menu-anchor" ref={menu.anchor}>
      <button type="button" class="button small" title={title} aria-label="Restart" onClick={() => props.onRestart("continue")}>
        <RestartIcon /> <span class="wide-only">Restart</span>
      </button>
      {props.fresh && (
        <button
          type="button"
          class="button small"
          aria-label="More ways to restart"
          aria-haspopup="menu"
          aria-expanded={menu.open}
          onClick={() => menu.setOpen(!menu.open)}
        >
          <ChevronIcon open />
        </button>
      )}
      {menu.open && (
        <div class="menu" role="menu">
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              menu.setOpen(false);
              props.onRestart("fresh");
            }}
          >
            Restart fresh <span class="muted small">(new conversation)</span>
          </button>
        </div>
      )}
    </div>
  );
}
