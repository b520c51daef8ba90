"""The agent catalogue: built-in definitions plus the user's custom agents, persisted."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import ConfigDict, StringConstraints, ValidationError

from agent_console.agents import BUILT_IN_AGENTS, validate_fields
from agent_console.errors import Conflict, InvalidRequest, NotFound
from agent_console.model import ActivityPatterns, Agent, Wire, new_id
from agent_console.store import Store

EDITABLE = ("name", "description", "commandTemplate", "continueTemplate", "headlessTemplate",
            "activityPatterns")  # fmt: skip


class AgentCatalog:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._builtin = {a.id: a for a in BUILT_IN_AGENTS}
        self._custom = {a.id: a for a in store.load_agents()}

    def all(self) -> list[Agent]:
        return [*self._builtin.values(), *self._custom.values()]

    def get(self, agent_id: str) -> Agent:
        agent = self._builtin.get(agent_id) or self._custom.get(agent_id)
        if agent is None:
            raise NotFound(f"agent {agent_id!r} not found")
        return agent

    def resolve(self, agent_id: str) -> Agent:
        """The agent a request names; an unknown id is the request's mistake (400)."""
        try:
            return self.get(agent_id)
        except NotFound:
            raise InvalidRequest(f"agentId: unknown agent {agent_id!r}") from None

    def create(self, fields: Mapping[str, Any]) -> Agent:
        picked = _pick(fields)
        if not fields.get("name") or not fields.get("commandTemplate"):
            raise InvalidRequest("name and commandTemplate are required")
        validate_fields(fields)
        agent = Agent.model_validate({**picked, "id": self._new_id(str(fields["name"]))})
        self._custom[agent.id] = agent
        self._store.save_agent(agent)
        return agent

    def update(self, agent_id: str, fields: Mapping[str, Any]) -> Agent:
        current = self.get(agent_id)
        if current.is_built_in:
            raise Conflict(f"{current.name} is built in and cannot be changed; add a custom agent")
        picked = _pick(fields)
        if "commandTemplate" in fields and not fields["commandTemplate"]:
            raise InvalidRequest("commandTemplate must not be empty")
        validate_fields(fields)
        agent = Agent.model_validate({**current.dump(), **picked})
        self._custom[agent.id] = agent
        self._store.save_agent(agent)
        return agent

    def delete(self, agent_id: str, in_use: bool) -> None:
        agent = self.get(agent_id)
        if agent.is_built_in:
            raise Conflict(f"{agent.name} is built in and cannot be deleted")
        if in_use:
            raise Conflict(f"{agent.name} is used by a running session; remove those workers first")
        del self._custom[agent_id]
        self._store.delete_agent(agent_id)

    def _new_id(self, name: str) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "agent"
        taken = {*self._builtin, *self._custom}
        return slug if slug not in taken else f"{slug}-{new_id()[:8]}"


class AgentFields(Wire):
    """The shape of a custom agent's editable fields, checked before anything else."""

    model_config = ConfigDict(extra="forbid", strict=True)
    name: str | None = None
    description: Annotated[str, StringConstraints(max_length=1000)] | None = None
    command_template: str | None = None
    continue_template: str | None = None
    headless_template: str | None = None
    activity_patterns: ActivityPatterns | None = None


def _pick(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidRequest(f"unknown field(s): {', '.join(sorted(unknown))}")
    try:
        AgentFields.model_validate(fields)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise InvalidRequest("; ".join(problems)) from None
    return {k: v for k, v in fields.items() if k in EDITABLE}
