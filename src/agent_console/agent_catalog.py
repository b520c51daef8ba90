"""The agent catalogue: built-in definitions plus the user's custom agents, persisted."""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import ConfigDict, StringConstraints, ValidationError

from agent_console.agents import BUILT_IN_AGENTS, INSTALL_COMMANDS, LABELS, field_problems
from agent_console.errors import Conflict, InvalidFields, InvalidRequest, NotFound
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

    def describe(self, agent: Agent) -> dict[str, Any]:
        """The agent on the wire, with whether its program is installed on this machine (looked
        up on the server's PATH at each call: cheap, and never stale) and how to install it."""
        extra: dict[str, Any] = {"installed": _installed(agent.command_template)}
        if agent.is_built_in and agent.id in INSTALL_COMMANDS:
            extra["installCommand"] = INSTALL_COMMANDS[agent.id]
        return {**agent.dump(), **extra}

    def create(self, fields: Mapping[str, Any]) -> Agent:
        picked = _pick(fields)
        self._check(fields, None)
        agent = Agent.model_validate({**picked, "id": self._new_id(str(fields["name"]))})
        self._store.save_agent(agent)  # first: memory changes only once the change is stored
        self._custom[agent.id] = agent
        return agent

    def update(self, agent_id: str, fields: Mapping[str, Any]) -> Agent:
        current = self.get(agent_id)
        if current.is_built_in:
            raise Conflict(f"{current.name} is built in and cannot be changed; add a custom agent")
        picked = _pick(fields)
        self._check(fields, current)
        agent = Agent.model_validate({**current.dump(), **picked})
        self._store.save_agent(agent)
        self._custom[agent.id] = agent
        return agent

    def delete(self, agent_id: str, in_use: bool) -> None:
        agent = self.get(agent_id)
        if agent.is_built_in:
            raise Conflict(f"{agent.name} is built in and cannot be deleted")
        if in_use:
            raise Conflict(f"{agent.name} is used by a running session; remove those workers first")
        self._store.delete_agent(agent_id)
        del self._custom[agent_id]

    def _check(self, fields: Mapping[str, Any], current: Agent | None) -> None:
        """Refuses the fields with every problem at once, a name already taken included
        (names are unique, whatever their case)."""
        problems = field_problems(fields, creating=current is None)
        name = fields.get("name")
        if isinstance(name, str) and name.strip():
            taken = _name_key(name)
            for other in self.all():
                if _name_key(other.name) == taken and other is not current:
                    message = f'Name: an agent called "{other.name}" already exists'
                    problems.append(("name", message))
        if problems:
            order = {field: index for index, field in enumerate(EDITABLE)}
            raise InvalidFields(sorted(problems, key=lambda p: order.get(p[0], len(order))))

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
    """The editable fields, once each has the right type (else every wrong one is refused)."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise InvalidFields([(f, f"{f} is not a field of an agent") for f in unknown])
    try:
        AgentFields.model_validate(fields)
    except ValidationError as exc:
        raise InvalidFields([_type_problem(e["loc"], e["msg"]) for e in exc.errors()]) from None
    return {k: v for k, v in fields.items() if k in EDITABLE}


def _type_problem(loc: tuple[int | str, ...], message: str) -> tuple[str, str]:
    field = str(loc[0]) if loc else "body"
    where = ".".join(str(p) for p in loc[1:])
    return field, f"{LABELS.get(field, field)}{' ' + where if where else ''}: {message}"


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _installed(template: str) -> bool:
    """Whether the template's program is found: on PATH, or at its absolute path. A relative
    path (./run.sh) depends on the session's directory, so it counts as installed."""
    try:
        program = shlex.split(template)[0]
    except (ValueError, IndexError):
        return False
    if "/" in program and not program.startswith("/"):
        return True
    return shutil.which(program) is not None
