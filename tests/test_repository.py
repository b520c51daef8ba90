"""The repository stands alone and its tests stay honest: nothing points outside it, no test
imports another test module's helpers (they live in tests/harness.py), no test is skipped."""

from __future__ import annotations

import re
from pathlib import Path

from tests.harness import ROOT

OUTSIDE = re.compile(r"\.\./shared")
TEST_MODULE_IMPORT = re.compile(r"^\s*(?:from|import)\s+tests(?:\.\w+)*\.test_\w+", re.M)
SKIP = re.compile(r"pytest\.(?:mark\.skip|mark\.skipif|skip\(|importorskip)|@skip\b")
SKIPPED_DIRS = {"node_modules", "static", ".venv", "__pycache__"}


def files(*roots: str) -> list[Path]:
    found = []
    for root in roots:
        path = ROOT / root
        if path.is_file():
            found.append(path)
            continue
        for file in path.rglob("*"):
            if file.is_file() and not SKIPPED_DIRS & set(file.relative_to(ROOT).parts):
                found.append(file)
    return found


def text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


def test_nothing_points_outside_the_repository() -> None:
    """README, docs, sources, tests and the web client never refer to the shared folder beside it."""
    hits = [str(p.relative_to(ROOT)) for p in files("README.md", "docs", "src", "tests", "web")
            if OUTSIDE.search(text(p))]  # fmt: skip
    assert hits == []


def test_tests_import_helpers_only_from_the_harness() -> None:
    """No test module imports from another test module (shared helpers belong in the harness)."""
    hits = [str(p.relative_to(ROOT)) for p in files("tests") if p.suffix == ".py"
            and TEST_MODULE_IMPORT.search(text(p))]  # fmt: skip
    assert hits == []


# Tests that need powers only root has (mounting a small disk, acting as another user): CI runs
# as root and runs them; elsewhere they skip, saying why. Nothing else may skip.
NEEDS_ROOT = {"tests/reliability/test_disk_full.py", "tests/test_host.py"}


def test_no_test_is_skipped() -> None:
    """No test is skipped, conditionally or not: a test that cannot run yet is not written yet
    (only those needing root skip without it, with the reason printed)."""
    hits = {str(p.relative_to(ROOT)) for p in files("tests") if p.suffix == ".py"
            and p.name != "test_repository.py" and SKIP.search(text(p))}  # fmt: skip
    assert hits <= NEEDS_ROOT


def test_only_the_kinds_table_tells_worker_kinds_apart() -> None:
    """The domain asks worker_kinds.WORKER_KINDS (or a kind's class) what a kind is; it never
    compares a worker's type with a kind's name."""
    compare = re.compile(r"""\btype\s*[!=]=\s*["'](agent|terminal|git-diff)["']""")
    domain = ["sessions.py", "workers.py", "diff_worker.py", "worker_launch.py", "hub.py"]
    found = [f"{name}:{m.group(0)}" for name in domain
             for m in compare.finditer((ROOT / "src" / "agent_console" / name).read_text())]  # fmt: skip
    assert not found


def test_the_worker_host_has_no_browser_facing_code() -> None:
    """The host process imports nothing of the web server (no HTTP, no token, no browser)."""
    host = ROOT / "src" / "agent_console" / "host"
    found = [f"{path.name}: {line.strip()}" for path in host.glob("*.py")
             for line in path.read_text().splitlines()
             if re.match(r"\s*(from|import)\s+(agent_console\.(web|access)|fastapi|starlette|"
                         r"uvicorn)\b", line)]  # fmt: skip
    assert not found
