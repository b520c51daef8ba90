# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := .venv/bin/python
ARGS ?=
WEB_STAMP := src/agent_console/web/static/.build-stamp
WEB_SOURCES := $(shell find web/src web/public web/index.html web/package.json web/package-lock.json web/vite.config.ts web/tsconfig.json -type f 2>/dev/null)

.PHONY: setup bytecode run test lint typecheck pytest bench accuracy web web-test clean

setup: .venv/.synced $(WEB_STAMP) bytecode

$(UV):
	python3 -m pip install --user --quiet uv || python3 -m pip install --quiet --break-system-packages uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-groups --compile-bytecode
	@touch $@

# Compiled once here, so no process (each test starts a server and a worker host) compiles
# every module again at start — PYTHONDONTWRITEBYTECODE, set on some machines, forbids the
# usual cache; existing .pyc files are still read. Only changed files are compiled again.
bytecode: .venv/.synced
	@$(PY) -m compileall -q -j 0 src tests bench >/dev/null

# The browser client: npm ci + vite build, only when its sources changed.
$(WEB_STAMP): $(WEB_SOURCES)
	@if [ -f web/package.json ]; then \
	  cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build; \
	fi
	@mkdir -p $(dir $@) && touch $@

run: setup
	.venv/bin/agent-console serve $(ARGS)

lint: setup
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench

typecheck: setup
	.venv/bin/mypy

web-test: setup
	@if [ -f web/package.json ]; then cd web && npm run typecheck && npm test; fi

# The browser tests run in a pytest process of their own: Playwright's sync API keeps an event
# loop running on the main thread for the whole session, which asyncio tests cannot share.
# Both run in several processes (pytest-xdist): most of a test's time is spent waiting on the
# servers, shells, git and browser it starts (measured on two cores: pytest used a quarter of the
# CPU with two processes), so four at once take 4½–5½ min instead of 8, and two browsers 6–8 min
# instead of 9–10. A module's browser tests stay in one process (--dist loadfile): some share a
# server (module_server).
PYTEST_JOBS ?= 4
E2E_JOBS ?= 2
pytest: setup
	.venv/bin/pytest --ignore=tests/e2e -n $(PYTEST_JOBS) $(PYTEST_ARGS)
	.venv/bin/pytest tests/e2e -n $(E2E_JOBS) --dist loadfile $(PYTEST_ARGS)

test: lint typecheck web-test pytest

# The output path against the raw PTY, then the dashboard in chromium (100 sessions, 150 workers).
bench: setup
	$(PY) -m bench $(ARGS)
	$(PY) -m bench.dashboard $(DASHBOARD_ARGS)

# The real agent CLIs (installed from npm into a cache folder) inside the product, against
# loopback mocks of their providers: how well the product knows which agent asks, works, is idle.
accuracy: setup
	$(PY) -m bench.accuracy $(ARGS)

clean:
	rm -rf .venv web/node_modules src/agent_console/web/static
