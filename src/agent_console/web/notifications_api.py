"""REST routes of the notifier (notifier.py): its settings, and a test notification."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from agent_console.notices import NotifierConfig
from agent_console.web.api import console

router = APIRouter(prefix="/api/notifications")


@router.get("")
async def get_notifications(request: Request) -> dict[str, Any]:
    """The settings, why the file could not be read (`problem`), and how the last notice went."""
    return console(request).notifier.status()


@router.put("")
async def put_notifications(request: Request, body: NotifierConfig) -> dict[str, Any]:
    """Replaces the settings (written to notifications.json in the data directory)."""
    notifier = console(request).notifier
    notifier.save(body)
    return notifier.status()


@router.post("/test")
async def test_notification(request: Request, body: NotifierConfig) -> dict[str, Any]:
    """Sends a test notice with the settings given (saved or not): each way's error or null."""
    return {"results": await console(request).notifier.test(body)}
