"""Settings and limits: the image cap fits a re-encoded 4K screenshot, and the browser knows it."""

from __future__ import annotations

import base64
import json
import re

from agent_console.config import MIB, Limits
from tests.harness import ROOT

TS = (ROOT / "web" / "src" / "protocol.ts").read_text()

# Measured in chromium on 3840x2160 screenshots: text-heavy ones are 0.4-0.6 MB as PNG; a
# photo-heavy one (4.3 MB as PNG) is 0.6 MB as WebP q0.9 and 1.0 MB as JPEG q0.9.
REENCODED_4K_SCREENSHOT = 1_050_000


def test_image_cap_fits_a_reencoded_4k_screenshot() -> None:
    """A 4K screenshot re-encoded at q0.9 (even as JPEG, for browsers without a WebP encoder)
    fits the image cap at full resolution."""
    assert Limits().image_bytes >= REENCODED_4K_SCREENSHOT * 1.4


def test_an_image_at_the_cap_fits_in_one_worker_message() -> None:
    """The largest image the cap allows, base64-encoded in its JSON message, is within the
    worker message cap, whatever that cap is set to."""
    for cap in (64 * 1024, MIB, Limits().worker_message_bytes, 16 * MIB):
        limits = Limits(worker_message_bytes=cap)
        data = base64.b64encode(b"\xff" * limits.image_bytes).decode()
        message = json.dumps({"type": "image", "data": data, "mimeType": "image/webp"})
        assert len(message) <= cap


def test_browser_caps_mirror_the_servers() -> None:
    """web/src/protocol.ts states the same message cap and derives the same image cap."""
    match = re.search(r"WORKER_MESSAGE_MAX_BYTES = (\d+) \* 1024 \* 1024;", TS)
    assert match and int(match.group(1)) * MIB == Limits().worker_message_bytes
    assert "IMAGE_MAX_BYTES = ((WORKER_MESSAGE_MAX_BYTES - 1024) * 3) / 4;" in TS
    assert (Limits().worker_message_bytes - 1024) * 3 / 4 == Limits().image_bytes
