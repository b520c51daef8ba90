/**
 * Creates a worktree of a repository in one of three ways — a new branch from a base, an existing
 * branch, or a branch named from a prompt — optionally starting a session in it at once, then
 * says how the branch got its name.
 */

import { useEffect, useState } from "preact/hooks";
import { api, ApiError, errorField, type Branches, type CreatedWorktree, type NewWorktree, type WorktreeMode } from "../api";
import type { Agent, Repository, Worktree } from "../protocol";
import { AgentOptions, NotInstalledHint } from "./AgentChoice";
import { Field, FormEnd, Modal } from "./common";
import { useServices } from "./hooks";
import { CreatedSummary } from "./CreatedWorktree";

const FIELDS = ["branch", "baseBranch", "initialPrompt", "agentId", "title"] as const;
type FieldName = (typeof FIELDS)[number];
type Errors = Partial<Record<FieldName | "form", string>>;
const NO_SESSION = "";
const SHELL = "shell";

const MODES: { mode: WorktreeMode; label: string; hint: string }[] = [
  { mode: "custom", label: "New branch", hint: "A new branch from a base branch." },
  { mode: "existing", label: "Existing branch", hint: "Check out a branch that exists." },
  { mode: "prompt", label: "From a prompt", hint: "Describe the task; the branch is named after it." },
];

interface Props {
  repository: Repository;
  worktrees: readonly Worktree[];
  agents: readonly Agent[];
  onClose: () => void;
}

export function NewWorktreeDialog({ repository, worktrees, agents, onClose }: Props) {
  const { repositories } = useServices();
  const branches = useBranches(repository.id);
  const [mode, setMode] = useState<WorktreeMode>("custom");
  const [values, setValues] = useState({ branch: "", baseBranch: "", existing: "", initialPrompt: "", title: "" });
  const [start, setStart] = useState(SHELL);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedWorktree | null>(null);

  const set = (name: keyof typeof values) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setValues((v) => ({ ...v, [name]: value }));
    setErrors((e) => ({ ...e, [name === "existing" ? "branch" : name]: undefined, form: undefined }));
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    const problem = check(mode, values);
    if (problem !== null) return setErrors(problem);
    setBusy(true);
    try {
      const result = await api.createWorktree(repository.id, body(mode, values, start, branches.data));
      void repositories.reload();
      setCreated(result);
    } catch (e) {
      setErrors(placeError(e, visibleFields(mode, start)));
      setBusy(false);
    }
  };

  if (created !== null) return <CreatedSummary created={created} onClose={onClose} />;
  const inUse = new Set(worktrees.map((w) => w.branch));
  const base = values.baseBranch || branches.data?.defaultBranch || "";
  return (
    <Modal title={`New worktree of ${repository.name}`} onClose={onClose} wide>
      <form class="modal-body form" onSubmit={submit} noValidate>
        <div class="segmented" role="radiogroup" aria-label="How to pick the branch">
          {MODES.map((m) => (
            <label key={m.mode} class={m.mode === mode ? "segment selected" : "segment"} title={m.hint}>
              <input type="radio" name="mode" value={m.mode} checked={m.mode === mode} onChange={() => (setMode(m.mode), setErrors({}))} />
              {m.label}
            </label>
          ))}
        </div>
        <p class="muted small">{MODES.find((m) => m.mode === mode)?.hint}</p>
        {branches.error !== null && <p class="form-error">Could not list branches: {branches.error}</p>}
        {mode === "custom" && (
          <Field label="Branch name" error={errors.branch} hint="A new branch, e.g. feature/login-form.">
            <input class="input mono" name="branch" value={values.branch} onInput={set("branch")} autoComplete="off" spellcheck={false} />
          </Field>
        )}
        {mode === "existing" && (
          <Field label="Branch" error={errors.branch}>
            <select class="input mono" name="existing" value={values.existing} onChange={set("existing")}>
              <option value="">{branches.data === null ? "Loading branches…" : "Choose a branch"}</option>
              {(branches.data?.local ?? []).map((b) => (
                <option key={b} value={b} disabled={inUse.has(b)}>
                  {inUse.has(b) ? `${b} (checked out)` : b}
                </option>
              ))}
            </select>
          </Field>
        )}
        {mode === "prompt" && (
          <Field label="What should be done?" error={errors.initialPrompt} hint="Also the agent's first prompt if you start one below.">
            <textarea class="input" name="initialPrompt" rows={3} value={values.initialPrompt} onInput={set("initialPrompt")} />
          </Field>
        )}
        {mode !== "existing" && (
          <Field label="Base branch" error={errors.baseBranch}>
            <select class="input mono" name="baseBranch" value={base} onChange={set("baseBranch")}>
              <BranchOptions branches={branches.data} />
            </select>
          </Field>
        )}
        <Field label="Start a session" error={errors.agentId} hint={mode === "prompt" && start !== SHELL && start !== NO_SESSION ? "The agent may name the branch, if it has a headless command." : undefined}>
          <select class="input" name="agentId" value={start} onChange={(e) => setStart(e.currentTarget.value)}>
            <option value={NO_SESSION}>No session</option>
            <option value={SHELL}>Shell (terminal)</option>
            <AgentOptions agents={agents} />
          </select>
        </Field>
        <NotInstalledHint agents={agents} />
        {mode !== "prompt" && start !== NO_SESSION && start !== SHELL && (
          <Field label="Initial prompt" error={errors.initialPrompt} hint="Optional: what the agent should start on.">
            <textarea class="input" name="initialPrompt" rows={2} value={values.initialPrompt} onInput={set("initialPrompt")} />
          </Field>
        )}
        {start !== NO_SESSION && (
          <Field label="Session title" error={errors.title} hint="Optional.">
            <input class="input" name="title" value={values.title} onInput={set("title")} />
          </Field>
        )}
        <FormEnd error={errors.form} busy={busy} onCancel={onClose} submit={busy ? (mode === "prompt" ? "Naming the branch…" : "Creating…") : "Create worktree"} />
      </form>
    </Modal>
  );
}

