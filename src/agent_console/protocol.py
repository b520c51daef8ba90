"""Every WebSocket message of both sockets, both directions: parse() inbound, encoders outbound.

The catalogue here is mirrored by web/src/protocol.ts and documented in docs/protocol.md; a test
keeps the three in agreement. Inbound messages are validated in one pass by pydantic (a
discriminated union on `type`); anything wrong becomes a ProtocolError carrying the
INVALID_MESSAGE text for the client. Outbound messages are JSON text built once per event.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any, Literal

import orjson
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
)

# --- names ----------------------------------------------------------------------------------

APP_SERVER_MESSAGE_TYPES = (
    "sessions-sync",
    "session-created",
    "session-updated",
    "session-deleted",
    "worker-activity",
    "worker-preview",
)
APP_CLIENT_MESSAGE_TYPES = ("request-sync",)
WORKER_CLIENT_MESSAGE_TYPES = ("input", "resize", "image", "pause", "resume")
WORKER_SERVER_MESSAGE_TYPES = ("output", "exit", "history", "activity", "error", "diff-changed")
ERROR_CODES = ("INVALID_MESSAGE", "WORKER_NOT_FOUND", "INPUT_DROPPED")
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


class Close:
    """WebSocket close codes the server uses."""

    NORMAL = 1000  # the worker or session was deleted
    TOO_BIG = 1009  # a message over the size cap
    TRY_AGAIN = 1013  # the client stalled (read nothing for 10 s); reconnect with ?offset=
    SERVICE_RESTART = 1012  # the server is stopping (its workers go on); reconnect
    INTERNAL = 1011  # the server failed unexpectedly; reconnect with ?offset=
    NOT_FOUND = 4404  # unknown session or worker


# --- inbound --------------------------------------------------------------------------------


class _Msg(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class RequestSync(_Msg):
    type: Literal["request-sync"]


class Input(_Msg):
    type: Literal["input"]
    data: StrictStr


class Resize(_Msg):
    type: Literal["resize"]
    cols: Annotated[StrictInt, Field(ge=1, le=1000)]
    rows: Annotated[StrictInt, Field(ge=1, le=1000)]


class Image(_Msg):
    type: Literal["image"]
    data: StrictStr
    mime_type: StrictStr = Field(alias="mimeType")


class Pause(_Msg):
    type: Literal["pause"]


class Resume(_Msg):
    type: Literal["resume"]


WorkerClientMessage = Annotated[
    Input | Resize | Image | Pause | Resume, Field(discriminator="type")
]
_app_adapter: TypeAdapter[RequestSync] = TypeAdapter(RequestSync)
_worker_adapter: TypeAdapter[Input | Resize | Image | Pause | Resume] = TypeAdapter(
    WorkerClientMessage
)


class ProtocolError(Exception):
    """An inbound message the server refuses; `str(err)` is the text sent to the client."""


def _load_object(raw: str | bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ProtocolError(f"message is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ProtocolError("message must be a JSON object")
    kind = value.get("type")
    if not isinstance(kind, str):
        raise ProtocolError("message needs a string field 'type'")
    return value


def _explain(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"] if p not in WORKER_CLIENT_MESSAGE_TYPES)
        parts.append(f"{where or 'message'}: {err['msg']}")
    return "; ".join(parts)


def parse_app(raw: str | bytes) -> RequestSync:
    value = _load_object(raw)
    if value["type"] not in APP_CLIENT_MESSAGE_TYPES:
        raise ProtocolError(f"unknown message type {value['type']!r}; expected 'request-sync'")
    return _app_adapter.validate_python(value)


def parse_worker(raw: str | bytes) -> Input | Resize | Image | Pause | Resume:
    value = _load_object(raw)
    if value["type"] not in WORKER_CLIENT_MESSAGE_TYPES:
        allowed = ", ".join(WORKER_CLIENT_MESSAGE_TYPES)
        raise ProtocolError(f"unknown message type {value['type']!r}; expected one of {allowed}")
    try:
        message = _worker_adapter.validate_python(value)
    except ValidationError as exc:
        raise ProtocolError(f"invalid {value['type']!r} message: {_explain(exc)}") from None
    if isinstance(message, Input) and not _is_utf8(message.data):
        raise ProtocolError(
            "invalid 'input' message: data holds an unpaired surrogate (\\ud800-\\udfff)"
        )
    return message


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decode_image(message: Image, cap: int) -> bytes:
    """The image's bytes; refuses unknown types, bad base64 and images over `cap` bytes."""
    if message.mime_type not in IMAGE_TYPES:
        raise ProtocolError(f"image mimeType must be one of {', '.join(IMAGE_TYPES)}")
    if len(message.data) > (cap * 4) // 3 + 4:
        raise ProtocolError(f"image is larger than {cap} bytes")
    try:
        data = base64.b64decode(message.data, validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolError("image data is not valid base64") from None
    if not data:
        raise ProtocolError("image data is empty")
    if len(data) > cap:
        raise ProtocolError(f"image is larger than {cap} bytes")
    return data


# --- outbound -------------------------------------------------------------------------------


def _encode(message: dict[str, Any]) -> str:
    """Compact JSON text. orjson: output frames are the hot path, and terminal text (escape
    sequences, non-ASCII) encodes ~9x faster than with the json module (bench/README.md)."""
    try:
        return orjson.dumps(message).decode()
    except TypeError:  # a lone surrogate (never in decoded output): escaped, not refused
        return json.dumps(message, separators=(",", ":"))


def encode(message: dict[str, Any]) -> str:
    return _encode(message)


def output(data: str, offset: int) -> str:
    return _encode({"type": "output", "data": data, "offset": offset})


def history(data: str, start_offset: int, offset: int, lost_bytes: int = 0, **extra: Any) -> str:
    message = {"type": "history", "data": data, "startOffset": start_offset, "offset": offset}
    if lost_bytes > 0:
        message["lostBytes"] = lost_bytes
    return _encode({**message, **extra})


def exit_message(exit_code: int, signal: str | None) -> str:
    return _encode({"type": "exit", "exitCode": exit_code, "signal": signal})


def activity(state: str, reason: str | None = None, question: dict[str, Any] | None = None) -> str:
    """An agent's state, why it last changed, and its open question (null unless asking)."""
    return _encode({"type": "activity", "state": state, "reason": reason, "question": question})


def diff_changed() -> str:
    return _encode({"type": "diff-changed"})


def error(code: str, message: str) -> str:
    return _encode({"type": "error", "code": code, "message": message})


def sessions_sync(
    sessions: list[dict[str, Any]],
    activity_states: list[dict[str, Any]],
    previews: list[dict[str, Any]] | None = None,
) -> str:
    return _encode({"type": "sessions-sync", "sessions": sessions,
                    "activityStates": activity_states, "previews": previews or []})  # fmt: skip


def session_event(
    kind: Literal["session-created", "session-updated"], session: dict[str, Any]
) -> str:
    return _encode({"type": kind, "session": session})


def session_deleted(session_id: str) -> str:
    return _encode({"type": "session-deleted", "sessionId": session_id})


def worker_activity(
    session_id: str, worker_id: str, state: str, worker_fields: dict[str, Any] | None = None
) -> str:
    """`worker_fields`: what changes with the activity on the worker — its attention,
    attentionSince and stateChangedAt, and why the state changed (`reason`) and the open
    question (`question`, null unless asking)."""
    return _encode(
        {
            "type": "worker-activity",
            "sessionId": session_id,
            "workerId": worker_id,
            "activityState": state,
            **(worker_fields or {}),
        }
    )


def worker_preview(preview: dict[str, Any]) -> str:
    return _encode({"type": "worker-preview", **preview})
