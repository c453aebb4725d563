# CrystalRL: `make run` builds everything and runs the main job; `make test` runs the suite.
SWIFT ?= swift

.PHONY: run test build deps bench

deps:
	@scripts/install-system-deps.sh

build: deps
	$(SWIFT) build -c release

run: build
	.build/release/crystalrl reward --structures builtin --limit 6

test: deps
	$(SWIFT) build --build-tests
	CRYSTALRL_PYTHON="$$(scripts/python-env.sh)" \
	CRYSTALRL_CHGNET_PYTHON="$$(scripts/python-env.sh chgnet)" \
	  $(SWIFT) test
	CRYSTALRL=.build/debug/crystalrl Examples/atomic-density/run.sh >/dev/null

bench: build
	CRYSTALRL_PYTHON="$$(scripts/python-env.sh)" .build/release/crystalrl-bench
