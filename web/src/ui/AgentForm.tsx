/** Create or edit a custom agent; every problem the server finds appears under its field at once. */

import { useState } from "preact/hooks";
import { api, ApiError, fieldErrors, type AgentFields } from "../api";
import type { Agent } from "../protocol";
import { Field, FormEnd, Modal } from "./common";
import { reloadAgents } from "./hooks";

const FIELDS = ["name", "description", "commandTemplate", "continueTemplate", "headlessTemplate", "askingPatterns"] as const;
type FieldName = (typeof FIELDS)[number];
type Values = Record<FieldName, string>;

function initial(agent: Agent | null): Values {
  return {
    name: agent?.name ?? "",
    description: agent?.description ?? "",
    commandTemplate: agent?.commandTemplate ?? "",
    continueTemplate: agent?.continueTemplate ?? "",
    headlessTemplate: agent?.headlessTemplate ?? "",
    askingPatterns: (agent?.activityPatterns?.askingPatterns ?? []).join("\n"),
  };
}

export function AgentForm({ agent, onClose }: { agent: Agent | null; onClose: () => void }) {
  const [values, setValues] = useState<Values>(() => initial(agent));
  const [errors, setErrors] = useState<Partial<Record<FieldName | "form", string>>>({});
  const [busy, setBusy] = useState(false);

  const set = (name: FieldName) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setValues((v) => ({ ...v, [name]: value }));
    setErrors((e) => ({ ...e, [name]: undefined }));
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const body = toBody(values, agent !== null);
      if (agent === null) await api.createAgent(body);
      else await api.updateAgent(agent.id, body);
      await reloadAgents();
      onClose();
    } catch (e) {
      setErrors(placeError(e));
      setBusy(false);
    }
  };

  const text = (name: FieldName, label: string, hint?: string, mono = true) => (
    <Field label={label} error={errors[name]} {...(hint === undefined ? {} : { hint })}>
      <input class={mono ? "input mono" : "input"} name={name} value={values[name]} onInput={set(name)} spellcheck={false} />
    </Field>
  );
  return (
    <Modal title={agent === null ? "New agent" : `Edit ${agent.name}`} onClose={onClose} wide>
      <form class="modal-body form" onSubmit={submit} noValidate>
        {text("name", "Name", undefined, false)}
        {text("description", "Description", "Optional.", false)}
        {text("commandTemplate", "Command", "How to start it, e.g. mycli --cwd {{cwd}} {{prompt}}")}
        {text("continueTemplate", "Continue command", "Optional: how to resume the last conversation.")}
        {text("headlessTemplate", "Headless command", "Optional: a one-shot, non-interactive run.")}
        <Field label="Asking patterns" error={errors.askingPatterns} hint="Optional: one regular expression per line that marks a question on screen.">
          <textarea class="input mono" name="askingPatterns" rows={3} value={values.askingPatterns} onInput={set("askingPatterns")} spellcheck={false} />
        </Field>
        <FormEnd error={errors.form} busy={busy} onCancel={onClose} submit={agent === null ? "Add agent" : "Save"} />
      </form>
    </Modal>
  );
}

function toBody(values: Values, editing: boolean): AgentFields {
  // On edit an empty field clears the value; on create it is simply left out.
  const optional = (value: string): string | null | undefined =>
    value.trim() !== "" ? value.trim() : editing ? null : undefined;
  const patterns = values.askingPatterns.split("\n").map((p) => p.trim()).filter((p) => p !== "");
  const body: AgentFields = { name: values.name.trim(), commandTemplate: values.commandTemplate.trim() };
  for (const key of ["description", "continueTemplate", "headlessTemplate"] as const) {
    const value = optional(values[key]);
    if (value !== undefined) body[key] = value;
  }
  if (patterns.length > 0 || editing) body.activityPatterns = { askingPatterns: patterns };
  return body;
}

function placeError(error: unknown): Partial<Record<FieldName | "form", string>> {
  if (!(error instanceof ApiError)) return { form: String(error) };
  return fieldErrors<FieldName>(error, FIELDS, { activityPatterns: "askingPatterns" });
}
