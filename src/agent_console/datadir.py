"""The data directory's ownership and housekeeping: the lock that makes one server its owner,
and the sweeps at start that remove what no session owns (orphan output logs, old pasted images).

Layout: `serve.lock` (held by the running server, says its pid and port), `agent-console.db`,
`logs/<worker id>.log`, `images/<worker id>-<random>.<ext>`, `quarantine/` (see quarantine.py).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import stat
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

LOCK_FILE = "serve.lock"
IMAGE_MAX_AGE = 7 * 24 * 3600.0
LOG_SUFFIX = ".log"

log = logging.getLogger(__name__)


class DataDirInUse(Exception):
    """Another server owns the data directory; the message says which one."""


class ServeLock:
    """An exclusive `flock` on `<data dir>/serve.lock`, held for the server's whole life (the
    kernel releases it when the process ends, even on kill -9). The file holds "pid port" of the
    holder so that a refused second server can say who is in the way."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd = fd

    @classmethod
    def acquire(cls, data_dir: Path) -> ServeLock:
        """Takes the lock; DataDirInUse when another process holds it, OSError when the lock
        file cannot be opened (e.g. it is a directory or a symlink)."""
        path = data_dir / LOCK_FILE
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _holder(fd)
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EACCES):
                raise DataDirInUse(
                    f"data directory in use by {holder} ({data_dir}); stop that server first, "
                    "or give this one another --data-dir"
                ) from None
            raise
        os.fchmod(fd, 0o600)
        lock = cls(path, fd)
        lock.claim(None)
        return lock

    def claim(self, port: int | None) -> None:
        """Records this process (and the port it listens on, once known) in the lock file."""
        text = f"{os.getpid()} {port if port is not None else '-'}\n".encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, text, 0)

    def release(self) -> None:
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the last descriptor drops the flock
            self._fd = -1


def _holder(fd: int) -> str:
    """ "pid N on port P" from the lock file's text (what the holder wrote), as far as known."""
    try:
        pid, port = os.pread(fd, 64, 0).decode("ascii").split()
    except (OSError, UnicodeDecodeError, ValueError):
        return "another agent-console server"
    where = f" on port {port}" if port.isdigit() else " (still starting)"
    return f"pid {pid}{where}" if pid.isdigit() else "another agent-console server"


# --- a worker's files ---------------------------------------------------------------------------


def worker_images(images_dir: Path, worker_id: str) -> Iterator[Path]:
    """The images pasted into a worker (named `<worker id>-<random>.<ext>`)."""
    for path in _entries(images_dir):
        if _image_owner(path.name) == worker_id:
            yield path


def remove_worker_files(images_dir: Path, worker_id: str) -> None:
    """Deletes the images pasted into a removed worker (its log is the host's to delete)."""
    for path in worker_images(images_dir, worker_id):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _image_owner(name: str) -> str:
    return name.rsplit("-", 1)[0] if "-" in name else ""


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []


# --- sweeps at start ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Swept:
    """What a sweep removed (file names), for the server log."""

    logs: tuple[str, ...] = ()
    images: tuple[str, ...] = ()


def sweep(
    logs_dir: Path,
    images_dir: Path,
    workers: Collection[str],
    now: float | None = None,
    image_max_age: float = IMAGE_MAX_AGE,
) -> Swept:
    """Removes output logs of workers that are in no session (left by a kill -9 during a
    session's creation) and pasted images that belong to no worker or are older than
    `image_max_age` seconds (the agent has long read them)."""
    now = time.time() if now is None else now
    logs = [
        path
        for path in _entries(logs_dir)
        if path.name.endswith((LOG_SUFFIX, LOG_SUFFIX + ".tmp"))
        and path.name.split(".", 1)[0] not in workers
        and _is_file(path)
    ]
    images = [
        path
        for path in _entries(images_dir)
        if _is_file(path)
        and (_image_owner(path.name) not in workers or now - _mtime(path) > image_max_age)
    ]
    for path in [*logs, *images]:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    swept = Swept(tuple(p.name for p in logs), tuple(p.name for p in images))
    if swept.logs:
        log.warning("removed %d output log(s) of workers in no session", len(swept.logs))
    return swept


def _is_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0
