"""`python -m agent_console` is the same as the `agent-console` command."""

from agent_console.cli import main

raise SystemExit(main())
