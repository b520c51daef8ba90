/** Registers a git repository by its path; the server's refusal shows under the field. */

import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { Field, FormEnd, Modal } from "./common";
import { useServices } from "./hooks";

export function AddRepositoryDialog({ onClose }: { onClose: () => void }) {
  const { repositories } = useServices();
  const [path, setPath] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = path.trim();
    if (!trimmed.startsWith("/")) return setError("Enter the repository's absolute path, such as /home/you/project.");
    setBusy(true);
    try {
      await api.addRepository(trimmed);
      await repositories.reload();
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <Modal title="Add repository" onClose={onClose}>
      <form class="modal-body form" onSubmit={submit} noValidate>
        <Field label="Repository path" error={error} hint="The folder of a git repository on the machine running the server.">
          <input
            class="input mono"
            name="path"
            value={path}
            placeholder="/home/you/project"
            autoComplete="off"
            spellcheck={false}
            ref={input}
            onInput={(e) => {
              setPath(e.currentTarget.value);
              setError(null);
            }}
          />
        </Field>
        <FormEnd busy={busy} onCancel={onClose} submit={busy ? "Adding…" : "Add repository"} />
      </form>
    </Modal>
  );
}
