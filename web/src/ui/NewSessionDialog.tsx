/**
 * Starts a session: a quick one in any directory, or (given `worktree`) a worktree session in that
 * worktree; with an agent or a plain shell, an initial prompt, a title.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, errorField, type NewSession } from "../api";
import type { Agent, Worktree } from "../protocol";
import { AgentOptions, NotInstalledHint } from "./AgentChoice";
import { expandHome, rememberDirectory } from "../directory-suggestions";
import { Field, FormEnd, Modal } from "./common";
import { DirectoryField, recentDirectories, storeRecentDirectories } from "./DirectoryField";
import { navigate } from "./navigation";

const FIELDS = ["locationPath", "agentId", "initialPrompt", "title"] as const;
type FieldName = (typeof FIELDS)[number];
const LAST_DIR = "agent-console:last-directory";
const SHELL = "";

interface Props {
  agents: readonly Agent[];
  onClose: () => void;
  worktree?: Worktree;
}

export function NewSessionDialog({ agents, onClose, worktree }: Props) {
  const [locationPath, setLocationPath] = useState(() => worktree?.path ?? localStorage.getItem(LAST_DIR) ?? "");
  const [agentId, setAgentId] = useState(SHELL);
  const [initialPrompt, setInitialPrompt] = useState("");
  const [title, setTitle] = useState("");
  const [errors, setErrors] = useState<Partial<Record<FieldName | "form", string>>>({});
  const [busy, setBusy] = useState(false);
  const [home, setHome] = useState<string | null>(null);
  const directory = useRef<HTMLInputElement>(null);
  useEffect(() => directory.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const problem = checkDirectory(locationPath);
    if (problem !== null) return setErrors({ locationPath: problem });
    setBusy(true);
    try {
      const { session } = await api.createSession(body(expandHome(locationPath.trim(), home), agentId, initialPrompt, title, worktree));
      if (worktree === undefined) {
        localStorage.setItem(LAST_DIR, session.locationPath);
        storeRecentDirectories(rememberDirectory(recentDirectories(), session.locationPath));
      }
      onClose();
      navigate({ page: "session", sessionId: session.id, workerId: null });
    } catch (e) {
      setErrors(placeError(e, worktree === undefined ? FIELDS : FIELDS.filter((f) => f !== "locationPath")));
      setBusy(false);
    }
  };

  return (
    <Modal title={worktree === undefined ? "New session" : `New session on ${worktree.branch || "detached HEAD"}`} onClose={onClose}>
      <form class="modal-body form" onSubmit={submit} noValidate>
        {worktree !== undefined ? (
          <p class="muted">
            In the worktree <code class="path-wrap">{worktree.path}</code>
          </p>
        ) : (
          <div class={errors.locationPath === undefined ? "field" : "field invalid"}>
            <label class="field-label" for="new-session-directory">
              Directory
            </label>
            <DirectoryField
              id="new-session-directory"
              describedBy="new-session-directory-note"
              invalid={errors.locationPath !== undefined}
              value={locationPath}
              inputRef={directory}
              onHome={setHome}
              onInput={(value) => {
                setLocationPath(value);
                setErrors((x) => ({ ...x, locationPath: undefined }));
              }}
            />
            {errors.locationPath !== undefined ? (
              <span class="field-error" role="alert" id="new-session-directory-note">
                {errors.locationPath}
              </span>
            ) : (
              <span class="field-hint" id="new-session-directory-note">
                {directoryHint(locationPath, home)}
              </span>
            )}
          </div>
        )}
        <Field label="Run" error={errors.agentId}>
          <select class="input" name="agentId" value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
            <option value={SHELL}>Shell (terminal)</option>
            <AgentOptions agents={agents} />
          </select>
        </Field>
        <NotInstalledHint agents={agents} />
        {agentId !== SHELL && (
          <Field label="Initial prompt" error={errors.initialPrompt} hint="Optional: what the agent should start on.">
            <textarea class="input" name="initialPrompt" rows={3} value={initialPrompt} onInput={(e) => setInitialPrompt(e.currentTarget.value)} />
          </Field>
        )}
        <Field label="Title" error={errors.title} hint="Optional: defaults to the directory's name.">
          <input class="input" name="title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </Field>
        <FormEnd error={errors.form} busy={busy} onCancel={onClose} submit={busy ? "Starting…" : "Start session"} />
      </form>
    </Modal>
  );
}

function checkDirectory(path: string): string | null {
  const p = path.trim();
  if (p === "") return "Enter the directory to work in.";
  if (!p.startsWith("/") && p !== "~" && !p.startsWith("~/")) return "Use an absolute path, such as /home/you/project, or one under ~.";
  return null;
}

function directoryHint(path: string, home: string | null): string {
  const p = path.trim();
  if (home !== null && (p === "~" || p.startsWith("~/"))) return `On the server: ${expandHome(p, home)}`;
  return "An absolute path on the machine running the server; ~ is its home directory.";
}

function body(locationPath: string, agentId: string, initialPrompt: string, title: string, worktree?: Worktree): NewSession {
  const request: NewSession =
    worktree === undefined
      ? { type: "quick", locationPath: locationPath.trim() }
      : { type: "worktree", locationPath: worktree.path, repositoryId: worktree.repositoryId, worktreeId: worktree.branch };
  if (agentId !== SHELL) request.agentId = agentId;
  if (agentId !== SHELL && initialPrompt.trim() !== "") request.initialPrompt = initialPrompt;
  if (title.trim() !== "") request.title = title.trim();
  return request;
}

function placeError(error: unknown, fields: readonly FieldName[]): Partial<Record<FieldName | "form", string>> {
  if (!(error instanceof ApiError)) return { form: String(error) };
  const field = error.status === 400 ? errorField(error, fields) : null;
  return { [field ?? "form"]: error.message };
}
