/** What a new worktree got: its branch and how it was named, its folder, templates, its session. */

import type { BranchSource, CreatedWorktree } from "../api";
import { Modal } from "./common";
import { navigate } from "./navigation";

const SOURCE: Record<BranchSource, string> = {
  custom: "a new branch, named as you gave it",
  existing: "the existing branch, checked out",
  agent: "named by the agent from your prompt",
  "prompt-slug": "made from the words of your prompt",
};

export function CreatedSummary({ created, onClose }: { created: CreatedWorktree; onClose: () => void }) {
  const { worktree, session } = created;
  return (
    <Modal title="Worktree created" onClose={onClose} wide>
      <div class="modal-body created" data-testid="worktree-created">
        <dl class="facts">
          <dt>Branch</dt>
          <dd>
            <span class="branch mono">⎇ {worktree.branch}</span>
            <span class="muted" data-branch-source={created.branchSource}>
              {" "}
              — {SOURCE[created.branchSource]}
            </span>
            {created.branchReason !== undefined && created.branchReason !== "" && (
              <div class="muted small" data-testid="branch-reason">
                Why: {created.branchReason}
              </div>
            )}
          </dd>
          <dt>Folder</dt>
          <dd class="mono path-wrap">{worktree.path}</dd>
          <dt>Number</dt>
          <dd>
            {created.worktreeNum} <span class="muted small">(the value of {"{{WORKTREE_NUM}}"} in templates)</span>
          </dd>
          {created.templateFiles.length > 0 && (
            <>
              <dt>Templates</dt>
              <dd class="mono">{created.templateFiles.join(", ")}</dd>
            </>
          )}
          <dt>Session</dt>
          <dd>{session === undefined ? <span class="muted">none started</span> : "started"}</dd>
        </dl>
      </div>
      <footer class="modal-footer">
        <button type="button" class="button" onClick={onClose}>
          Done
        </button>
        {session !== undefined && (
          <button
            type="button"
            class="button primary"
            onClick={() => {
              onClose();
              navigate({ page: "session", sessionId: session.id, workerId: null });
            }}
          >
            Open session
          </button>
        )}
      </footer>
    </Modal>
  );
}
