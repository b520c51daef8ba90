/**
 * Deletes a worktree after a confirmation; when git refuses because of uncommitted changes (409),
 * shows git's reason and offers to delete anyway (force), which discards them.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../api";
import type { Repository, Worktree } from "../protocol";
import { Modal } from "./common";
import { useServices } from "./hooks";

interface Props {
  repository: Repository;
  worktree: Worktree;
  sessions: number;
  onClose: () => void;
}

export function DeleteWorktreeDialog({ repository, worktree, sessions, onClose }: Props) {
  const { repositories } = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [forceable, setForceable] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);

  const remove = async (force: boolean) => {
    setBusy(true);
    try {
      await api.deleteWorktree(repository.id, worktree.path, force);
      await repositories.reload();
      onClose();
    } catch (e) {
      const refused = e instanceof ApiError && e.status === 409;
      setError(e instanceof Error ? e.message : String(e));
      setForceable(refused && /force/i.test(e.message));
      setBusy(false);
    }
  };

  const ending = sessions === 0 ? "" : ` Its ${sessions} session${sessions === 1 ? "" : "s"} will be stopped and removed.`;
  return (
    <Modal title="Delete worktree?" onClose={onClose}>
      <div class="modal-body">
        <p>
          The folder <code class="path-wrap">{worktree.path}</code> will be removed.{ending} The branch{" "}
          <code>{worktree.branch}</code> stays in the repository.
        </p>
        {error !== null && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <footer class="modal-footer">
        <button type="button" class="button" onClick={onClose}>
          Cancel
        </button>
        {forceable ? (
          <button type="button" class="button danger" disabled={busy} onClick={() => void remove(true)}>
            Delete anyway, discarding changes
          </button>
        ) : (
          <button type="button" ref={button} class="button danger" disabled={busy} onClick={() => void remove(false)}>
            Delete worktree
          </button>
        )}
      </footer>
    </Modal>
  );
}
