/**
 * Under an agent's terminal: the messages waiting for it to be idle (each editable and
 * cancellable until it is delivered), and a field to queue one more. The server types them in
 * order, one each time the agent is idle; the list follows its session-updated messages.
 */

import { useState } from "preact/hooks";
import { api } from "../api";
import type { QueuedMessage, Worker } from "../protocol";
import { CloseIcon, PencilIcon } from "./icons";
import "./queue.css";

interface Props {
  sessionId: string;
  worker: Worker;
}

export function QueuedMessages({ sessionId, worker }: Props) {
  const queue = worker.queue ?? [];
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const attempt = async (call: () => Promise<unknown>): Promise<boolean> => {
    try {
      await call();
      setError(null);
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  };
  return (
    <section class="queue" aria-label="Queued messages" data-testid="queue">
      {queue.length > 0 && (
        <ol class="queue-list">
          {queue.map((message, i) => (
            <QueuedItem
              key={message.id}
              message={message}
              next={i === 0}
              onEdit={(text) => attempt(() => api.editQueued(sessionId, worker.id, message.id, text))}
              onCancel={() => void attempt(() => api.cancelQueued(sessionId, worker.id, message.id))}
            />
          ))}
        </ol>
      )}
      {open ? (
        <Composer
          onSend={(text) => attempt(() => api.queueMessage(sessionId, worker.id, text))}
          onClose={() => setOpen(false)}
        />
      ) : (
        <button type="button" class="link-button queue-open" onClick={() => setOpen(true)}>
          Queue a message for when it is idle…
        </button>
      )}
      {error !== null && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function Composer(props: { onSend: (text: string) => Promise<boolean>; onClose: () => void }) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (text.trim() === "" || busy) return;
    setBusy(true);
    if (await props.onSend(text)) setText("");
    setBusy(false);
  };
  return (
    <form class="queue-form" onSubmit={(e) => void submit(e)}>
      <input
        class="input"
        aria-label="Message to queue"
        placeholder="Typed into the agent the next time it is idle"
        value={text}
        maxLength={10000}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => e.key === "Escape" && props.onClose()}
        ref={(el) => el?.focus()}
      />
      <button type="submit" class="button small primary" disabled={busy || text.trim() === ""}>
        Queue
      </button>
      <button type="button" class="icon-button" aria-label="Close" onClick={props.onClose}>
        <CloseIcon />
      </button>
    </form>
  );
}

function QueuedItem(props: {
  message: QueuedMessage;
  next: boolean;
  onEdit: (text: string) => Promise<boolean>;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft !== null) {
    const save = async (event: Event) => {
      event.preventDefault();
      if (draft.trim() !== "" && (await props.onEdit(draft))) setDraft(null);
    };
    return (
      <li class="queue-item editing">
        <form class="queue-form" onSubmit={(e) => void save(e)}>
          <input
            class="input"
            aria-label="Edit queued message"
            value={draft}
            maxLength={10000}
            onInput={(e) => setDraft(e.currentTarget.value)}
            onKeyDown={(e) => e.key === "Escape" && setDraft(null)}
            ref={(el) => el?.focus()}
          />
          <button type="submit" class="button small primary">
            Save
          </button>
          <button type="button" class="button small subtle" onClick={() => setDraft(null)}>
            Keep
          </button>
        </form>
      </li>
    );
  }
  return (
    <li class="queue-item" data-testid="queued-message">
      <span class="queue-mark muted small">{props.next ? "next" : "then"}</span>
      <span class="queue-text">{props.message.text}</span>
      <button type="button" class="icon-button" aria-label="Edit queued message" title="Edit" onClick={() => setDraft(props.message.text)}>
        <PencilIcon />
      </button>
      <button type="button" class="icon-button" aria-label="Cancel queued message" title="Cancel" onClick={props.onCancel}>
        <CloseIcon />
      </button>
    </li>
  );
}
