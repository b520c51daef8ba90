/** Starts a quick session: a directory, an agent or a plain shell, an initial prompt, a title. */

import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, errorField, type NewSession } from "../api";
import type { Agent } from "../protocol";
import { Field, Modal } from "./common";
import { navigate } from "./navigation";

const FIELDS = ["locationPath", "agentId", "initialPrompt", "title"] as const;
type FieldName = (typeof FIELDS)[number];
const LAST_DIR = "agent-console:last-directory";
const SHELL = "";

export function NewSessionDialog({ agents, onClose }: { agents: Agent[]; onClose: () => void }) {
  const [locationPath, setLocationPath] = useState(() => localStorage.getItem(LAST_DIR) ?? "");
  const [agentId, setAgentId] = useState(SHELL);
  const [initialPrompt, setInitialPrompt] = useState("");
  const [title, setTitle] = useState("");
  const [errors, setErrors] = useState<Partial<Record<FieldName | "form", string>>>({});
  const [busy, setBusy] = useState(false);
  const directory = useRef<HTMLInputElement>(null);
  useEffect(() => directory.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const problem = checkDirectory(locationPath);
    if (problem !== null) return setErrors({ locationPath: problem });
    setBusy(true);
    try {
      const { session } = await api.createSession(body(locationPath, agentId, initialPrompt, title));
      localStorage.setItem(LAST_DIR, session.locationPath);
      onClose();
      navigate({ page: "session", sessionId: session.id, workerId: null });
    } catch (e) {
      setErrors(placeError(e));
      setBusy(false);
    }
  };

  return (
    <Modal title="New session" onClose={onClose}>
      <form class="modal-body form" onSubmit={submit} noValidate>
        <Field label="Directory" error={errors.locationPath} hint="An absolute path on the machine running the server.">
          <input
            class="input mono"
            name="locationPath"
            value={locationPath}
            placeholder="/home/you/project"
            autoComplete="off"
            spellcheck={false}
            ref={directory}
            onInput={(e) => {
              setLocationPath(e.currentTarget.value);
              setErrors((x) => ({ ...x, locationPath: undefined }));
            }}
          />
        </Field>
        <Field label="Run" error={errors.agentId}>
          <select class="input" name="agentId" value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
            <option value={SHELL}>Shell (terminal)</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
        {agentId !== SHELL && (
          <Field label="Initial prompt" error={errors.initialPrompt} hint="Optional: what the agent should start on.">
            <textarea class="input" name="initialPrompt" rows={3} value={initialPrompt} onInput={(e) => setInitialPrompt(e.currentTarget.value)} />
          </Field>
        )}
        <Field label="Title" error={errors.title} hint="Optional: defaults to the directory's name.">
          <input class="input" name="title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </Field>
        {errors.form !== undefined && (
          <p class="form-error" role="alert">
            {errors.form}
          </p>
        )}
        <footer class="modal-footer">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? "Starting…" : "Start session"}
          </button>
        </footer>
      </form>
    </Modal>
  );
}

function checkDirectory(path: string): string | null {
  if (path.trim() === "") return "Enter the directory to work in.";
  if (!path.trim().startsWith("/")) return "Use an absolute path, such as /home/you/project.";
  return null;
}

function body(locationPath: string, agentId: string, initialPrompt: string, title: string): NewSession {
  const request: NewSession = { type: "quick", locationPath: locationPath.trim() };
  if (agentId !== SHELL) request.agentId = agentId;
  if (agentId !== SHELL && initialPrompt.trim() !== "") request.initialPrompt = initialPrompt;
  if (title.trim() !== "") request.title = title.trim();
  return request;
}

function placeError(error: unknown): Partial<Record<FieldName | "form", string>> {
  if (!(error instanceof ApiError)) return { form: String(error) };
  const field = error.status === 400 ? errorField(error, FIELDS) : null;
  return { [field ?? "form"]: error.message };
}
