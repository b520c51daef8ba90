"""The question an asking agent puts to the user, as data (pure): its text, its choices and its
kind, read off the screen (a numbered or arrow menu under the prompt, Aider's `(Y)es/(N)o`) or
taken from a structured signal (the tool and its input from a permission hook).

The screen reading is deliberately plain: lines of text (screen_text.py) around the line where
an asking pattern matched; box-drawing borders and menu cursors are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

QuestionKind = Literal["permission", "choice", "text"]

MAX_TEXT = 300
MAX_CHOICE = 120
MAX_CHOICES = 12
ABOVE = 12  # lines above the matched line searched for the question's text and its menu
BELOW = 16

_BORDER = re.compile(r"^[\s│┃║|╭╮╰╯┌┐└┘─━═]+|[\s│┃║|╭╮╰╯┌┐└┘─━═]+$")
_LEADING_BORDER = re.compile(r"^ *[│┃║|╭╰┌└]")
_GAP = re.compile(r" {3,}")
_HINT = re.compile(r"\b(?:select|enter|ctrl|esc|tab|navigate)\b|[⇆↑↓]", re.I)
_OPTION = re.compile(r"^(?:[❯›>▶●○◯◉•*]\s*)?(\d{1,2})[.)]\s+(\S.*)$")
_AIDER = re.compile(r"\(([A-Za-z])\)([\w']*(?: [\w']+)*)")
_YES_NO = re.compile(r"\s*[(\[]\s*[yY](?:es)?\s*/\s*[nN](?:o)?\s*[)\]]\s*[:?]?\s*$")
_YES = re.compile(r"^(?:yes|allow|approve|accept|proceed|trust|run|always)\b", re.I)
_NO = re.compile(r"^(?:no|deny|reject|decline|cancel|skip|don't)\b", re.I)


@dataclass(frozen=True)
class Question:
    """What an agent asks. `id` names this question while it is open (an answer names it)."""

    text: str
    kind: QuestionKind
    choices: tuple[str, ...] = ()
    tool: str | None = None
    command: str | None = None  # the tool's input, summarised (a shell command, a path)
    source: Literal["hook", "screen", "signal"] = "screen"
    id: str = field(default="", compare=False)

    def dump(self) -> dict[str, Any]:
        """The wire form: {id, text, kind, choices, tool?, command?, source}."""
        data: dict[str, Any] = {"id": self.id, "text": self.text, "kind": self.kind,
                                "choices": list(self.choices), "source": self.source}  # fmt: skip
        if self.tool is not None:
            data["tool"] = self.tool
        if self.command is not None:
            data["command"] = self.command
        return data

    def same(self, other: Question | None) -> bool:
        """The same question (whatever its id)."""
        return other is not None and replace(other, id=self.id) == self

    def with_screen(self, screen: Question | None) -> Question:
        """A structured question completed by what the screen shows: its menu's choices, and its
        wording when the signal had none."""
        if screen is None:
            return self
        choices = screen.choices or self.choices
        text = self.text if self.tool is not None else screen.text
        return replace(self, choices=choices, text=text)


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class _Line:
    indent: int
    text: str  # without borders, menu frames or trailing spaces


def _line(raw: str) -> _Line:
    text = _BORDER.sub("", raw)
    inner = _LEADING_BORDER.sub("", raw.rstrip())
    return _Line(len(inner) - len(inner.lstrip()), text)


def from_screen(lines: Sequence[str], matched: int) -> Question:
    """The question shown on `lines` (the screen, top to bottom), where an asking pattern
    matched line `matched` (an index into `lines`). Blank lines are skipped."""
    above = [_line(raw) for raw in lines[:matched]]
    below = [_line(raw) for raw in lines[matched : matched + 4 * BELOW]]
    above = [line for line in above if line.text][-ABOVE:]
    kept = [line for line in below[1:] if line.text][:BELOW]
    window = [*above, below[0] if below else _Line(0, ""), *kept]
    at = len(above)
    line = window[at].text
    if "(Y)es" in line or "(N)o" in line:
        return _aider(line)
    yes_no = _YES_NO.search(line)
    if yes_no is not None:
        return Question(clip(line[: yes_no.start()] or line, MAX_TEXT), "permission", ("Yes", "No"))
    choices, first = _menu(window, at)
    if not choices:
        choices, first = _buttons(window, at)
    text = _text(window, first if first is not None else at, at)
    return Question(clip(text, MAX_TEXT), kind_of(choices), choices)


def _menu(window: list[_Line], at: int) -> tuple[tuple[str, ...], int | None]:
    """The numbered options 1, 2, … nearest below (or above) the matched line, and the index
    of option 1. A line indented deeper than the options is an option's description."""
    for start in [*range(at, len(window)), *range(at - 1, -1, -1)]:
        option = _OPTION.match(window[start].text)
        if option is None or option.group(1) != "1":
            continue
        choices: list[str] = []
        for line in window[start:]:
            found = _OPTION.match(line.text)
            if found is not None and found.group(1) == str(len(choices) + 1):
                choices.append(clip(found.group(2), MAX_CHOICE))
            elif found is not None or line.indent <= window[start].indent:
                break
        if len(choices) >= 2:
            return tuple(choices[:MAX_CHOICES]), start
    return (), None


