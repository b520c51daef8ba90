/** What an asking agent asks, as the server read it off its screen: the question and its choices. */

import type { Question } from "../protocol";

export function QuestionView({ question }: { question: Question }) {
  const choices = question.choices ?? [];
  return (
    <div class="question" data-testid="question">
      <p class="question-text">{question.text}</p>
      {choices.length > 0 && (
        <ul class="choices" aria-label="Choices">
          {choices.map((choice, i) => (
            <li key={`${i}:${choice}`} class="choice">
              {choice}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
