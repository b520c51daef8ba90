/** Small presentational pieces shared by the pages: badges, modal, confirm dialog, field. */

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ActivityState, Worker } from "../protocol";
import { CloseIcon } from "./icons";

const ACTIVITY_LABEL: Record<ActivityState, string> = {
  active: "working",
  idle: "idle",
  asking: "asking",
  unknown: "unknown",
};

export function ActivityBadge({ state }: { state: ActivityState }) {
  return (
    <span class={`badge activity-${state}`} data-activity={state} title={`Agent is ${ACTIVITY_LABEL[state]}`}>
      <span class="dot" aria-hidden="true" />
      {ACTIVITY_LABEL[state]}
    </span>
  );
}

export function ActivityDot({ state }: { state: ActivityState }) {
  return <span class={`dot activity-${state}`} data-activity={state} title={ACTIVITY_LABEL[state]} />;
}

export function WorkerIcon({ worker }: { worker: Worker }) {
  const glyph = worker.type === "agent" ? "✦" : worker.type === "git-diff" ? "±" : "›_";
  return (
    <span class={`worker-icon worker-${worker.type}`} aria-hidden="true">
      {glyph}
    </span>
  );
}

export function exitText(exitCode: number | null | undefined, signal: string | null | undefined): string {
  if (signal !== null && signal !== undefined && signal !== "") return `killed by ${signal}`;
  return exitCode === null || exitCode === undefined ? "exited" : `exited with code ${exitCode}`;
}

export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const { onClose } = props;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div class="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div class={props.wide === true ? "modal wide" : "modal"} role="dialog" aria-modal="true" aria-label={props.title}>
        <header class="modal-header">
          <h2>{props.title}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={onClose}>
            <CloseIcon />
          </button>
        </header>
        {props.children}
      </div>
    </div>
  );
}

export function ConfirmDialog(props: {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  const confirm = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <Modal title={props.title} onClose={props.onClose}>
      <div class="modal-body">
        <p>{props.message}</p>
        {error !== null && <p class="form-error">{error}</p>}
      </div>
      <footer class="modal-footer">
        <button type="button" class="button" onClick={props.onClose}>
          Cancel
        </button>
        <button type="button" ref={button} class="button danger" disabled={busy} onClick={confirm}>
          {props.confirmLabel}
        </button>
      </footer>
    </Modal>
  );
}

export function Field(props: { label: string; error?: string | null; hint?: string; children: ComponentChildren }) {
  // Hint and error sit outside the <label>, so the control's accessible name is the label alone.
  return (
    <div class={props.error ? "field invalid" : "field"}>
      <label class="field-control">
        <span class="field-label">{props.label}</span>
        {props.children}
      </label>
      {props.error ? (
        <span class="field-error" role="alert">
          {props.error}
        </span>
      ) : (
        props.hint !== undefined && <span class="field-hint">{props.hint}</span>
      )}
    </div>
  );
}

/** A short error beside an inline control (announced to screen readers). */
export function InlineError(props: { error: string | null }) {
  return props.error === null ? null : (
    <span class="field-error" role="alert">
      {props.error}
    </span>
  );
}

/** The end of every dialog form: the form-level error, Cancel, and the submit button. */
export function FormEnd(props: { error?: string; busy: boolean; onCancel: () => void; submit: string }) {
  return (
    <>
      {props.error !== undefined && (
        <p class="form-error" role="alert">
          {props.error}
        </p>
      )}
      <footer class="modal-footer">
        <button type="button" class="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="button primary" disabled={props.busy}>
          {props.submit}
        </button>
      </footer>
    </>
  );
}
