"""The worker host: the long-lived process that owns every PTY, output log and screen.

`agent-console host` runs it; `serve` starts it when none runs for the data directory and talks
to it over a Unix socket (wire.py). It outlives the web server, so restarting `serve` never
touches the work. It has no HTTP, no token and no browser-facing code.
"""
