"""Recorded sessions of the real CLIs replayed through the activity detector, on the recording's
own clock: what the user sees of an agent's state while typing, waiting, resizing and answering.

Fixtures (tests/fixtures/agent_sessions): `<agent>-<case>.jsonl` starts with one header line
`# <package> <version> | how it was recorded | what happens`, then one event per line:
`{"t": seconds, "kind": "out" | "in" | "reply" | "resize" | "note", "data": text}` — the CLI's
output, the user's keys, the terminal's own replies to the CLI's queries (as xterm.js sends
them), a resize ("COLSxROWS") and the recorder's notes of what it was doing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from agent_console.activity import ActivityDetector, compile_patterns
from agent_console.agents import BUILT_IN_AGENTS, INPUT_AREAS
from agent_console.model import ActivityState

SESSIONS = Path(__file__).parent / "fixtures" / "agent_sessions"
Q = 2.0
ACTIVE, IDLE = ActivityState.ACTIVE, ActivityState.IDLE


@dataclass(frozen=True)
class Change:
    t: float
    state: ActivityState
    during: str  # the last note before it


@dataclass
class Session:
    changes: list[Change]  # every state change of the detector
    notes: dict[str, float]  # when each note came
    outputs: list[float]  # when each output came


def replay(name: str, agent_id: str) -> Session:
    """The session `name` fed to the built-in agent's detector as the server feeds it."""
    agent = next(a for a in BUILT_IN_AGENTS if a.id == agent_id)
    assert agent.activity_patterns is not None
    detector = ActivityDetector(
        compile_patterns(agent.activity_patterns.asking_patterns or []),
        Q,
        INPUT_AREAS.get(agent_id),
    )
    session = Session([], {}, [])
    note = ""

    def record(t: float, state: ActivityState | None) -> None:
        if state is not None:
            session.changes.append(Change(t, state, note))

    header, *lines = (SESSIONS / name).read_text(encoding="utf-8").splitlines()
    assert header.startswith("# ")
    for line in lines:
        event = json.loads(line)
        t, kind, data = event["t"], event["kind"], event["data"]
        while (deadline := detector.next_deadline) is not None and deadline <= t:
            record(deadline, detector.poll(deadline))
        if kind == "out":
            record(t, detector.on_output(data, t))
            session.outputs.append(t)
        elif kind in ("in", "reply"):
            record(t, detector.on_input(data, t))
        elif kind == "resize":
            record(t, detector.on_resize(t))
        else:
            note = data
            session.notes[note] = t
    while (deadline := detector.next_deadline) is not None:
        record(deadline, detector.poll(deadline))
    return session


def test_gemini_typing_resizes_and_its_queries_are_not_work() -> None:
    """Gemini CLI draws its whole input box (~1.1 KB) on each key, redraws on resize and asks
    the terminal for its background colour every minute: once idle at its prompt, the only work
    the user sees is the reply, and it is idle Q after the reply's last byte."""
    session = replay("gemini-type-reply-resize.jsonl", "gemini")
    notes = session.notes
    seen = [(c.state, c.during) for c in session.changes if c.t > notes["typing"]]
    assert seen == [(ACTIVE, "enter"), (IDLE, "reply shown")]
    reply_end = max(t for t in session.outputs if t < notes["resize"])
    assert session.changes[-1].t == reply_end + Q
