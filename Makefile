# CrystalRL: `make run` builds everything and runs the main job (the quickstart: train a small
# VAE and diffusion model on the built-in structures, then GRPO); `make test` runs the suite.
SWIFT ?= swift

.PHONY: run test build deps bench

deps:
	@scripts/install-system-deps.sh

build: deps
	$(SWIFT) build -c release

run: build
	.build/release/crystalrl quickstart

test: deps
	$(SWIFT) build --build-tests
	CRYSTALRL_PYTHON="$$(scripts/python-env.sh)" \
	CRYSTALRL_CHGNET_PYTHON="$$(scripts/python-env.sh chgnet)" \
	  $(SWIFT) test --disable-swift-testing
	FUZZ_FRESH=1 scripts/fuzz.sh --all 10

bench: build
	CRYSTALRL_PYTHON="$$(scripts/python-env.sh)" .build/release/crystalrl-bench
