"""answers.py and keystrokes.py: what an answer means for a question, and the keys each CLI's
menu takes (as measured on the real CLIs), or the hook's decision."""

from __future__ import annotations

import pytest

from agent_console.answers import Answer, check_open, plan
from agent_console.errors import Conflict, InvalidRequest
from agent_console.keystrokes import DOWN, ENTER, ESC, PAUSE, RIGHT, Key, dialect, message_keys
from agent_console.question import Question, QuestionKind


def Q(
    choices: tuple[str, ...], kind: QuestionKind = "permission", text: str = "Proceed?"
) -> Question:
    return Question(text, kind, choices, id="q1")


CLAUDE = Q(("Yes", "Yes, and always allow access to proj/ from this project", "No"))
CODEX = Q(("Yes, proceed (y)", "Yes, and don't ask again for `touch` (p)",
           "No, and tell Codex what to do differently (esc)"))  # fmt: skip
CODEX_TRUST = Q(("Trust and continue", "Back to Agent Command Center"), "choice")
GEMINI = Q(("Allow once", "Allow for this session", "No, suggest changes (esc)"))
GEMINI_TRUST = Q(("Trust folder (proj)", "Trust parent folder (agents)", "Don't trust"))
OPENCODE = Q(("Allow once", "Allow always", "Reject"))
AIDER = Q(("Yes", "No", "All", "Skip all", "Don't ask again"))
ALLOW, DENY = Answer(decision="allow"), Answer(decision="deny")


def keys(agent: str, question: Question, answer: Answer) -> list[str]:
    result = plan(question, answer, dialect(agent), hook_waits=False)
    assert result.via == "keys"
    return [key.data for key in result.keys]


@pytest.mark.parametrize(
    ("agent", "question", "answer", "typed"),
    [
        ("claude-code", CLAUDE, ALLOW, ["1"]),  # no Enter: the digit picks it
        ("claude-code", CLAUDE, Answer(choice=2), ["2"]),
        ("claude-code", CLAUDE, DENY, ["3"]),
        ("codex", CODEX, ALLOW, ["y"]),  # the key each option shows
        ("codex", CODEX, Answer(choice=2), ["p"]),
        ("codex", CODEX, DENY, [ESC]),
        ("codex", CODEX_TRUST, ALLOW, [ENTER]),  # the first option is highlighted
        ("codex", CODEX_TRUST, Answer(choice=2), [DOWN, ENTER]),
        ("codex", CODEX_TRUST, DENY, [ESC]),  # no "no" option: Esc
        ("gemini", GEMINI, ALLOW, ["1"]),
        ("gemini", GEMINI, DENY, [ESC]),
        ("gemini", GEMINI_TRUST, Answer(choice=2), ["2"]),
        ("gemini", GEMINI_TRUST, DENY, ["3"]),
        ("opencode", OPENCODE, ALLOW, [ENTER]),
        ("opencode", OPENCODE, Answer(choice=2), [RIGHT, ENTER]),
        ("opencode", OPENCODE, DENY, [ESC]),
        ("aider", AIDER, ALLOW, ["y", ENTER]),
        ("aider", AIDER, Answer(choice=4), ["s", ENTER]),
        ("aider", AIDER, DENY, ["n", ENTER]),
        (None, Q(("Yes", "No")), DENY, ["n", ENTER]),  # a custom agent's (y/n) prompt
        (None, Q(("SQLite", "Postgres"), "choice"), Answer(choice=2), ["2", ENTER]),
    ],
)
def test_keys_per_cli(
    agent: str | None, question: Question, answer: Answer, typed: list[str]
) -> None:
    """Each CLI's menu gets the keys it takes."""
    assert keys(agent or "custom", question, answer) == typed


def test_a_waiting_hook_gets_plain_allow_and_deny() -> None:
    """With a permission hook waiting, allow (the first option that is not a refusal) and deny go
    through it; "allow always" only the CLI's own menu can give, so it is typed."""
    claude = dialect("claude-code")
    assert plan(CLAUDE, ALLOW, claude, True).decision == "allow"
    assert plan(CLAUDE, Answer(choice=1), claude, True).via == "hook"
    denied = plan(CLAUDE, Answer(choice=3), claude, True)
    assert (denied.via, denied.decision, denied.said) == ("hook", "deny", "No")
    always = plan(CLAUDE, Answer(choice=2), claude, True)
    assert always.via == "keys" and always.keys == (Key("2"),)


def test_text_is_typed_then_entered_apart() -> None:
    """A question that asks for text gets it, a pause, then Enter on its own (Codex takes fast
    input for a paste); several lines go as one bracketed paste to a CLI that takes it."""
    question = Q((), "text", "What should the function be called?")
    result = plan(question, Answer(text="parse_args"), dialect("codex"), True)
    assert result.via == "keys" and result.keys == (Key("parse_args"), Key(ENTER, PAUSE))
    assert message_keys("a\nb", dialect("claude-code"))[0].data == "\x1b[200~a\nb\x1b[201~"
    assert message_keys("a\nb", dialect("custom"))[0].data == "a\nb"


@pytest.mark.parametrize(
    ("question", "answer", "says"),
    [
        (CLAUDE, Answer(choice=4), "choices 1 to 3"),
        (CLAUDE, Answer(choice=0), "choices 1 to 3"),
        (CLAUDE, Answer(text="yes"), "not text"),
        (Q((), "text"), ALLOW, "asks for text"),
        (Q(("No", "Cancel")), ALLOW, "no option that allows"),
    ],
)
def test_answers_that_do_not_fit_the_question(
    question: Question, answer: Answer, says: str
) -> None:
    """An answer the question cannot take is refused, naming what it takes."""
    with pytest.raises(InvalidRequest, match=says):
        plan(question, answer, dialect("claude-code"), False)


def test_only_the_open_question_takes_an_answer_once() -> None:
    """No open question, another question than the one named, or one answered already: 409."""
    with pytest.raises(Conflict, match="no question is open"):
        check_open(None, None, None)
    with pytest.raises(Conflict, match="no longer open"):
        check_open(CLAUDE, "q0", None)
    with pytest.raises(Conflict, match="answered already"):
        check_open(CLAUDE, None, "q1")
    check_open(CLAUDE, "q1", "q0")
