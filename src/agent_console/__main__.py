"""`python -m agent_console` is the same as the `agent-console` command. `hook` is dispatched
before anything else is imported: agent CLIs run it on every hook event, so it must start fast."""

import sys

if sys.argv[1:2] == ["hook"]:
    from agent_console.hook_command import main
else:
    from agent_console.cli import main

raise SystemExit(main())