function BranchOptions({ branches }: { branches: Branches | null }) {
  if (branches === null) return <option value="">Loading branches…</option>;
  return (
    <>
      <optgroup label="Local">
        {branches.local.map((b) => (
          <option key={b} value={b}>
            {b === branches.defaultBranch ? `${b} (default)` : b}
          </option>
        ))}
      </optgroup>
      {branches.remote.length > 0 && (
        <optgroup label="Remote">
          {branches.remote.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </optgroup>
      )}
    </>
  );
}

function useBranches(repositoryId: string): { data: Branches | null; error: string | null } {
  const [state, setState] = useState<{ data: Branches | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    let live = true;
    api.listBranches(repositoryId).then(
      (data) => live && setState({ data, error: null }),
      (e: unknown) => live && setState({ data: null, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => void (live = false);
  }, [repositoryId]);
  return state;
}

type Values = { branch: string; baseBranch: string; existing: string; initialPrompt: string; title: string };

function check(mode: WorktreeMode, values: Values): Errors | null {
  if (mode === "custom" && values.branch.trim() === "") return { branch: "Name the new branch." };
  if (mode === "existing" && values.existing === "") return { branch: "Choose the branch to check out." };
  if (mode === "prompt" && values.initialPrompt.trim() === "") return { initialPrompt: "Describe the task: the branch is named after it." };
  return null;
}

function body(mode: WorktreeMode, values: Values, start: string, branches: Branches | null): NewWorktree {
  const request: NewWorktree = { mode, autoStartSession: start !== NO_SESSION };
  if (mode === "custom") request.branch = values.branch.trim();
  if (mode === "existing") request.branch = values.existing;
  const base = values.baseBranch || branches?.defaultBranch;
  if (mode !== "existing" && base !== undefined && base !== "") request.baseBranch = base;
  if (start !== NO_SESSION && start !== SHELL) request.agentId = start;
  const prompt = values.initialPrompt.trim();
  if (prompt !== "" && (mode === "prompt" || request.agentId !== undefined)) request.initialPrompt = prompt;
  if (start !== NO_SESSION && values.title.trim() !== "") request.title = values.title.trim();
  return request;
}

/** The fields the form shows in this mode: an error about another one goes at the bottom. */
function visibleFields(mode: WorktreeMode, start: string): FieldName[] {
  const agent = start !== NO_SESSION && start !== SHELL;
  return FIELDS.filter((f) => {
    if (f === "branch") return mode !== "prompt";
    if (f === "baseBranch") return mode !== "existing";
    if (f === "initialPrompt") return mode === "prompt" || agent;
    return f === "agentId" || start !== NO_SESSION;
  });
}

function placeError(error: unknown, fields: readonly FieldName[]): Errors {
  if (!(error instanceof ApiError)) return { form: String(error) };
  const field = error.status === 400 || error.status === 409 ? errorField(error, fields) : null;
  return { [field ?? "form"]: error.message };
}
