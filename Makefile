# Schalter: `make run` (demo on SQLite), `make test` (everything, both databases), `make bench`.
SHELL := /bin/bash
.DEFAULT_GOAL := run
PORT ?= 8000
# `make run` reads it too: links in e-mails and QR codes name the port the demo listens on.
export PORT
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
UV_VERSION := 0.13.8
SYSTEM_PACKAGES := postgresql chromium fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 redis-server espeak-ng poppler-utils gettext nginx opus-tools lame dovecot-imapd
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Installed packages come with their bytecode: where PYTHONDONTWRITEBYTECODE is set, every
# process would otherwise compile Django (and compound-split's 39 MB model) from source.
export UV_COMPILE_BYTECODE := 1
export UV_COMPILE_BYTECODE_TIMEOUT := 600

.PHONY: run test lint bench install assets messages system-packages clean fuzz

$(UV):
	@python=$$(scripts/find-python) && "$$python" -m venv .tools && .tools/bin/pip install -q "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	@$(UV) sync --locked --quiet --python "$$(scripts/find-python)"
	@touch $@

node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Compiled catalogues are build output: made from the committed .po files.
messages: $(VENV)/.synced
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

install: $(VENV)/.synced node_modules/.installed messages

run: install
	@mkdir -p var
	@$(PY) manage.py migrate --no-input -v0
	@$(PY) manage.py seed_demo --if-empty
	@echo "Schalter runs on http://127.0.0.1:$(PORT)/ (stop with Ctrl-C)"
	@$(PY) manage.py runserver "127.0.0.1:$(PORT)" --skip-checks

# Debian packages the tests need; installed only when one is missing.
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check --quiet .
	@$(VENV)/bin/mypy --no-error-summary
	@$(VENV)/bin/lint-imports --no-cache --no-logo
	@$(PY) scripts/lint-architecture
	@mkdir -p var
	@DJANGO_SETTINGS_MODULE=schalter.config.settings.test $(PY) manage.py makemigrations --check --dry-run -v0

test: system-packages install lint
	@scripts/run-tests

# Hostile input with many examples per test (tests/fuzz, tests/nasty.py) on SQLite, then
# PostgreSQL; each run ends with the inputs tried and the 5xx seen on its database.
FUZZ_EXAMPLES ?= 40
fuzz: system-packages install
	@SCHALTER_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) scripts/run-tests tests/fuzz

bench: system-packages install
	@scripts/run-bench

clean:
	rm -rf $(VENV) .tools node_modules var
