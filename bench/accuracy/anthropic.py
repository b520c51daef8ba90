"""The Anthropic Messages API as Claude Code and OpenCode call it: `POST /v1/messages` streamed as
server-sent events (message_start, content_block_*, message_delta, message_stop)."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

from bench.accuracy.loopback import Request
from bench.accuracy.script import TURN, Call, ToolCall, call_id

SHELL_TOOLS = ("Bash", "bash")
MODEL = "claude-sonnet-4-5"


class Anthropic:
    name = "anthropic"

    def read(self, request: Request) -> Call | dict[str, Any] | None:
        if request.method != "POST":
            return {"data": [], "has_more": False} if request.path.endswith("/models") else None
        if request.path.endswith("/messages/count_tokens"):
            return {"input_tokens": 1000}
        if not request.path.endswith("/messages"):
            return None
        body = request.json()
        tools = [t.get("name") for t in body.get("tools") or []]
        shell = next((name for name in SHELL_TOOLS if name in tools), None)
        messages = body.get("messages") or []
        turn = _turn(messages)
        return Call(main=shell is not None, turn=turn, tool_result=_tool_result(messages, turn))

    def encoder(self, request: Request) -> tuple[MessagesEncoder, bool]:
        body = request.json()
        tools = [t.get("name") for t in body.get("tools") or []]
        shell = next((name for name in SHELL_TOOLS if name in tools), "Bash")
        return MessagesEncoder(str(body.get("model") or MODEL), shell), bool(body.get("stream"))


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content or [] if isinstance(b, dict)]


def _turn(messages: list[dict[str, Any]]) -> int | None:
    for message in reversed(messages):
        if message.get("role") != "user":
            continue
        for block in reversed(_blocks(message)):
            found = TURN.findall(block.get("text") or "") if block.get("type") == "text" else []
            if found:
                return int(found[-1])
    return None


def _tool_result(messages: list[dict[str, Any]], turn: int | None) -> str | None:
    if not messages or turn is None:
        return None
    for block in _blocks(messages[-1]):
        if block.get("type") == "tool_result" and block.get("tool_use_id") == call_id(turn):
            content = block.get("content")
            if isinstance(content, list):
                content = " ".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
            error = "(error) " if block.get("is_error") else ""
            return error + str(content or "")
    return None


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps({'type': event, **data})}\n\n"


class MessagesEncoder:
    def __init__(self, model: str, shell: str) -> None:
        self.model = model
        self.shell = shell
        self._index = count()
        self._open: int | None = None  # the index of the open text block

    def _message(self, content: list[Any], stop: str | None) -> dict[str, Any]:
        return {
            "id": "msg_acc",
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {"input_tokens": 100, "output_tokens": 1},
        }

    def begin(self) -> str:
        return _sse("message_start", {"message": self._message([], None)})

    def _close(self) -> str:
        if self._open is None:
            return ""
        index, self._open = self._open, None
        return _sse("content_block_stop", {"index": index})

    def text(self, delta: str) -> str:
        start = ""
        if self._open is None:
            self._open = next(self._index)
            block = {"type": "text", "text": ""}
            start = _sse("content_block_start", {"index": self._open, "content_block": block})
        delta_event = {"index": self._open, "delta": {"type": "text_delta", "text": delta}}
        return start + _sse("content_block_delta", delta_event)

    def tool(self, call: ToolCall) -> str:
        index = next(self._index)
        block = {"type": "tool_use", "id": call.call_id, "name": self.shell, "input": {}}
        arguments = json.dumps({"command": call.command, "description": call.description})
        return (
            self._close()
            + _sse("content_block_start", {"index": index, "content_block": block})
            + _sse(
                "content_block_delta",
                {"index": index, "delta": {"type": "input_json_delta", "partial_json": arguments}},
            )
            + _sse("content_block_stop", {"index": index})
        )

    def end(self, tool_use: bool) -> str:
        stop = "tool_use" if tool_use else "end_turn"
        delta = {"delta": {"stop_reason": stop, "stop_sequence": None}}
        return (
            self._close()
            + _sse("message_delta", {**delta, "usage": {"output_tokens": 20}})
            + _sse("message_stop", {})
        )

    def whole(self, text: str, calls: list[ToolCall], tool_use: bool) -> Any:
        content: list[Any] = [{"type": "text", "text": text}] if text else []
        content += [
            {"type": "tool_use", "id": c.call_id, "name": self.shell,
             "input": {"command": c.command, "description": c.description}}
            for c in calls
        ]  # fmt: skip
        return self._message(content, "tool_use" if tool_use else "end_turn")
