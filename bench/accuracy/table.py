"""The figures of every CLI as one Markdown table, with the targets beside them, and the notes
that explain each miss (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.accuracy.truth import REFUSED, Answer, Figures, median

PATHS = ("dashboard hook", "dashboard keys", "terminal keys")
HEADER = ("CLI", "asking recall", "asking precision", "detection p50 / max",
          "idle latency p50 / max", "premature idle", "spurious / idle min", "asking drops",
          "answer: dashboard hook", "answer: dashboard keys", "answer: terminal keys")  # fmt: skip
TARGETS = ("target", "1.0", "1.0", "≤ 0.3 s hook / ≤ 0.5 s screen",
           "≤ 0.5 s structured / ≤ 2.5 s else", "0", "0", "0", "all", "all", "")  # fmt: skip


@dataclass
class Outcome:
    """One CLI's run: its figures and answers, or why it has none."""

    cli: str
    version: str
    figures: Figures | None = None
    answers: list[Answer] = field(default_factory=list)
    dashboard: str | None = None  # why answering from the dashboard is not available
    skipped: str = ""  # could not be installed (not a failure)
    error: str = ""  # the harness failed: loud
    defect: bool = False  # the error is a defect of the harness (a traceback), not a CLI's whim
    flaked: str = ""  # the first run's error, when a second run was needed
    seconds: float = 0.0


def _ratio(value: float | None, hits: int, total: int) -> str:
    return "—" if value is None else f"{value:.2f} ({hits}/{total})"


def _latency(values: list[float], never: int = 0) -> str:
    if not values:
        return "—" if not never else f"never ({never})"
    text = f"{median(values):.2f} / {max(values):.2f} s"
    return text + (f", never {never}" if never else "")


def _answers(outcome: Outcome, path: str) -> str:
    if path != "terminal keys" and outcome.dashboard:
        return "n/a"
    mine = [a for a in outcome.answers if a.path.removesuffix(REFUSED) == path]
    ok = sum(a.ok and not a.path.endswith(REFUSED) for a in mine)
    return f"{ok}/{len(mine)}" if mine else "—"


def row(outcome: Outcome) -> tuple[str, ...]:
    name = f"{outcome.cli} {outcome.version}"
    f = outcome.figures
    if f is None:
        why = (
            f"skipped: {outcome.skipped}" if outcome.skipped else f"HARNESS ERROR: {outcome.error}"
        )
        return (name, why[:120], *("" for _ in HEADER[2:]))
    spurious = f.spurious_per_minute
    return (
        name,
        _ratio(f.recall, f.detected, f.questions),
        _ratio(f.precision, f.true_stretches, f.stretches),
        _latency(f.detection),
        _latency(f.idle_latency, f.never_idle),
        f"{len(f.premature)}/{f.turns}",
        "—" if spurious is None else f"{spurious:.1f} ({f.spurious} in {f.idle_seconds:.0f} s)",
        str(f.drops),
        *(_answers(outcome, path) for path in PATHS),
    )


def markdown(outcomes: list[Outcome]) -> str:
    rows = [HEADER, tuple("---" for _ in HEADER), *(row(o) for o in outcomes), TARGETS]
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def notes(outcomes: list[Outcome]) -> list[str]:
    lines = []
    for o in outcomes:
        if o.dashboard and o is outcomes[0]:
            lines.append(f"answering from the dashboard: {o.dashboard}")
        if o.flaked:
            lines.append(
                f"WARNING {o.cli}: the first run failed ({o.flaked}); these are the second"
            )
        f = o.figures
        if f is None:
            continue
        for label, items in (("missed questions", f.misses), ("asking outside a question",
                             f.false_asking), ("premature idle in", f.premature),
                             ("spurious changes in", f.spurious_in)):  # fmt: skip
            if items:
                lines.append(f"{o.cli}: {label}: {', '.join(items)}")
        for answer in o.answers:
            if not answer.ok:
                lines.append(f"{o.cli}: answer failed: {answer.label} ({answer.detail})")
    return lines
