# Two entry points, each doing all of its own set-up on a fresh Debian/Ubuntu machine:
#   make demo   trace the D2L multivariate chain-rule example
#   make test   run the whole test suite (installs Chromium for the HTML player test)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# root installs system packages directly; anyone else through sudo
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test setup test-setup browser clean

# The demo needs the package alone; the tests add their tools (and the optional extras).
demo: setup
	$(BIN)/python -m backprop_trace "u = f(x, y, z)" "x = x(a, b)" "y = y(a, b)" "z = z(a, b)"

test: test-setup browser
	$(BIN)/ruff check backprop_trace tests benchmarks examples tools
	$(BIN)/mypy backprop_trace
	$(BIN)/python -m pytest --numprocesses=auto --maxprocesses=4

setup: $(STAMP)

test-setup: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install -qq -e '.[test,browser]'
	@touch $(TEST_STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "backprop-trace needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "Installing python3-venv…"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv && \
	  $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -e .
	@rm -f $(TEST_STAMP)
	@touch $(STAMP)

APT_INSTALL = $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

# Debian's Chromium, driven by Playwright, tests the HTML player.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "Installing chromium (for the HTML player test)…"; \
	  $(SUDO) apt-get update -qq && $(APT_INSTALL) chromium >/dev/null || \
	  echo "chromium could not be installed: the browser test will be skipped"; }

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info
