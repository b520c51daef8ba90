/** The diff's base commit: shown short, changed to any commit-ish or back to the default. */

import { useEffect, useRef, useState } from "preact/hooks";
import { api, type WorktreeDiff } from "../api";
import { shortCommit } from "../diff/view";
import type { Session } from "../protocol";
import type { DiffWorker } from "./DiffPane";
import { PencilIcon } from "./icons";
import { InlineError } from "./common";

interface Props {
  session: Session;
  worker: DiffWorker;
  diff: WorktreeDiff | null;
  onChanged: () => void;
}

export function BaseCommitEditor({ session, worker, diff, onChanged }: Props) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const apply = async (base: string | null) => {
    setBusy(true);
    try {
      await api.setBaseCommit(session.id, worker.id, base);
      setEditing(false);
      setError(null);
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const chosen = worker.baseCommit !== undefined && worker.baseCommit !== "";
  if (!editing) {
    return (
      <span class="base-commit">
        <span class="muted">Base</span>
        <code title={diff?.baseCommit}>{diff === null ? "…" : shortCommit(diff.baseCommit)}</code>
        <span class="muted small wide-only">{chosen ? "(chosen)" : "(merge-base with the default branch)"}</span>
        <button
          type="button"
          class="icon-button"
          title="Change the base commit"
          aria-label="Change base commit"
          onClick={() => {
            setValue(worker.baseCommit ?? "");
            setError(null);
            setEditing(true);
          }}
        >
          <PencilIcon />
        </button>
      </span>
    );
  }
  return (
    <form class="base-edit" onSubmit={(e) => (e.preventDefault(), void apply(value.trim() === "" ? null : value.trim()))}>
      <input
        class="input mono"
        ref={input}
        value={value}
        aria-label="Base commit"
        placeholder="commit, branch or tag"
        spellcheck={false}
        autoComplete="off"
        onInput={(e) => (setValue(e.currentTarget.value), setError(null))}
        onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
      />
      <button type="submit" class="button small primary" disabled={busy}>
        Apply
      </button>
      {chosen && (
        <button type="button" class="button small" disabled={busy} onClick={() => void apply(null)} title="Back to the merge-base with the default branch">
          Default
        </button>
      )}
      <button type="button" class="button small subtle" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <InlineError error={error} />
    </form>
  );
}
