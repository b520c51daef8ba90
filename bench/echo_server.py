"""A bare WebSocket echo server on 127.0.0.1 (the websockets library on uvloop, as serve runs):
`python -m bench.echo_server`, which prints its port. The bench's own client against it is the
floor under any keystroke echo over a WebSocket on this machine — client, loopback and wake-ups,
with no application behind them.
"""

from __future__ import annotations

import asyncio

import uvloop
from websockets.asyncio.server import ServerConnection, serve


async def _echo(connection: ServerConnection) -> None:
    async for message in connection:
        await connection.send(message)


async def _main() -> None:
    async with serve(_echo, "127.0.0.1", 0, compression=None) as server:
        print(next(iter(server.sockets)).getsockname()[1], flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    uvloop.run(_main())
