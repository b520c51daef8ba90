"""A terminal's reader in a process of its own: `python -m bench.reader URL COMMAND MARKER`.

Connects to a worker socket (the token from AGENT_CONSOLE_TOKEN), types COMMAND and reads every
frame until MARKER arrives, so a flood is drained at full speed without slowing the process that
measures something else beside it.
"""

from __future__ import annotations

import json
import os
import sys

from websockets.sync.client import connect


def main(url: str, command: str, marker: str) -> None:
    headers = {"Authorization": f"Bearer {os.environ['AGENT_CONSOLE_TOKEN']}"}
    with connect(url, additional_headers=headers, max_size=None) as ws:
        ws.recv()
        ws.send(json.dumps({"type": "input", "data": command + "\r"}))
        while marker not in str(ws.recv()):
            pass


if __name__ == "__main__":
    main(*sys.argv[1:4])
