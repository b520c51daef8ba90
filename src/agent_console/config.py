"""Settings: everything the server is configured with, frozen, from flags and environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PORT = 3457
MIB = 1024 * 1024


def default_data_dir() -> Path:
    """`$AGENT_CONSOLE_HOME`, else `~/.agent-console` (SPEC §8)."""
    home = os.environ.get("AGENT_CONSOLE_HOME")
    return Path(home) if home else Path.home() / ".agent-console"


@dataclass(frozen=True)
class Limits:
    """Bounds on what clients may send and what the server keeps."""

    scrollback_bytes: int = 10 * MIB
    # 2 MiB, so that a 4K screenshot re-encoded by the browser (WebP at q0.9 ~0.2-0.6 MB, JPEG
    # at q0.9 up to ~1 MB for a photo-heavy screen) fits at full resolution as an image message.
    worker_message_bytes: int = 2 * MIB
    app_message_bytes: int = 64 * 1024
    client_queue_bytes: int = 4 * MIB
    ping_interval: float = 20.0
    ping_timeout: float = 20.0
    request_timeout: float = 10.0  # for a whole request to arrive (see web/connections.py)
    max_connections: int | None = None  # None: half the open-files limit

    @property
    def image_bytes(self) -> int:
        """Decoded image cap: its base64 (4/3 larger) plus 1 KiB for the JSON around it fit in one
        worker message (1.5 MiB by default; web/src/protocol.ts IMAGE_MAX_BYTES mirrors this)."""
        return (self.worker_message_bytes - 1024) * 3 // 4


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    data_dir: Path = field(default_factory=default_data_dir)
    token: str | None = None
    allow_hosts: tuple[str, ...] = ()
    allow_origins: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    quiet_period: float = 2.0
    worktree_root: Path | None = None
    log_level: str = "warning"  # "info" adds uvicorn's access log, "debug" everything
    # Output stays searchable this long; a removed worker's log is kept this long after its last
    # output. 0: no search index, and a removed worker's log is deleted at once.
    history_days: float = 30.0

    @property
    def db_path(self) -> Path:
        return self.data_dir / "agent-console.db"

    @property
    def search_index_path(self) -> Path:
        return self.data_dir / "search.db"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def images_dir(self) -> Path:
        return self.data_dir / "images"

    @property
    def worktrees_dir(self) -> Path:
        return self.worktree_root or self.data_dir / "worktrees"

    @property
    def templates_dir(self) -> Path:
        return self.data_dir / "templates"
