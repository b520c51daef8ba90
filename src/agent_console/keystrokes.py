"""The keys that hand an agent CLI a message or an answer (pure): what to type and where to
pause, per CLI, as measured on the real CLIs.

- A message is typed as one piece, then Enter on its own after PAUSE: Codex takes fast input for
  a paste, and an Enter inside a paste for a new line. A message of several lines goes as a
  bracketed paste to the CLIs that turn it on (every built-in TUI), so that its new lines do not
  send it early; a custom agent gets it as typed.
- An answer to a menu is the key the CLI's menu takes (see `choice_keys`): Claude Code's, Codex's
  and Gemini CLI's numbered menus take the option's digit with no Enter; OpenCode's row of
  buttons is walked with the arrow keys and confirmed with Enter; Aider and line-reading
  programs take the choice's letter and Enter. Esc refuses where the menu has no "no" option.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

ENTER = "\r"
ESC = "\x1b"
RIGHT = "\x1b[C"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
PAUSE = 0.5  # between typed text and its Enter

MenuKeys = Literal["digit", "buttons", "letter"]


@dataclass(frozen=True)
class Key:
    """Something to type, after waiting `pause` seconds."""

    data: str
    pause: float = 0.0


Keys = tuple[Key, ...]


@dataclass(frozen=True)
class Dialect:
    """How one CLI takes input."""

    menu: MenuKeys = "letter"  # how an option of a menu is chosen
    bracketed_paste: bool = False  # it turns bracketed paste on, so new lines can be pasted


DIALECTS: dict[str, Dialect] = {
    "claude-code": Dialect("digit", bracketed_paste=True),
    "codex": Dialect("digit", bracketed_paste=True),
    "gemini": Dialect("digit", bracketed_paste=True),
    "opencode": Dialect("buttons", bracketed_paste=True),
    "aider": Dialect("letter", bracketed_paste=True),
}
CUSTOM = Dialect()  # a custom agent: a program that reads lines


def dialect(agent_id: str | None) -> Dialect:
    return DIALECTS.get(agent_id or "", CUSTOM)


def message_keys(text: str, dialect: Dialect) -> Keys:
    """The keys that send `text` as a message: the text, a pause, Enter."""
    typed = text
    if "\n" in text and dialect.bracketed_paste:
        typed = PASTE_START + text.replace(PASTE_END, "") + PASTE_END
    return (Key(typed), Key(ENTER, PAUSE))


def choice_keys(dialect: Dialect, choices: Sequence[str], index: int) -> Keys:
    """The keys that pick `choices[index]` (0-based) in the CLI's menu."""
    if dialect.menu == "digit" and index < 9:
        return (Key(str(index + 1)),)
    if dialect.menu == "buttons":
        steps = tuple(Key(RIGHT, 0.05 if i else 0.0) for i in range(index))
        return (*steps, Key(ENTER, 0.1 if steps else 0.0))
    letter = choices[index].strip()[:1].lower()
    if dialect.menu == "letter" and letter.isalpha() and _unique_letter(choices, letter):
        return (Key(letter), Key(ENTER, 0.05))
    return (Key(str(index + 1)), Key(ENTER, 0.05))


def refusal_keys() -> Keys:
    """Esc: what every built-in CLI takes as "no" to a prompt with no "no" option."""
    return (Key(ESC),)


def _unique_letter(choices: Sequence[str], letter: str) -> bool:
    return sum(1 for c in choices if c.strip()[:1].lower() == letter) == 1
