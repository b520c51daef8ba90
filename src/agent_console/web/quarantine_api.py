"""REST routes for what was set aside at start (see quarantine.py): list it, dismiss a record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from agent_console.errors import NotFound
from agent_console.web.api import console

router = APIRouter(prefix="/api")


@router.get("/quarantine")
async def list_quarantined(request: Request) -> dict[str, Any]:
    """Every damaged row or file set aside at a start, oldest first."""
    return {"quarantined": [r.dump() for r in console(request).store.quarantined()]}


@router.delete("/quarantine/{record_id}")
async def dismiss_quarantined(request: Request, record_id: int) -> dict[str, bool]:
    """Forgets the record; what it set aside stays where it went (a person may still want it)."""
    if not console(request).store.forget_quarantined(record_id):
        raise NotFound(f"no quarantine record {record_id}")
    return {"success": True}
