/** Worker actions on the session page: add a terminal or an agent, restart or remove a worker. */

import { useEffect, useRef, useState } from "preact/hooks";
import { api, type NewWorker } from "../api";
import type { Agent, Session, Worker } from "../protocol";
import { ConfirmDialog } from "./common";
import { CloseIcon, PlusIcon, RestartIcon } from "./icons";
import { navigate } from "./navigation";

interface Props {
  session: Session;
  worker: Worker | null;
  agents: Agent[];
}

export function SessionToolbar({ session, worker, agents }: Props) {
  const [menu, setMenu] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const anchor = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!menu) return;
    const close = (event: Event) => {
      if (!(event.target instanceof Node && anchor.current?.contains(event.target))) setMenu(false);
    };
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && setMenu(false);
    document.addEventListener("pointerdown", close);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", close);
      document.removeEventListener("keydown", onKey);
    };
  }, [menu]);

  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const add = (body: NewWorker) =>
    run(async () => {
      setMenu(false);
      const { worker: added } = await api.addWorker(session.id, body);
      navigate({ page: "session", sessionId: session.id, workerId: added.id });
    });

  return (
    <div class="toolbar">
      {error !== null && (
        <span class="field-error toolbar-error" role="alert" title={error}>
          {error}
        </span>
      )}
      <div class="menu-anchor" ref={anchor}>
        <button type="button" class="button small" aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu(!menu)} data-testid="add-worker">
          <PlusIcon /> <span class="wide-only">Add</span>
        </button>
        {menu && (
          <div class="menu" role="menu">
            <button type="button" role="menuitem" onClick={() => void add({ type: "terminal" })}>
              Terminal
            </button>
            {!session.workers.some((w) => w.type === "git-diff") && (
              <button type="button" role="menuitem" title="Review the changes of this session's git worktree" onClick={() => void add({ type: "git-diff" })}>
                Diff review
              </button>
            )}
            {agents.map((agent) => (
              <button type="button" role="menuitem" key={agent.id} onClick={() => void add({ type: "agent", agentId: agent.id })}>
                {agent.name}
              </button>
            ))}
          </div>
        )}
      </div>
      {worker !== null && worker.type !== "git-diff" && (
        <button type="button" class="button small" title="Restart this worker" onClick={() => void run(() => api.restartWorker(session.id, worker.id))}>
          <RestartIcon /> <span class="wide-only">Restart</span>
        </button>
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
