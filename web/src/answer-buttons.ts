/**
 * The buttons that answer a question (pure): Allow and Deny for a permission (with its other
 * options, such as "allow always", between them), one button per option for a menu, none for a
 * question that asks for text (the card shows a text box).
 */

import type { AnswerBody } from "./api";
import type { Question } from "./protocol";

export interface AnswerButton {
  label: string;
  body: AnswerBody;
  tone: "allow" | "deny" | "other";
}

const REFUSAL = /^(?:no|deny|reject|decline|cancel|skip|don't)\b/i;

/** Whether an option says no (the server's reading: answers.py). */
export function isRefusal(choice: string): boolean {
  return REFUSAL.test(choice.trim());
}

export function answerButtons(question: Question): AnswerButton[] {
  const choices = question.choices;
  if (question.kind === "text" || choices.length === 0) return [];
  if (question.kind !== "permission") {
    return choices.map((choice, i) => ({ label: `${i + 1}. ${choice}`, body: { choice: i + 1 }, tone: "other" }));
  }
  const allowAt = choices.findIndex((c) => !isRefusal(c));
  const others = choices.flatMap((choice, i): AnswerButton[] =>
    i === allowAt || isRefusal(choice) ? [] : [{ label: choice, body: { choice: i + 1 }, tone: "other" }],
  );
  return [
    ...(allowAt >= 0 ? [{ label: "Allow", body: { decision: "allow" }, tone: "allow" } as const] : []),
    ...others,
    { label: "Deny", body: { decision: "deny" }, tone: "deny" },
  ];
}
