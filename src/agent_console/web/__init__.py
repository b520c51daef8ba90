"""The web layer: the ASGI app, REST routes, both WebSockets and the static client."""
