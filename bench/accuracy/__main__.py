"""`make accuracy`: the real CLIs inside the product against loopback mocks of their providers;
per CLI, how well the product knows when the agent asks, works and is idle (truth.py defines each
figure), printed as a table beside the targets.

Exit status: 0 when every installed CLI ran its scenarios (a CLI that cannot be installed is
skipped with the reason; one whose first run went wrong and whose second run passed is reported
with a warning); 1 when the harness itself failed on any CLI. Each run's folder (the
script's view of each terminal, the mock's request log, the server log and each CLI's own logs
under its temporary home) is kept until the next run, and for good when something failed, and
with --keep.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.accuracy.clis import BY_NAME, CLIS, Cli
from bench.accuracy.drive import Drive, HarnessError
from bench.accuracy.install import DEFAULT_PREFIX, install_all
from bench.accuracy.reap import reap
from bench.accuracy.scenarios import SCENARIOS, Run
from bench.accuracy.table import Outcome, markdown, notes
from bench.accuracy.truth import score

RESULTS = Path(__file__).resolve().parent.parent / "results"


async def run_cli(
    cli: Cli, bin_dir: Path, folder: Path, timing: asyncio.Lock, only: list[str]
) -> Outcome:
    outcome = Outcome(cli.name, cli.version)
    drive = Drive(cli, bin_dir, folder)
    run = Run(drive, timing)
    began = time.monotonic()
    try:
        for name, scenario in SCENARIOS:
            if only and name not in only and scenario is not SCENARIOS[0][1]:
                continue
            print(f"  {cli.name}: {name}", flush=True)
            await scenario(run)
        run.act()
        outcome.figures = score(drive.truth, drive.states, time.monotonic())
        outcome.answers = drive.truth.answers
        outcome.dashboard = run.dashboard
    except (HarnessError, TimeoutError, OSError) as error:
        outcome.error = f"{type(error).__name__}: {error}"
    except Exception as error:  # a defect of the harness: the traceback goes to the log
        outcome.error, outcome.defect = f"{type(error).__name__}: {error}", True
        (folder / "traceback.txt").write_text(traceback.format_exc())
    finally:
        try:
            await drive.close()
        except Exception as error:
            outcome.error = outcome.error or f"closing: {type(error).__name__}: {error}"
        reap(folder)
        drive.save()
        errors = drive.mock.errors + [f"unplanned call: {u}" for u in drive.script.unplanned]
        if errors and not outcome.error:
            outcome.error = "mock: " + "; ".join(errors[:3])
    outcome.seconds = time.monotonic() - began
    print(f"  {cli.name}: done in {outcome.seconds:.0f} s {outcome.error}", flush=True)
    return outcome


async def run_twice(
    cli: Cli, bin_dir: Path, root: Path, timing: asyncio.Lock, only: list[str]
) -> Outcome:
    """A CLI whose run went wrong (a dialog that never came, a reply never finished) is run once
    more; the first failure is printed and kept. A defect of the harness is not retried."""
    outcome = await run_cli(cli, bin_dir, root / cli.name, timing, only)
    if not outcome.error or outcome.defect:
        return outcome
    print(f"  {cli.name}: FAILED, running it once more: {outcome.error}", flush=True)
    again = await run_cli(cli, bin_dir, root / f"{cli.name}-again", timing, only)
    again.flaked = outcome.error
    return again


async def main_async(args: argparse.Namespace) -> int:
    clis = [BY_NAME[name] for name in args.cli] if args.cli else list(CLIS)
    print(f"installing {', '.join(f'{c.package}@{c.version}' for c in clis)} into {args.prefix}")
    installed = await install_all(clis, args.prefix)
    outcomes = [
        Outcome(i.cli.name, i.cli.version, skipped=i.reason) for i in installed if i.bin_dir is None
    ]
    for outcome in outcomes:
        print(f"  {outcome.cli}: skipped: {outcome.skipped}")
    # Not under /tmp: Gemini CLI ignores a settings file below a directory others may write to
    # (the product's hooks for it live in the data directory), so the runs go beside the installs.
    runs_dir = args.prefix / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    root = Path(tempfile.mkdtemp(prefix="run-", dir=runs_dir))
    timing = asyncio.Lock()
    runs = [run_twice(i.cli, i.bin_dir, root, timing, args.scenario or [])
            for i in installed if i.bin_dir is not None]  # fmt: skip
    outcomes = [*await asyncio.gather(*runs), *outcomes]
    outcomes.sort(key=lambda o: [c.name for c in CLIS].index(o.cli))
    print()
    print(markdown(outcomes))
    for line in notes(outcomes):
        print(f"- {line}")
    failed = [o for o in outcomes if o.error]
    _write_results(outcomes)
    # The last run's folders stay, to explain a figure afterwards; older ones go unless they
    # failed, flaked or were asked to be kept (a `.keep` file in them).
    if failed or args.keep or any(o.flaked for o in outcomes):
        (root / ".keep").touch()
    for old in runs_dir.glob("run-*"):
        if old != root and not (old / ".keep").exists():
            shutil.rmtree(old, ignore_errors=True)
    print(f"\nrun folders in {root}")
    if failed:
        print(f"\nHARNESS FAILED on {', '.join(o.cli for o in failed)}", file=sys.stderr)
        return 1
    return 0


def _write_results(outcomes: list[Outcome]) -> None:
    RESULTS.mkdir(exist_ok=True)
    data = [{"cli": o.cli, "version": o.version, "skipped": o.skipped, "error": o.error,
             "dashboard": o.dashboard, "seconds": round(o.seconds, 1),
             "figures": vars(o.figures) if o.figures else None,
             "answers": [vars(a) for a in o.answers]} for o in outcomes]  # fmt: skip
    (RESULTS / "accuracy.json").write_text(json.dumps(data, indent=1))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.accuracy", description=__doc__)
    parser.add_argument("--cli", action="append", choices=sorted(BY_NAME), help="only this CLI")
    parser.add_argument("--prefix", type=Path, default=DEFAULT_PREFIX, help="install prefix")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=[name for name, _ in SCENARIOS[1:]],
        help="only this scenario (after the startup), for working on the harness",
    )
    parser.add_argument("--keep", action="store_true", help="keep the run folders")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
