"""The one error root of the domain, and the wire code each error carries.

    Error                      code              HTTP
    ├── InvalidRequest         INVALID_REQUEST   400
    ├── NotFound               NOT_FOUND         404
    │   └── WorkerNotFound     WORKER_NOT_FOUND  404
    ├── Conflict               CONFLICT          409
    ├── SpawnFailed            SPAWN_FAILED      400
    └── GitFailed              GIT_FAILED        400

Transports map an Error to their own form in one place each (web/api.py for HTTP,
protocol.py for socket `error` messages).
"""

from __future__ import annotations


class Error(Exception):
    code = "INTERNAL"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(Error):
    code = "INVALID_REQUEST"
    status = 400


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
