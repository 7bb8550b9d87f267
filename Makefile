# Thin aliases for the `dysta` CLI and npm scripts, plus `make setup` for a fresh machine.
# `make setup` is idempotent: it installs only the Debian packages that are missing and skips
# `npm ci` when node_modules already matches package-lock.json; `build` bundles the TypeScript into
# dist/ with esbuild (when a source changed since the last build; `npm ci` does it too, through `prepare`).

# slurm-wlm and munge: the DSE's Slurm executor is tested on a private single-node cluster.
APT_PACKAGES := verilator yosys iverilog ccache gtkwave lcov g++ make nextpnr-ice40 fpga-icestorm fpga-icestorm-chipdb tcl slurm-wlm munge
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup apt npm build demo test gen-rtl cosim dse bench typecheck clean

setup: apt npm build

apt:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "setup: Debian packages present ($(APT_PACKAGES))"; fi

npm:
	@if [ -f node_modules/.package-lock.json ] && cmp -s package-lock.json .cache/package-lock.installed; then \
	  echo "setup: node_modules up to date"; \
	else npm ci --no-audit --no-fund && mkdir -p .cache && cp package-lock.json .cache/package-lock.installed; fi

demo: setup
	node bin/dysta.js demo

test: setup
	npm test

gen-rtl:
	node bin/dysta.js gen-rtl

cosim:
	node bin/dysta.js cosim

dse:
	node bin/dysta.js dse --spec examples/dse/default.json

build: npm
	node bin/build.js

typecheck:
	npm run typecheck

clean:
	rm -rf rtl-out reports dist .cache/verilator .cache/cosim-sessions .cache/design-check
