"""The server's folders as the new-session field offers them: `~` for the home directory, and
the subfolders that complete a typed path (a bounded look at one directory, never recursive)."""

from __future__ import annotations

import os

SCAN_LIMIT = 5000  # entries looked at in one directory (a huge one is not listed whole)


def home() -> str:
    """The home directory of the user running the server (the agents' and shells' home)."""
    return os.path.expanduser("~")


def expand_home(path: str, home_dir: str | None = None) -> str:
    """`~` and `~/x` under the home directory; any other path as it is."""
    if path != "~" and not path.startswith("~/"):
        return path
    base = home_dir or home()
    return base if path == "~" else base.rstrip("/") + path[1:]


def complete(prefix: str, home_dir: str, limit: int = 50) -> list[str]:
    """Folders whose path starts with `prefix` (absolute, or under `~`): the subfolders of the
    folder it names whose names begin with its last part. Hidden ones only when that part starts
    with a dot. Unreadable or missing folders give no suggestion."""
    path = expand_home(prefix, home_dir)
    if not path.startswith("/") or "\0" in path:
        return []
    parent, _, partial = path.rpartition("/")
    found: list[str] = []
    try:
        with os.scandir(parent or "/") as entries:
            for n, entry in enumerate(entries):
                if n >= SCAN_LIMIT:
                    break
                name = entry.name
                if (
                    name.startswith(partial)
                    and (partial.startswith(".") or not name.startswith("."))
                    and _is_dir(entry)
                ):
                    found.append(f"{parent}/{name}")
    except OSError:
        return []
    return sorted(found)[:limit]


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
