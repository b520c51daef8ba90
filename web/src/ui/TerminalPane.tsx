/** Mounts one WorkerTerminal's element and shows its connection, exit and notice bars. */

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import type { Worker } from "../protocol";
import { Close } from "../protocol";
import type { WorkerTerminal } from "../terminal/worker-terminal";
import { exitText } from "./common";
import { useExternal, useNow } from "./hooks";
import { KeyRow } from "./KeyRow";

interface Props {
  sessionId: string;
  worker: Worker;
  terminal: WorkerTerminal;
  visible: boolean;
}

export function TerminalPane({ sessionId, worker, terminal, visible }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const status = useExternal(
    useCallback((l: () => void) => terminal.subscribe(l), [terminal]),
    () => terminal.status,
  );

  useEffect(() => {
    host.current?.appendChild(terminal.element);
  }, [terminal]);

  useEffect(() => {
    if (!visible) return;
    terminal.open();
    terminal.fit();
    terminal.focus();
  }, [terminal, visible]);

  const exited = worker.status !== undefined ? worker.status === "exited" : status.exit !== null;
  const exit = status.exit ?? { exitCode: worker.exitCode ?? null, signal: worker.signal ?? null };
  return (
    <div class={visible ? "terminal-pane" : "terminal-pane hidden"} data-worker-id={worker.id}>
      <ConnectionBar terminal={terminal} />
      {exited && (
        <ExitBar
          text={`${worker.name} ${exitText(exit.exitCode, exit.signal)}.`}
          onRestart={async () => {
            await api.restartWorker(sessionId, worker.id);
            terminal.clearExit();
            terminal.focus();
          }}
        />
      )}
      {status.notice !== null && <div class="term-bar notice">{status.notice}</div>}
      <div class="terminal-frame" ref={host} />
      <KeyRow terminal={terminal} ctrlArmed={status.ctrlArmed} />
    </div>
  );
}

function ConnectionBar({ terminal }: { terminal: WorkerTerminal }) {
  const connection = terminal.status.connection;
  const now = useNow(500, connection.kind === "waiting");
  if (connection.kind === "closed" && connection.code === Close.NORMAL && connection.reason !== "client closed") {
    return <div class="term-bar gone">This worker was removed.</div>;
  }
  if (connection.kind === "closed" && connection.code === Close.NOT_FOUND) {
    return <div class="term-bar gone">This worker no longer exists.</div>;
  }
  if (connection.kind === "waiting") {
    const seconds = Math.max(0, Math.ceil((connection.retryAt - now) / 1000));
    const why = connection.code === Close.TOO_BIG ? "A message was too large for the server. " : "";
    return (
      <div class="term-bar warn" data-testid="terminal-banner">
        {why}Terminal disconnected. Reconnecting in {seconds} s…
        <button type="button" class="link-button" onClick={() => terminal.retryNow()}>
          Retry now
        </button>
      </div>
    );
  }
  if (connection.kind === "connecting" && connection.attempt > 0) {
    return <div class="term-bar warn" data-testid="terminal-banner">Reconnecting…</div>;
  }
  return null;
}

function ExitBar({ text, onRestart }: { text: string; onRestart: () => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div class="term-bar exited" data-testid="exit-bar">
      <span>{text}</span>
      <button
        type="button"
        class="button small primary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onRestart();
            setError(null);
          } catch (e) {
            setError(e instanceof Error ? e.message : String(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        Restart
      </button>
      {error !== null && <span class="field-error">{error}</span>}
    </div>
  );
}
