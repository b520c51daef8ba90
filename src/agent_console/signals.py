"""Structured signals: what an agent says of its own state besides its screen, as typed
observations with a time (pure).

Sources: the window title a CLI sets (OSC 0/2), Codex's in-band `OSC 7501 state=…` sequences
(both read from the output stream by `OscScanner`), and hook calls (hook_events.py). Each becomes
an `Observation`: a claim (working, asking, idle, or stopped — "not working", which is idle
unless a question is open) with its reason and, for asking, the question. The judge (judge.py)
turns observations and the screen into one state.

Window titles, read the same way for every agent, so a custom agent running one of these CLIs
gets them too (a CLI that sets no such title changes nothing):
- a braille spinner first (`⠋ …`, Claude Code and Codex while they work), or `✦  Working…`
  (Gemini CLI) → working;
- `Action Required` anywhere (Codex's `[ ! ] Action Required`, Gemini CLI's `✋  Action
  Required`) → asking;
- `✳ …` (Claude Code when it does not work: idle, or showing a dialog) → stopped;
- `◇  Ready` (Gemini CLI) → idle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from agent_console.question import Question

MAX_HELD = 4096  # longest unterminated OSC sequence held for the next chunk


class Claim(StrEnum):
    WORKING = "working"
    ASKING = "asking"
    IDLE = "idle"
    STOPPED = "stopped"  # not working: idle, or asking if a question is open


@dataclass(frozen=True)
class Observation:
    claim: Claim
    reason: str  # "hook:Stop", "title", "osc:7501 working"
    at: float  # on the judge's clock
    source: str = ""  # "hook", "title", "osc": the latest claim of each source counts
    question: Question | None = None
    order: int = 0  # set by the judge: which of two claims made at the same `at` came later


# -- OSC sequences in the output ---------------------------------------------------------------

_OSC = re.compile(r"\x1b\]((?:0|2|7501));([^\x07\x1b]*)(?:\x07|\x1b\\)")
_OSC_START = "\x1b]"


class OscScanner:
    """Finds window titles (OSC 0 and 2) and OSC 7501 in an output stream cut anywhere."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, data: str) -> list[tuple[str, str]]:
        """(code, text) of each complete sequence in `data` (with what was held before)."""
        if self._held:
            data, self._held = self._held + data, ""
        elif _OSC_START not in data:  # the common case: one C-level search
            self._held = "\x1b" if data.endswith("\x1b") else ""
            return []
        found = [(m.group(1), m.group(2)) for m in _OSC.finditer(data)]
        last = data.rfind(_OSC_START)
        tail = data[last:] if last >= 0 and _OSC.match(data, last) is None else ""
        if tail and "\x07" not in tail and "\x1b\\" not in tail and len(tail) <= MAX_HELD:
            self._held = tail
        elif data.endswith("\x1b"):
            self._held = "\x1b"
        return found


# -- what a title or an OSC 7501 state says ------------------------------------------------------

_SPINNER = re.compile(r"^\s*[\u2801-\u28ff]")


def title_claim(title: str) -> Claim | None:
    """What a window title says of the agent's state (see the module doc), or None."""
    if "Action Required" in title:
        return Claim.ASKING
    if _SPINNER.match(title) or title.lstrip().startswith("✦  Working"):
        return Claim.WORKING
    if title.lstrip().startswith("✳"):
        return Claim.STOPPED
    if title.lstrip().startswith("◇  Ready"):
        return Claim.IDLE
    return None


_STATES = {"working": Claim.WORKING, "blocked": Claim.ASKING, "done": Claim.IDLE,
           "idle": Claim.IDLE}  # fmt: skip


def _fields(text: str) -> dict[str, str]:
    return dict(part.partition("=")[::2] for part in text.split(":"))


def osc7501_claim(text: str) -> tuple[Claim, str] | None:
    """Codex's `state=working:app=codex`, `state=blocked:app=codex:kind=permission`,
    `state=done…`, `state=idle…` → (claim, the state word); None for anything else."""
    word = _fields(text).get("state", "")
    claim = _STATES.get(word)
    return (claim, word) if claim is not None else None


def from_terminal(code: str, text: str, at: float) -> Observation | None:
    """The observation an OSC sequence makes, or None when it says nothing of the state."""
    return _from_osc7501(text, at) if code == "7501" else _from_title(text, at)


def _from_osc7501(text: str, at: float) -> Observation | None:
    parsed = osc7501_claim(text)
    if parsed is None:
        return None
    claim, word = parsed
    question = None
    if claim is Claim.ASKING:
        permission = _fields(text).get("kind") == "permission"
        label = "Permission requested" if permission else "Input requested"
        question = Question(label, "permission" if permission else "text", source="signal")
    return Observation(claim, f"osc:7501 {word}", at, "osc", question)


def _from_title(text: str, at: float) -> Observation | None:
    claim = title_claim(text)
    if claim is None:
        return None
    asked = Question("Action required", "text", source="signal")
    return Observation(claim, "title", at, "title", asked if claim is Claim.ASKING else None)
