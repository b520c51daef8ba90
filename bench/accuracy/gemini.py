"""The Gemini API as Gemini CLI calls it through GOOGLE_GEMINI_BASE_URL:
`POST /v1beta/models/{model}:streamGenerateContent?alt=sse` (server-sent events, one
GenerateContentResponse each) and `:generateContent` for its JSON side calls (next speaker, model
routing), answered from the request's own response schema."""

from __future__ import annotations

import json
from typing import Any

from bench.accuracy.loopback import Request
from bench.accuracy.script import TURN, Call, ToolCall, call_id

SHELL = "run_shell_command"


class Gemini:
    name = "gemini"

    def read(self, request: Request) -> Call | dict[str, Any] | None:
        if request.method == "GET" and request.path.endswith("/models"):
            return {"models": []}
        if request.method != "POST":
            return None
        if request.path.endswith(":countTokens"):
            return {"totalTokens": 100}
        if not request.path.endswith(("GenerateContent", "generateContent")):
            return None
        body = request.json()
        contents = [c for c in body.get("contents") or [] if isinstance(c, dict)]
        turn = _turn(contents)
        main = SHELL in _declared(body) and not _schema(body)
        return Call(main=main, turn=turn, tool_result=_response(contents, turn))

    def encoder(self, request: Request) -> tuple[GeminiEncoder, bool]:
        body = request.json()
        return GeminiEncoder(_schema(body)), "streamGenerateContent" in request.path


def _declared(body: dict[str, Any]) -> set[str]:
    return {
        str(f.get("name"))
        for tool in body.get("tools") or []
        for f in (tool.get("functionDeclarations") or [] if isinstance(tool, dict) else [])
    }


def _schema(body: dict[str, Any]) -> dict[str, Any] | None:
    config = body.get("generationConfig") or {}
    schema = config.get("responseJsonSchema") or config.get("responseSchema")
    return schema if isinstance(schema, dict) else None


def _parts(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in content.get("parts") or [] if isinstance(p, dict)]


def _turn(contents: list[dict[str, Any]]) -> int | None:
    for content in reversed(contents):
        if content.get("role") != "user":
            continue
        for part in reversed(_parts(content)):
            found = TURN.findall(str(part.get("text") or ""))
            if found:
                return int(found[-1])
    return None


def _response(contents: list[dict[str, Any]], turn: int | None) -> str | None:
    if not contents or turn is None:
        return None
    for part in _parts(contents[-1]):
        response = part.get("functionResponse")
        if isinstance(response, dict) and response.get("id") == call_id(turn):
            return json.dumps(response.get("response"))
    return None


def example(schema: dict[str, Any]) -> Any:
    """A value that satisfies `schema`: its first enum value, an object of its required
    properties, an empty list, a short string."""
    if schema.get("enum"):
        return schema["enum"][0]
    kind = str(schema.get("type", "object")).lower()
    if kind == "object":
        properties = schema.get("properties") or {}
        required = schema.get("required") or list(properties)
        return {name: example(properties.get(name) or {}) for name in required}
    if kind == "array":
        return []
    if kind in ("number", "integer"):
        return 0
    if kind == "boolean":
        return False
    return "Scripted."


class GeminiEncoder:
    def __init__(self, schema: dict[str, Any] | None) -> None:
        self.schema = schema

    @staticmethod
    def _chunk(parts: list[dict[str, Any]], finish: bool = False) -> dict[str, Any]:
        candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
        chunk: dict[str, Any] = {"candidates": [candidate], "modelVersion": "gemini-2.5-pro"}
        if finish:
            candidate["finishReason"] = "STOP"
            chunk["usageMetadata"] = {"promptTokenCount": 100, "candidatesTokenCount": 20,
                                      "totalTokenCount": 120}  # fmt: skip
        return chunk

    def _sse(self, parts: list[dict[str, Any]], finish: bool = False) -> str:
        return f"data: {json.dumps(self._chunk(parts, finish))}\r\n\r\n"

    def begin(self) -> str:
        return ""

    def text(self, delta: str) -> str:
        return self._sse([{"text": delta}])

    def tool(self, call: ToolCall) -> str:
        args = {"command": call.command, "description": call.description}
        call_part = {"functionCall": {"id": call.call_id, "name": SHELL, "args": args}}
        return self._sse([call_part], finish=True)  # a stream ends with a finish reason

    def end(self, tool_use: bool) -> str:
        return "" if tool_use else self._sse([{"text": ""}], finish=True)

    def whole(self, text: str, calls: list[ToolCall], tool_use: bool) -> Any:
        if self.schema is not None:
            text = json.dumps(example(self.schema))
        return self._chunk([{"text": text}], finish=True)
