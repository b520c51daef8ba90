"""The keys that hand an agent CLI a message or an answer (pure): what to type and where to
pause, per CLI, as measured on the real CLIs.

- A message is typed as one piece, then Enter on its own after PAUSE: Codex takes fast input for
  a paste, and an Enter inside a paste for a new line. A message of several lines goes as a
  bracketed paste to the CLIs that turn it on (every built-in TUI), so that its new lines do not
  send it early; a custom agent gets it as typed.
- An answer to a menu is the key the CLI's menu takes (see `choice_keys`): an option that shows
  its key, "Yes, proceed (y)" or "No (esc)", takes that key (Codex, Gemini CLI); Claude Code's
  and Gemini CLI's numbered menus take the option's digit with no Enter; Codex's other menus
  are walked with the arrow keys and confirmed with Enter, as is OpenCode's row of buttons
  (which Esc refuses); Aider takes the choice's letter and Enter; a custom agent's `(y/n)`
  prompt the letter and Enter, its numbered menu the number and Enter. Esc refuses where the
  menu has no "no" option.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from agent_console.errors import InvalidRequest

ENTER = "\r"
ESC = "\x1b"
RIGHT, DOWN = "\x1b[C", "\x1b[B"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
PAUSE = 0.5  # between typed text and its Enter
STEP = 0.05  # between the keys that walk a menu

MenuKeys = Literal["digit", "arrows", "buttons", "letter", "line"]
MAX_TEXT = 10_000  # characters of a message or a text answer
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_HOTKEY = re.compile(r"\((esc|[A-Za-z0-9])\)\s*$", re.I)


@dataclass(frozen=True)
class Key:
    """Something to type, after waiting `pause` seconds."""

    data: str
    pause: float = 0.0


Keys = tuple[Key, ...]


@dataclass(frozen=True)
class Dialect:
    """How one CLI takes input."""

    menu: MenuKeys = "line"  # how an option of a menu is chosen
    hotkeys: bool = False  # an option that ends with its key in brackets, "(y)", takes that key
    refuse_with_esc: bool = False  # a "deny" is Esc, whatever the menu offers
    bracketed_paste: bool = False  # it turns bracketed paste on, so new lines can be pasted


DIALECTS: dict[str, Dialect] = {
    "claude-code": Dialect("digit", bracketed_paste=True),
    "codex": Dialect("arrows", hotkeys=True, bracketed_paste=True),
    "gemini": Dialect("digit", hotkeys=True, bracketed_paste=True),
    "opencode": Dialect("buttons", refuse_with_esc=True, bracketed_paste=True),
    "aider": Dialect("letter", bracketed_paste=True),
}
CUSTOM = Dialect()  # a custom agent: a program that reads lines


def dialect(agent_id: str | None) -> Dialect:
    return DIALECTS.get(agent_id or "", CUSTOM)


def clean_text(text: str) -> str:
    """A message (or a text answer) as it will be typed: CRLF and CR become new lines; other
    control characters (Esc, Ctrl-C…) are refused — a message is text, not keys."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InvalidRequest("text: a message must not be empty")
    if len(text) > MAX_TEXT:
        raise InvalidRequest(f"text: a message is at most {MAX_TEXT} characters")
    if _CONTROL.search(text):
        raise InvalidRequest("text: a message cannot hold control characters")
    return text


def message_keys(text: str, dialect: Dialect) -> Keys:
    """The keys that send `text` as a message: the text, a pause, Enter."""
    typed = text
    if "\n" in text and dialect.bracketed_paste:
        typed = PASTE_START + text.replace(PASTE_END, "") + PASTE_END
    return (Key(typed), Key(ENTER, PAUSE))


def choice_keys(dialect: Dialect, choices: Sequence[str], index: int, kind: str) -> Keys:
    """The keys that pick `choices[index]` (0-based) in the CLI's menu, the menu freshly drawn
    (its first option highlighted)."""
    hotkey = _HOTKEY.search(choices[index]) if dialect.hotkeys else None
    if hotkey is not None:
        key = hotkey.group(1).lower()
        return (Key(ESC if key == "esc" else key),)
    menu = dialect.menu
    if menu == "line":  # a `(y/n)` prompt takes the letter, a numbered one the number
        menu = "letter" if kind == "permission" and _letters_unique(choices) else "digit"
    if dialect.menu == "digit" and index < 9:  # the digit alone picks it
        return (Key(str(index + 1)),)
    if menu in ("arrows", "buttons"):
        step = DOWN if menu == "arrows" else RIGHT
        walk = tuple(Key(step, STEP if i else 0.0) for i in range(index))
        return (*walk, Key(ENTER, 2 * STEP if walk else 0.0))
    if menu == "letter" and _letters_unique(choices):
        return (Key(choices[index].strip()[:1].lower()), Key(ENTER, STEP))
    return (Key(str(index + 1)), Key(ENTER, STEP))


def refusal_keys() -> Keys:
    """Esc: what every built-in CLI takes as "no" to a prompt with no "no" option."""
    return (Key(ESC),)


def _letters_unique(choices: Sequence[str]) -> bool:
    letters = [c.strip()[:1].lower() for c in choices]
    return all(letter.isalpha() for letter in letters) and len(set(letters)) == len(letters)
