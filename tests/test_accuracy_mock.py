"""bench/accuracy's provider mocks over real loopback HTTP: each streams the scripted turn in its
provider's format, recognises the result of its own tool call, and records when the turn ended."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from bench.accuracy.anthropic import Anthropic
from bench.accuracy.gemini import Gemini
from bench.accuracy.mock import Mock, Provider
from bench.accuracy.openai import Responses
from bench.accuracy.script import Plan, Script

Request = tuple[str, dict[str, Any]]


def anthropic(result: str | None) -> Request:
    messages: list[dict[str, Any]] = [{"role": "user", "content": "acc1 make the marker"}]
    if result is not None:
        messages += [
            {"role": "assistant", "content": [{"type": "tool_use", "id": "call_acc1",
                                               "name": "Bash", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "call_acc1",
                                          "content": result}]},
        ]  # fmt: skip
    body = {"model": "m", "stream": True, "tools": [{"name": "Bash"}], "messages": messages}
    return "/v1/messages", body


def responses(result: str | None) -> Request:
    items: list[dict[str, Any]] = [{"type": "message", "role": "user",
                                    "content": [{"type": "input_text", "text": "acc1 go"}]}]  # fmt: skip
    if result is not None:
        items.append({"type": "function_call_output", "call_id": "call_acc1", "output": result})
    tools = [{"type": "function", "name": "exec_command"}]
    return "/v1/responses", {"model": "m", "stream": True, "tools": tools, "input": items}


def gemini(result: str | None) -> Request:
    contents: list[dict[str, Any]] = [{"role": "user", "parts": [{"text": "acc1 go"}]}]
    if result is not None:
        response = {"id": "call_acc1", "name": "run_shell_command", "response": {"output": result}}
        contents.append({"role": "user", "parts": [{"functionResponse": response}]})
    tools = [{"functionDeclarations": [{"name": "run_shell_command"}]}]
    path = "/v1beta/models/g:streamGenerateContent?alt=sse"
    return path, {"contents": contents, "tools": tools}


CASES: list[tuple[Callable[[], Provider], Callable[[str | None], Request]]] = [
    (Anthropic, anthropic),
    (Responses, responses),
    (Gemini, gemini),
]


@pytest.mark.parametrize(("provider", "request_for"), CASES, ids=["anthropic", "openai", "gemini"])
async def test_a_tool_turn_streams_the_call_then_closes_on_its_result(
    tmp_path: Path, provider: Callable[[], Provider], request_for: Callable[[str | None], Request]
) -> None:
    """The first reply carries the shell call with its id; the reply to its result ends the turn."""
    script = Script()
    script.plan(1, Plan("Done, the file exists.", delay=0, command="touch marker.txt"))
    mock = await Mock(provider(), script, tmp_path / "mock.jsonl").start()
    try:
        async with httpx.AsyncClient(base_url=mock.url) as client:
            path, body = request_for(None)
            first = (await client.post(path, json=body)).text
            record = script.records[1]
            assert "touch marker.txt" in first and "call_acc1" in first
            assert record.tool_call_at is not None and not record.final
            path, body = request_for("exit 0")
            second = (await client.post(path, json=body)).text
    finally:
        await mock.stop()
    assert "Done," in second and "touch" not in second
    assert record.final and record.last_byte_at is not None and "exit 0" in str(record.tool_result)
    assert script.unplanned == [] and mock.errors == []


async def test_gemini_side_calls_get_json_that_fits_their_schema(tmp_path: Path) -> None:
    """The next-speaker check is answered with a value its own schema allows."""
    schema = {"type": "object", "required": ["reasoning", "next_speaker"],
              "properties": {"reasoning": {"type": "string"},
                             "next_speaker": {"type": "string", "enum": ["user", "model"]}}}  # fmt: skip
    body = {"contents": [{"role": "user", "parts": [{"text": "acc1 go"}]}],
            "generationConfig": {"responseJsonSchema": schema}}  # fmt: skip
    mock = await Mock(Gemini(), Script(), tmp_path / "mock.jsonl").start()
    try:
        async with httpx.AsyncClient(base_url=mock.url) as client:
            reply = await client.post("/v1beta/models/g:generateContent", json=body)
    finally:
        await mock.stop()
    text = reply.json()["candidates"][0]["content"]["parts"][0]["text"]
    assert json.loads(text)["next_speaker"] == "user"


async def test_an_unknown_endpoint_is_answered_404_and_logged(tmp_path: Path) -> None:
    """A CLI calling something the mock does not know shows up in the request log."""
    log = tmp_path / "mock.jsonl"
    mock = await Mock(Anthropic(), Script(), log).start()
    try:
        async with httpx.AsyncClient(base_url=mock.url) as client:
            reply = await client.post("/v1/unknown", json={})
    finally:
        await mock.stop()
    assert reply.status_code == 404 and "/v1/unknown" in log.read_text()
