"""The notifier's settings in the browser: saved to the data directory, and a test sent."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.harness import Server
from tests.receiver import Receiver


def test_settings_are_saved_and_a_test_reaches_the_webhook(
    page: Page, server: Server, receiver: Receiver
) -> None:
    """Filling the dialog and saving writes notifications.json; "Send a test" posts to the
    webhook in the chosen format (ntfy: title and link in headers)."""
    page.get_by_role("button", name="Notifications").click()
    dialog = page.get_by_role("dialog", name="Notifications")
    dialog.get_by_label("Webhook URL").fill(receiver.url)
    dialog.get_by_label("Webhook format").select_option("ntfy")
    dialog.get_by_label("finishes").uncheck()
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("status")).to_have_text("Saved.")
    saved = json.loads((server.data_dir / "notifications.json").read_text())
    assert saved == {"webhookUrl": receiver.url, "webhookFormat": "ntfy", "events": ["asking"]}
    dialog.get_by_role("button", name="Send a test").click()
    expect(dialog.get_by_role("status")).to_have_text("Test sent by webhook.")
    call = receiver.next()
    assert call["headers"]["Title"] == "Agent Console test notification"
    assert call["body"].decode().startswith("This is a test notification.")
