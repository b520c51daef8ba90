/**
 * Notifications that reach you away from this browser: a command the server runs (the event's
 * JSON on its stdin) and a webhook (ntfy, Slack or plain JSON), each time an agent asks or
 * finishes. The settings live in notifications.json in the server's data directory.
 */

import { useEffect, useState } from "preact/hooks";
import { api, type NotifierConfig, type NotifierStatus } from "../api";
import { Field, Modal } from "./common";
import { SendIcon } from "./icons";
import "./notifier.css";

export function NotifierButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="button small subtle" title="Notifications by command or webhook (ntfy, Slack)" aria-label="Notifications" onClick={() => setOpen(true)}>
        <SendIcon /> <span class="wide-only notify-label">Notifications</span>
      </button>
      {open && <NotifierSettings onClose={() => setOpen(false)} />}
    </>
  );
}

type Format = NotifierConfig["webhookFormat"];
const FORMATS: readonly [Format, string][] = [
  ["ntfy", "ntfy"],
  ["slack", "Slack"],
  ["json", "JSON (the event)"],
];

export function NotifierSettings({ onClose }: { onClose: () => void }) {
  const [status, setStatus] = useState<NotifierStatus | null>(null);
  const [draft, setDraft] = useState<NotifierConfig | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.getNotifier().then(
      (s) => {
        setStatus(s);
        setDraft(s.config);
      },
      (e: unknown) => setMessage({ error: true, text: e instanceof Error ? e.message : String(e) }),
    );
  }, []);

  const run = async (call: () => Promise<string>) => {
    setBusy(true);
    try {
      setMessage({ error: false, text: await call() });
    } catch (e) {
      setMessage({ error: true, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  const config = draft === null ? null : cleaned(draft);
  const save = (event: Event) => {
    event.preventDefault();
    if (config === null) return;
    void run(async () => {
      const saved = await api.saveNotifier(config);
      setStatus(saved);
      setDraft(saved.config);
      return "Saved.";
    });
  };
  const test = () => {
    if (config === null) return;
    void run(async () => {
      const { results } = await api.testNotifier(config);
      const failed = Object.entries(results).filter(([, error]) => error !== null);
      if (failed.length > 0) throw new Error(failed.map(([way, error]) => `${way}: ${error ?? ""}`).join("\n"));
      return `Test sent by ${Object.keys(results).join(" and ")}.`;
    });
  };
  const set = (change: Partial<NotifierConfig>) => draft !== null && setDraft({ ...draft, ...change });
  const toggle = (kind: "asking" | "finished", on: boolean) =>
    draft !== null && set({ events: on ? [...new Set([...draft.events, kind])] : draft.events.filter((e) => e !== kind) });

  return (
    <Modal title="Notifications" onClose={onClose}>
      {draft === null ? (
        <div class="modal-body">{message?.text ?? "Loading…"}</div>
      ) : (
        <form class="modal-body form notifier-form" onSubmit={save} noValidate>
          {status?.problem != null && <p class="form-error">{status.problem}</p>}
          <fieldset class="notifier-events">
            <legend class="field-label">Notify when an agent</legend>
            <label>
              <input type="checkbox" checked={draft.events.includes("asking")} onChange={(e) => toggle("asking", e.currentTarget.checked)} /> asks
            </label>
            <label>
              <input type="checkbox" checked={draft.events.includes("finished")} onChange={(e) => toggle("finished", e.currentTarget.checked)} /> finishes
            </label>
          </fieldset>
          <Field label="Webhook URL" hint="An ntfy topic URL (https://ntfy.sh/your-topic), a Slack incoming webhook, or any URL taking JSON.">
            <input class="input mono" type="url" value={draft.webhookUrl ?? ""} placeholder="https://ntfy.sh/your-topic" onInput={(e) => set({ webhookUrl: e.currentTarget.value })} />
          </Field>
          <Field label="Webhook format">
            <select class="input" value={draft.webhookFormat} onChange={(e) => set({ webhookFormat: e.currentTarget.value as Format })}>
              {FORMATS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Command" hint="Run by the server with sh -c; the event's JSON (title, message, question, url…) is on its stdin.">
            <input class="input mono" value={draft.command ?? ""} placeholder="notify-send-json.sh" spellcheck={false} onInput={(e) => set({ command: e.currentTarget.value })} />
          </Field>
          <Field label="Links open" hint={`How a notification's link starts; by default ${status?.defaultLinkBase ?? "this server's address"}. Links never hold the access token.`}>
            <input class="input mono" type="url" value={draft.linkBase ?? ""} placeholder={status?.defaultLinkBase} onInput={(e) => set({ linkBase: e.currentTarget.value })} />
          </Field>
          {status?.lastSentAt != null && (
            <p class="muted small">
              Last sent {new Date(status.lastSentAt).toLocaleString()}
              {status.lastError !== null ? ` — failed: ${status.lastError}` : "."}
            </p>
          )}
          {message !== null && (
            <p class={message.error ? "form-error" : "form-ok"} role={message.error ? "alert" : "status"}>
              {message.text}
            </p>
          )}
          <footer class="modal-footer">
            <button type="button" class="button" disabled={busy} onClick={test}>
              Send a test
            </button>
            <button type="submit" class="button primary" disabled={busy}>
              Save
            </button>
          </footer>
        </form>
      )}
    </Modal>
  );
}

/** Empty text fields are absent settings. */
function cleaned(config: NotifierConfig): NotifierConfig {
  const text = (value: string | null | undefined) => (value == null || value.trim() === "" ? null : value.trim());
  return { ...config, command: text(config.command), webhookUrl: text(config.webhookUrl), linkBase: text(config.linkBase) };
}
