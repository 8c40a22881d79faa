# stack-mitosis: everything a fresh machine needs comes from these targets.
VENV := .venv
BIN := $(VENV)/bin
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_HOME := $(CURDIR)/.cdk-home
LAYER_PLATFORM := --platform manylinux2014_x86_64 --implementation cp --python-version 3.12 --only-binary=:all:

.PHONY: setup layer demo test synth check bench mutation clean

setup: $(VENV)/.installed node_modules/.installed build/.layer-installed

$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The Lambda dependency layer: Linux wheels for the Lambda runtime, whatever this machine is. Byte-reproducible
# (tests/infrastructure/test_layer.py): no bytecode (this machine's Python is not the runtime's), no console
# scripts (pip writes this machine's interpreter into their first line) and RECORD files that list only the
# files shipped. The stamp lives outside the layer, so it is not deployed.
build/.layer-installed: requirements-lambda.txt $(VENV)/.installed
	rm -rf build/layer $@
	$(BIN)/pip install -q --no-compile --target build/layer/python $(LAYER_PLATFORM) -r requirements-lambda.txt
	rm -rf build/layer/python/bin
	find build/layer -name __pycache__ -prune -exec rm -rf {} +
	find build/layer -name direct_url.json -delete
	sed -i '/^\.\.\/\.\.\/bin\//d' build/layer/python/*.dist-info/RECORD
	touch $@

layer: build/.layer-installed

demo: setup
	$(BIN)/mitosis demo

test: setup
	$(BIN)/pytest -q -n 2

synth: setup
	npx --no-install cdk synth --quiet
	@ls cdk.out/*.template.json

# Static checks: ruff, mypy (pydantic plugin), and the validators of the synthesized template (cdk-nag, cfn-lint,
# asl-validator: tools/check_template.py).
check: setup
	$(BIN)/ruff check .
	$(BIN)/mypy lambdas/mitosis infrastructure simulator operate tools tests
	$(BIN)/python tools/check_template.py

# Mutation testing of the pure core (planner, status checks, input models, names, RDS rules) with the unit tests:
# the score per module and the survivors (docs/mutation.md). Not part of `make test`: about 10 minutes on 2 cores.
mutation: setup
	$(BIN)/python tools/mutation.py

bench: setup
	$(BIN)/python -m simulator.bench

clean:
	rm -rf $(VENV) node_modules cdk.out build .cdk-home
