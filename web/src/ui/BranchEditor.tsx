/** A worktree session's branch: shown, and renamed in git in place (PATCH branch; errors shown). */

import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import type { Session } from "../protocol";
import { BranchIcon, PencilIcon } from "./icons";
import { InlineError } from "./common";

export function BranchEditor({ session }: { session: Session }) {
  const branch = session.worktreeId ?? "";
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(branch);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const save = async () => {
    const name = value.trim();
    if (name === "" || name === branch) return setEditing(false);
    setBusy(true);
    try {
      await api.updateSession(session.id, { branch: name });
      setEditing(false);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  if (!editing) {
    return (
      <span class="branch-chip" data-testid="session-branch">
        <BranchIcon />
        <span class="mono">{branch}</span>
        <button
          type="button"
          class="icon-button"
          title="Rename branch"
          aria-label="Rename branch"
          onClick={() => {
            setValue(branch);
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
    <form class="branch-edit" onSubmit={(e) => (e.preventDefault(), void save())}>
      <input
        class="input mono"
        ref={input}
        value={value}
        aria-label="Branch name"
        spellcheck={false}
        autoComplete="off"
        onInput={(e) => (setValue(e.currentTarget.value), setError(null))}
        onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
      />
      <button type="submit" class="button small primary" disabled={busy}>
        Rename
      </button>
      <button type="button" class="button small subtle" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <InlineError error={error} />
    </form>
  );
}
