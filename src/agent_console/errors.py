"""The one error root of the domain, and the wire code each error carries.

    Error                      code              HTTP
    ├── InvalidRequest         INVALID_REQUEST   400
    │   └── InvalidFields      INVALID_REQUEST   400   (+ errors: [{field, message}])
    ├── NotFound               NOT_FOUND         404
    │   └── WorkerNotFound     WORKER_NOT_FOUND  404
    ├── Conflict               CONFLICT          409
    ├── SpawnFailed            SPAWN_FAILED      400
    ├── OutOfRetention         OUT_OF_RETENTION  410
    ├── GitFailed              GIT_FAILED        400
    └── StoreFailed            STORE_FAILED      503

Transports map an Error to their own form in one place each (web/api.py for HTTP,
protocol.py for socket `error` messages).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class Error(Exception):
    code = "INTERNAL"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def details(self) -> dict[str, Any]:
        """Fields a transport adds next to the message and code (none by default)."""
        return {}


class InvalidRequest(Error):
    code = "INVALID_REQUEST"
    status = 400


class InvalidFields(InvalidRequest):
    """Several fields of one request are wrong: every problem at once, each naming its field
    (the wire name) with a message in the user's words."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = list(problems)

    def details(self) -> dict[str, Any]:
        return {
            "errors": [{"field": field, "message": message} for field, message in self.problems]
        }


class NotFound(Error):
    code = "NOT_FOUND"
    status = 404


class WorkerNotFound(NotFound):
    code = "WORKER_NOT_FOUND"


class Conflict(Error):
    code = "CONFLICT"
    status = 409


class SpawnFailed(Error):
    code = "SPAWN_FAILED"
    status = 400


class GitFailed(Error):
    code = "GIT_FAILED"
    status = 400


class StoreFailed(Error):
    """The database refused a change (busy, read-only, full, damaged); nothing was changed."""

    code = "STORE_FAILED"
    status = 503


class OutOfRetention(Error):
    """Output asked for by offset has left the retained history."""

    code = "OUT_OF_RETENTION"
    status = 410

    def __init__(self, message: str, retained_start: int) -> None:
        super().__init__(message)
        self.retained_start = retained_start

    def details(self) -> dict[str, Any]:
        return {"retainedStart": self.retained_start}
