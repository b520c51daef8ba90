import { describe, expect, it } from "vitest";
import { answerButtons } from "../src/answer-buttons";
import type { Question } from "../src/protocol";

const question = (kind: Question["kind"], choices: string[]): Question => ({ id: "q", text: "?", kind, choices, source: "screen" });

describe("answerButtons", () => {
  it("gives a permission Allow and Deny, its other options between them", () => {
    const buttons = answerButtons(question("permission", ["Yes", "Yes, and always allow", "No"]));
    expect(buttons.map((b) => [b.label, b.body])).toEqual([
      ["Allow", { decision: "allow" }],
      ["Yes, and always allow", { choice: 2 }],
      ["Deny", { decision: "deny" }],
    ]);
  });

  it("gives a menu one numbered button per option", () => {
    const buttons = answerButtons(question("choice", ["SQLite", "Postgres"]));
    expect(buttons.map((b) => [b.label, b.body])).toEqual([
      ["1. SQLite", { choice: 1 }],
      ["2. Postgres", { choice: 2 }],
    ]);
  });

  it("gives a question that asks for text no button (a text box instead)", () => {
    expect(answerButtons(question("text", []))).toEqual([]);
  });
});