def _buttons(window: list[_Line], at: int) -> tuple[tuple[str, ...], int | None]:
    """A row of buttons at or just below the matched line (`Allow once   Allow always   Reject`):
    short labels three or more spaces apart, before the key hints."""
    for index in range(at, min(at + 4, len(window))):
        cells = [cell for cell in _GAP.split(window[index].text) if cell]
        labels = []
        for cell in cells:
            if _HINT.search(cell) or len(cell.split()) > 4:
                break
            labels.append(clip(cell, MAX_CHOICE))
        if len(labels) >= 2:
            return tuple(labels[:MAX_CHOICES]), index
    return (), None


def _text(window: list[_Line], before: int, matched: int) -> str:
    """The question's wording: the nearest sentence ending with `?` at or above `before`, else
    the matched line itself (or the nearest line above a menu it is part of)."""
    for index in range(min(before, len(window) - 1), max(-1, before - ABOVE), -1):
        line = window[index].text
        if "?" in line and not _OPTION.match(line):
            return line[: line.index("?") + 1]
    line = window[matched].text
    if _OPTION.match(line) or _GAP.search(line):
        return next((w.text for w in reversed(window[:before]) if not _OPTION.match(w.text)), line)
    return line


def _aider(line: str) -> Question:
    """Aider's `Add file to the chat? (Y)es/(N)o/(A)ll [Yes]:`: the choices are in the line."""
    text = line.split("(", 1)[0].strip() or line
    choices = tuple(clip(key + rest, MAX_CHOICE) for key, rest in _AIDER.findall(line))
    return Question(clip(text, MAX_TEXT), kind_of(choices), choices)


def is_refusal(choice: str) -> bool:
    """Whether a choice says no (No, Deny, Reject, Cancel, …)."""
    return _NO.match(choice.strip()) is not None


def kind_of(choices: Sequence[str]) -> QuestionKind:
    """ "permission" when the choices are a yes and a no, "choice" otherwise."""
    if any(_YES.match(c) for c in choices) and any(_NO.match(c) for c in choices):
        return "permission"
    return "choice" if choices else "text"


# -- from structured signals --------------------------------------------------------------------

_INPUT_KEYS = ("command", "file_path", "path", "url", "pattern", "query", "prompt")


def summarise_input(tool_input: object) -> str | None:
    """The one value of a tool's input a person needs to decide: the command, the path…"""
    if isinstance(tool_input, str):
        return clip(tool_input, MAX_TEXT) or None
    if not isinstance(tool_input, Mapping):
        return None
    for key in _INPUT_KEYS:
        value = tool_input.get(key)
        if isinstance(value, str) and value.strip():
            return clip(value, MAX_TEXT)
    strings = [v for v in tool_input.values() if isinstance(v, str) and v.strip()]
    return clip(strings[0], MAX_TEXT) if strings else None


def permission(tool: str | None, tool_input: object, message: str | None = None) -> Question:
    """A permission to use `tool` on its input, as a hook reports it."""
    command = summarise_input(tool_input)
    tool_name = clip(tool, MAX_CHOICE) if tool else None
    if message:
        text = message
    elif tool_name and command:
        text = f"Allow {tool_name}: {command}?"
    else:
        text = f"Allow {tool_name}?" if tool_name else "Permission requested"
    return Question(clip(text, MAX_TEXT), "permission", ("Allow", "Deny"), tool_name, command,
                    "hook")  # fmt: skip
