/**
 * What an asking agent asks, and the buttons that answer it from here (the dashboard card, the
 * session page, a phone): Allow / Deny / an option / a text box. One POST answers; the server
 * delivers it as the CLI needs (its hook's decision, or the menu's keys) and refuses an answer to
 * a question that is no longer open.
 */

import { useState } from "preact/hooks";
import { ApiError, api, type AnswerBody } from "../api";
import { answerButtons } from "../answer-buttons";
import type { Question } from "../protocol";
import "./question.css";

interface Props {
  sessionId: string;
  workerId: string;
  question: Question;
  /** Whether to show the question's text and command (off under its terminal, which shows them). */
  details?: boolean;
  /** Called once the server took the answer. */
  onAnswered?: () => void;
}

type Sent = { kind: "sending" } | { kind: "sent"; answered: string } | { kind: "failed"; message: string; closed: boolean };

export function QuestionAnswer({ sessionId, workerId, question, details = true, onAnswered }: Props) {
  const [sent, setSent] = useState<{ id: string; state: Sent } | null>(null);
  const state = sent !== null && sent.id === question.id ? sent.state : null;
  const busy = state !== null && state.kind !== "failed";
  const closed = state?.kind === "failed" && state.closed;
  const send = async (body: AnswerBody) => {
    setSent({ id: question.id, state: { kind: "sending" } });
    try {
      const result = await api.answer(sessionId, workerId, question.id, body);
      setSent({ id: question.id, state: { kind: "sent", answered: result.answered } });
      onAnswered?.();
    } catch (e) {
      const closed = e instanceof ApiError && e.status === 409;
      setSent({ id: question.id, state: { kind: "failed", message: e instanceof Error ? e.message : String(e), closed } });
    }
  };
  const buttons = answerButtons(question);
  return (
    <div class="question-answer" data-testid="question" data-question-id={question.id}>
      {details && <p class="question-text">{question.text}</p>}
      {details && question.command !== undefined && <code class="question-command">{question.command}</code>}
      {question.kind === "text" || buttons.length === 0 ? (
        <TextAnswer disabled={busy || closed} onSend={(text) => void send({ text })} />
      ) : (
        <div class="answer-buttons" role="group" aria-label="Answers">
          {buttons.map((button) => (
            <button
              key={button.label}
              type="button"
              class={`button small answer-${button.tone}${button.tone === "allow" ? " primary" : ""}`}
              disabled={busy || closed}
              onClick={() => void send(button.body)}
            >
              {button.label}
            </button>
          ))}
        </div>
      )}
      {state?.kind === "sent" && (
        <p class="answer-status muted small" role="status">
          Answered: {state.answered}
        </p>
      )}
      {state?.kind === "failed" && (
        <p class="field-error" role="alert">
          {state.message}
        </p>
      )}
    </div>
  );
}

function TextAnswer(props: { disabled: boolean; onSend: (text: string) => void }) {
  const [text, setText] = useState("");
  return (
    <form
      class="answer-text"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim() !== "") props.onSend(text);
      }}
    >
      <input class="input" aria-label="Answer" value={text} maxLength={10000} onInput={(e) => setText(e.currentTarget.value)} />
      <button type="submit" class="button small primary" disabled={props.disabled || text.trim() === ""}>
        Send
      </button>
    </form>
  );
}
