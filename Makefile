# CrystalRL: `make run` builds everything and runs the main job; `make test` runs the suite.
SWIFT ?= swift

.PHONY: run test build deps bench

deps:
	@scripts/install-system-deps.sh

build: deps
	$(SWIFT) build -c release

run: build
	.build/release/crystalrl reward --structures ../shared/data/perov_5/val.csv --limit 10

test: deps
	$(SWIFT) build
	CRYSTALRL_PYTHON="$$(scripts/python-env.sh)" $(SWIFT) test --parallel --num-workers 2

bench: build
	CRYSTALRL_PYTHON="$$(scripts/python-env.sh)" .build/release/crystalrl-bench
