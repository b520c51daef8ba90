/**
 * The keyboard shortcuts at work: one capture-phase listener on the window resolves each key
 * press with keymap.ts and runs the handler that the page on screen registered for it
 * (useCommand). A key with no handler here is left alone, so it reaches the terminal or field.
 */

import { useEffect, useRef } from "preact/hooks";
import { resolve, type Command, type KeyContext, type Resolved } from "../keymap";

type Handler = (resolved: Resolved) => void;

const handlers = new Map<Command, Handler[]>();

/** Runs `handler` for `command` while the calling component is mounted (the latest one wins). */
export function useCommand(command: Command, handler: Handler | null): void {
  const latest = useRef(handler);
  latest.current = handler;
  const enabled = handler !== null;
  useEffect(() => {
    if (!enabled) return;
    const run: Handler = (resolved) => latest.current?.(resolved);
    handlers.set(command, [...(handlers.get(command) ?? []), run]);
    return () => handlers.set(command, (handlers.get(command) ?? []).filter((h) => h !== run));
  }, [command, enabled]);
}

/** Runs the handler registered for `command`, as its key would (a button's way to the palette). */
export function runCommand(command: Command): void {
  handlers.get(command)?.at(-1)?.({ command });
}

/** Where a key press lands: in a terminal, in a text field, or elsewhere on the page. */
export function keyContext(target: EventTarget | null): KeyContext {
  if (!(target instanceof Element)) return "page";
  if (target.closest(".xterm, .terminal-host") !== null) return "terminal"; // .terminal-host: before xterm.js opens
  if (target instanceof HTMLInputElement) return ["checkbox", "radio", "button", "submit"].includes(target.type) ? "page" : "field";
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return "field";
  return target.closest("[contenteditable]") !== null ? "field" : "page";
}

function onKeyDown(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.isComposing) return;
  // An open dialog (the palette, this list, a form) has the keyboard to itself.
  if (document.querySelector('[role="dialog"][aria-modal="true"]') !== null) return;
  const resolved = resolve(event, keyContext(event.target));
  if (resolved === null) return;
  const handler = handlers.get(resolved.command)?.at(-1);
  if (handler === undefined) return;
  event.preventDefault();
  event.stopPropagation();
  handler(resolved);
}

/** Installs the listener (once, for the page's life); returns its removal. */
export function installShortcuts(): () => void {
  window.addEventListener("keydown", onKeyDown, true);
  return () => window.removeEventListener("keydown", onKeyDown, true);
}
