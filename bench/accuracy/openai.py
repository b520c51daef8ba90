"""The OpenAI Responses API as Codex calls it through a `model_provider` with a `base_url`:
`POST {base_url}/responses`, streamed as server-sent events (response.created,
response.output_item.added/done, response.output_text.delta, response.completed)."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

from bench.accuracy.loopback import Request
from bench.accuracy.script import TURN, Call, ToolCall, call_id

# Codex's shell tools by name, and the arguments that run one command line outside the sandbox,
# which Codex must ask the user for (approval_policy "on-request").
ESCALATE = {"sandbox_permissions": "require_escalated", "justification": "Create the marker file?"}
SHELL_TOOLS: dict[str, Any] = {
    "exec_command": lambda command: {"cmd": command, **ESCALATE},
    "shell_command": lambda command: {"command": command, **ESCALATE},
    "shell": lambda command: {"command": ["bash", "-lc", command], **ESCALATE},
}


class Responses:
    name = "openai"

    def read(self, request: Request) -> Call | dict[str, Any] | None:
        if request.method == "GET" and request.path.endswith("/models"):
            return {"object": "list", "data": [], "models": []}
        if request.method != "POST" or not request.path.endswith("/responses"):
            return None
        body = request.json()
        items = [i for i in body.get("input") or [] if isinstance(i, dict)]
        turn = _turn(items)
        return Call(main=_shell(body) is not None, turn=turn, tool_result=_output(items, turn))

    def encoder(self, request: Request) -> tuple[ResponsesEncoder, bool]:
        body = request.json()
        return ResponsesEncoder(str(body.get("model")), _shell(body) or "shell"), True


def _shell(body: dict[str, Any]) -> str | None:
    names = {t.get("name") for t in body.get("tools") or [] if isinstance(t, dict)}
    return next((name for name in SHELL_TOOLS if name in names), None)


def _text(item: dict[str, Any]) -> str:
    content = item.get("content")
    if isinstance(content, str):
        return content
    return " ".join(str(c.get("text", "")) for c in content or [] if isinstance(c, dict))


def _turn(items: list[dict[str, Any]]) -> int | None:
    for item in reversed(items):
        if item.get("type", "message") == "message" and item.get("role") == "user":
            found = TURN.findall(_text(item))
            if found:
                return int(found[-1])
    return None


def _output(items: list[dict[str, Any]], turn: int | None) -> str | None:
    for item in items:
        if item.get("type") == "function_call_output" and item.get("call_id") == call_id(turn or 0):
            output = item.get("output")
            return output if isinstance(output, str) else json.dumps(output)
    return None


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps({'type': event, **data})}\n\n"


class ResponsesEncoder:
    def __init__(self, model: str, shell: str) -> None:
        self.model = model
        self.shell = shell
        self._index = count()
        self._message: tuple[int, str, list[str]] | None = None  # output index, id, text
        self._done: list[dict[str, Any]] = []

    def _response(self, status: str) -> dict[str, Any]:
        usage = {"input_tokens": 100, "input_tokens_details": {"cached_tokens": 0},
                 "output_tokens": 20, "output_tokens_details": {"reasoning_tokens": 0},
                 "total_tokens": 120}  # fmt: skip
        return {"id": "resp_acc", "object": "response", "model": self.model, "status": status,
                "output": self._done, "usage": usage}  # fmt: skip

    def begin(self) -> str:
        return _sse("response.created", {"response": self._response("in_progress")})

    def text(self, delta: str) -> str:
        added = ""
        if self._message is None:
            index = next(self._index)
            self._message = (index, f"msg_acc{index}", [])
            item = {"type": "message", "id": self._message[1], "role": "assistant",
                    "status": "in_progress", "content": []}  # fmt: skip
            added = _sse("response.output_item.added", {"output_index": index, "item": item})
        index, item_id, parts = self._message
        parts.append(delta)
        event = {"item_id": item_id, "output_index": index, "content_index": 0, "delta": delta}
        return added + _sse("response.output_text.delta", event)

    def _close(self) -> str:
        if self._message is None:
            return ""
        (index, item_id, parts), self._message = self._message, None
        content = [{"type": "output_text", "text": "".join(parts), "annotations": []}]
        item = {"type": "message", "id": item_id, "role": "assistant", "status": "completed",
                "content": content}  # fmt: skip
        self._done.append(item)
        return _sse("response.output_item.done", {"output_index": index, "item": item})

    def tool(self, call: ToolCall) -> str:
        closed, index = self._close(), next(self._index)
        arguments = json.dumps(SHELL_TOOLS[self.shell](call.command))
        item = {"type": "function_call", "id": f"fc_{call.call_id}", "call_id": call.call_id,
                "name": self.shell, "arguments": arguments, "status": "completed"}  # fmt: skip
        self._done.append(item)
        return (
            closed
            + _sse("response.output_item.added", {"output_index": index, "item": item})
            + _sse("response.output_item.done", {"output_index": index, "item": item})
        )

    def end(self, tool_use: bool) -> str:
        closed = self._close()
        return closed + _sse("response.completed", {"response": self._response("completed")})

    def whole(self, text: str, calls: list[ToolCall], tool_use: bool) -> Any:
        raise ValueError("Codex asked for a reply that is not streamed")
