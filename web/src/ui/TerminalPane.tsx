/** Mounts one WorkerTerminal's elements and shows its connection, exit, notice and answer bars,
 * and what floats over it (TerminalOverlays). */

import { useCallback, useLayoutEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import type { Worker } from "../protocol";
import { Close } from "../protocol";
import type { Place } from "../router";
import { OFFLINE_INPUT_LIMIT } from "../terminal/input-queue";
import { openQuestion } from "../triage";
import type { WorkerTerminal } from "../terminal/worker-terminal";
import { exitText } from "./marks";
import { useExternal, useNow } from "./hooks";
import { KeyRow } from "./KeyRow";
import { QuestionAnswer } from "./QuestionAnswer";
import { QueuedMessages } from "./QueuedMessages";
import type { RestartMode } from "./Restart";
import { TerminalOverlays } from "./TerminalOverlays";

interface Props {
  sessionId: string;
  /** Null while the app state is on its way (a page opened on this worker): the terminal only,
   * its size not yet told to the server (the bars around it may still change it). */
  worker: Worker | null;
  terminal: WorkerTerminal;
  visible: boolean;
  /** Whether the exit bar offers "Restart fresh" beside Restart (see canStartFresh). */
  fresh: boolean;
  /** A place in the output to show at once (a link: `?offset=…&q=…`). */
  at?: Place | null;
}

export function TerminalPane({ sessionId, worker, terminal, visible, fresh, at = null }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const status = useExternal(
    useCallback((l: () => void) => terminal.subscribe(l), [terminal]),
    () => terminal.status,
  );

  // Before the browser paints: a terminal shown as the page loads starts on its history at once
  // (xterm.js itself opens in a task of its own, see WorkerTerminal.open).
  useLayoutEffect(() => {
    host.current?.append(terminal.element, terminal.history.element);
  }, [terminal]);

  // The page around a terminal whose worker is not known yet is not laid out for good.
  const known = worker !== null;
  useLayoutEffect(() => terminal.holdSize(!known), [terminal, known]);

  useLayoutEffect(() => {
    terminal.setVisible(visible);
    if (!visible) return;
    terminal.open();
    terminal.fit();
    // Shown as the page loads: a dialog opened meanwhile (the palette) keeps the keys.
    if (document.querySelector('[role="dialog"][aria-modal="true"]') === null) terminal.focus();
  }, [terminal, visible]);

  // Until the worker is known, only the terminal: its bars wait for the worker (the URL may
  // name a diff review, or no worker at all).
  const exited = worker !== null && (worker.status !== undefined ? worker.status === "exited" : status.exit !== null);
  const exit = status.exit ?? { exitCode: worker?.exitCode ?? null, signal: worker?.signal ?? null };
  return (
    <div class={visible ? "terminal-pane" : "terminal-pane hidden"} data-worker-id={terminal.workerId}>
      {known && <ConnectionBar terminal={terminal} />}
      {exited && worker !== null && (
        <ExitBar
          text={`${worker.name} ${exitText(exit.exitCode, exit.signal)}.`}
          fresh={fresh}
          onRestart={async (mode) => {
            await api.restartWorker(sessionId, worker.id, mode === "continue");
            terminal.clearExit();
            terminal.focus();
          }}
        />
      )}
      {status.progress !== null && <div class="term-bar progress">{status.progress}</div>}
      {status.notice !== null && <div class="term-bar notice">{status.notice}</div>}
      <div class={status.history.open ? "terminal-frame history-open" : "terminal-frame"}>
        <div class="terminal-mount" ref={host} />
        <TerminalOverlays terminal={terminal} status={status} visible={visible} at={at} />
      </div>
      {worker !== null && <AnswerBar sessionId={sessionId} worker={worker} onAnswered={() => terminal.focus()} />}
      {worker?.type === "agent" && <QueuedMessages sessionId={sessionId} worker={worker} />}
      <KeyRow terminal={terminal} ctrlArmed={status.ctrlArmed} />
    </div>
  );
}

/** An asking agent's question, answered right under its terminal as from its dashboard card (a
 * notification opens this page): its buttons, and the question named in one line — the terminal
 * above shows it whole. Answered, the terminal has the keys again. */
function AnswerBar(props: { sessionId: string; worker: Worker; onAnswered: () => void }) {
  const { sessionId, worker, onAnswered } = props;
  const question = openQuestion(worker);
  if (question === null) return null;
  return (
    <div class="term-bar answer-bar" data-testid="answer-bar">
      <span class="answer-bar-text" title={question.text}>
        {question.text}
      </span>
      <QuestionAnswer sessionId={sessionId} workerId={worker.id} question={question} details={false} onAnswered={onAnswered} />
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
        <OfflineInput queued={terminal.status.queued} refused={terminal.status.refused} />
      </div>
    );
  }
  if (connection.kind === "connecting" && connection.attempt > 0) {
    return (
      <div class="term-bar warn" data-testid="terminal-banner">
        Reconnecting…
        <OfflineInput queued={terminal.status.queued} refused={terminal.status.refused} />
      </div>
    );
  }
  return null;
}

/** What happens to typing while disconnected: queued (and how much), or refused. */
function OfflineInput({ queued, refused }: { queued: number; refused: number }) {
  const text =
    refused > 0
      ? `Typing is not being sent: ${refused} characters refused (only ${OFFLINE_INPUT_LIMIT} are kept while disconnected).`
      : queued > 0
        ? `${queued} typed characters will be sent when it reconnects.`
        : "What you type is sent when it reconnects.";
  return (
    <span class={refused > 0 ? "offline-input refused" : "offline-input"} data-testid="offline-input">
      {text}
    </span>
  );
}

function ExitBar(props: { text: string; fresh: boolean; onRestart: (mode: RestartMode) => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const restart = async (mode: RestartMode) => {
    setBusy(true);
    try {
      await props.onRestart(mode);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="term-bar exited" data-testid="exit-bar">
      <span>{props.text}</span>
      <button
        type="button"
        class="button small primary"
        disabled={busy}
        title={props.fresh ? "Restart, continuing the conversation" : undefined}
        onClick={() => void restart("continue")}
      >
        Restart
      </button>
      {props.fresh && (
        <button type="button" class="button small" disabled={busy} onClick={() => void restart("fresh")}>
          Restart fresh
        </button>
      )}
      {error !== null && <span class="field-error">{error}</span>}
    </div>
  );
}
