/** Worker actions on the session page: add a terminal or an agent, search the shown terminal's
 * history, restart or remove a worker. */

import { useEffect, useState } from "preact/hooks";
import { api, type NewWorker } from "../api";
import type { ActivityState, Agent, Session, Worker } from "../protocol";
import { AgentMenuItems } from "./AgentChoice";
import { ConfirmDialog } from "./common";
import { useMenu } from "./hooks";
import { CloseIcon, PlusIcon, SearchIcon } from "./icons";
import { navigate } from "./navigation";
import { canStartFresh, RestartButton, useRestart } from "./Restart";
import { runCommand } from "./shortcuts";

interface Props {
  session: Session;
  worker: Worker | null;
  agents: readonly Agent[];
  activity: ActivityState | null;
  /** Shows a failed action's message (null clears it); the page puts it where it fits. */
  onError: (message: string | null) => void;
}

export function SessionToolbar({ session, worker, agents, activity, onError }: Props) {
  const menu = useMenu();
  const [removing, setRemoving] = useState(false);
  const diffReview = useDiffReview(session.id, menu.open) && !session.workers.some((w) => w.type === "git-diff");

  const add = async (body: NewWorker) => {
    menu.setOpen(false);
    onError(null);
    try {
      const { worker: added } = await api.addWorker(session.id, body);
      navigate({ page: "session", sessionId: session.id, workerId: added.id });
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div class="toolbar">
      <div class="menu-anchor" ref={menu.anchor}>
        <button
          type="button"
          class="button small"
          aria-haspopup="menu"
          aria-expanded={menu.open}
          aria-label="Add a worker"
          onClick={() => menu.setOpen(!menu.open)}
          data-testid="add-worker"
        >
          <PlusIcon /> <span class="wide-only">Add</span>
        </button>
        {menu.open && (
          <div class="menu" role="menu">
            <button type="button" role="menuitem" onClick={() => void add({ type: "terminal" })}>
              Terminal
            </button>
            {diffReview && (
              <button type="button" role="menuitem" title="Review the changes of this session's git worktree" onClick={() => void add({ type: "git-diff" })}>
                Diff review
              </button>
            )}
            <AgentMenuItems agents={agents} onPick={(agent) => void add({ type: "agent", agentId: agent.id })} />
          </div>
        )}
      </div>
      {worker !== null && worker.type !== "git-diff" && (
        // Here, not over the terminal: a button there would cover what a program draws in its corner.
        <button type="button" class="button small" title="Search this terminal's history (Ctrl+Shift+F)" aria-label="Search" data-testid="search-button" onClick={() => runCommand("search")}>
          <SearchIcon /> <span class="wide-only">Search</span>
        </button>
      )}
      {worker !== null && worker.type !== "git-diff" && (
        <WorkerRestart key={worker.id} session={session} worker={worker} agents={agents} activity={activity} onError={onError} />
      )}
      {worker !== null && (
        <button type="button" class="button small" title="Remove this worker" onClick={() => setRemoving(true)}>
          <CloseIcon /> <span class="wide-only">Remove</span>
        </button>
      )}
      {removing && worker !== null && (
        <ConfirmDialog
          title="Remove worker?"
          message={
            <>
              <strong>{worker.name}</strong> will be stopped and its output discarded.
            </>
          }
          confirmLabel="Stop and remove"
          onConfirm={async () => {
            await api.deleteWorker(session.id, worker.id);
            navigate({ page: "session", sessionId: session.id, workerId: null }, { replace: true });
          }}
          onClose={() => setRemoving(false)}
        />
      )}
    </div>
  );
}

function WorkerRestart(props: Omit<Props, "worker"> & { worker: Worker }) {
  const { restart, dialog } = useRestart(props.session.id, props.worker, props.activity, props.onError);
  return (
    <>
      <RestartButton fresh={canStartFresh(props.worker, props.agents)} onRestart={restart} />
      {dialog}
    </>
  );
}

/** Whether "Diff review" can work here, asked again each time the menu opens (a directory can
 * become a repository); false until the server has said yes. The first ask waits until the page
 * is idle: it runs git on the server, and a terminal opening matters more than a menu item. */
function useDiffReview(sessionId: string, menuOpen: boolean): boolean {
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    let current = true;
    const ask = () =>
      void api.diffReview(sessionId).then(
        (answer) => current && setAvailable(answer.available),
        () => current && setAvailable(false),
      );
    const cancel = menuOpen ? (ask(), () => undefined) : whenIdle(ask);
    return () => {
      current = false;
      cancel();
    };
  }, [sessionId, menuOpen]);
  return available;
}

/** Runs `task` once the page is idle (at the latest after 2 s); returns its cancellation. */
function whenIdle(task: () => void): () => void {
  if (typeof requestIdleCallback !== "function") {
    const timer = setTimeout(task, 500);
    return () => clearTimeout(timer);
  }
  const id = requestIdleCallback(task, { timeout: 2000 });
  return () => cancelIdleCallback(id);
}
