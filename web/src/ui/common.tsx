/** Small presentational pieces shared by the pages: modal, confirm dialog, field, form end. */

import type { ComponentChildren } from "preact";
import { createPortal } from "preact/compat";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { CloseIcon } from "./icons";

/**
 * A modal dialog: Escape or a press on the backdrop closes it; Tab and Shift+Tab stay inside it;
 * on close, focus goes back to what had it when the dialog opened (the button that opened it).
 */
export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean; class?: string }) {
  const { onClose } = props;
  const dialog = useRef<HTMLDivElement>(null);
  // Layout effects: in place before the next key press is handled, however fast it comes.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && isTopmost(dialog.current)) onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  useFocusTrap(dialog);
  const classes = ["modal", props.wide === true ? "wide" : "", props.class ?? ""].filter((c) => c !== "").join(" ");
  // On the body: a dialog opened from inside a card is not held in the card's containment.
  return createPortal(
    <div class={props.class === "palette" ? "modal-backdrop top" : "modal-backdrop"} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div class={classes} role="dialog" aria-modal="true" aria-label={props.title} ref={dialog} tabIndex={-1} onKeyDown={(e) => trapTab(e, dialog.current)}>
        <header class="modal-header">
          <h2>{props.title}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={onClose}>
            <CloseIcon />
          </button>
        </header>
        {props.children}
      </div>
    </div>,
    document.body,
  );
}

/** Focus moves into the dialog when it opens (its own fields may take it after) and back out to
 * the element that had it when the dialog closes. */
function useFocusTrap(dialog: { current: HTMLDivElement | null }): void {
  useLayoutEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!(dialog.current?.contains(document.activeElement) ?? false)) dialog.current?.focus();
    return () => {
      if (opener !== null && opener.isConnected) opener.focus();
    };
  }, [dialog]);
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function trapTab(event: KeyboardEvent, dialog: HTMLElement | null): void {
  if (event.key !== "Tab" || dialog === null) return;
  const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
  const first = items[0];
  const last = items.at(-1);
  if (first === undefined || last === undefined) return event.preventDefault();
  const active = document.activeElement;
  if (event.shiftKey && (active === first || active === dialog)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || active === dialog)) {
    event.preventDefault();
    first.focus();
  }
}

/** Whether `dialog` is the last open dialog (Escape closes only the one on top). */
function isTopmost(dialog: HTMLElement | null): boolean {
  const open = document.querySelectorAll('[role="dialog"][aria-modal="true"]');
  return dialog !== null && open[open.length - 1] === dialog;
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
