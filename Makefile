# Two entry points for a fresh machine: `make demo` and `make test`.
# Each creates .venv and installs the project into it when pyproject.toml, setup.py or an analyzer
# source is newer: the install also compiles the analyzer's hot modules (see setup.py).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BIND ?= 127.0.0.1:8000
MVN ?= mvn
CLUSTER_NODE := cluster/node
CLUSTER_BUILT := $(CLUSTER_NODE)/target/.built

.PHONY: demo test soak bench bench-deps browser-deps clean cluster-deps cluster test-cluster

$(STAMP): pyproject.toml setup.py $(wildcard analyzers/*.py analyzers/*.pyx analyzers/*.pxd indexer/codec/*.py indexer/codec/*.pyx \
                                    $(foreach dir,build ingest query stories,indexer/$(dir)/*.py))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/arabic-search reindex index_data/sample
	$(BIN)/arabic-search serve --bind $(BIND)

# Headless Chromium for the browser test: Debian's package, never a downloaded browser.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser test"; \
	  SUDO=$$( [ "$$(id -u)" -ne 0 ] && echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

test: $(STAMP) browser-deps
	$(BIN)/python -m pytest

# The long load, fault and fuzz runs of issues 5 and 14 (10,000 fuzzed requests, 9 kill points, 64 slow clients
# under load, two minutes of schemathesis, ...): CI runs them too.
soak: $(STAMP)
	$(BIN)/python -m pytest -m "slow and not cluster" tests/test_soak_*.py tests/test_app_hardening.py tests/test_gunicorn_slow_clients.py \
		tests/test_api_schema_fuzz.py

# The OpenSearch node launcher of the local cluster (cluster/): Maven compiles it and copies its jars into
# cluster/node/target once (network needed then); `make cluster` and the cluster tests run offline from there.
$(CLUSTER_BUILT): $(CLUSTER_NODE)/pom.xml $(shell find $(CLUSTER_NODE)/src -name '*.java')
	rm -rf $(CLUSTER_NODE)/target/dependency
	$(MVN) -q -B -f $(CLUSTER_NODE)/pom.xml package dependency:copy-dependencies
	touch $(CLUSTER_BUILT)

cluster-deps: $(CLUSTER_BUILT)

# A 3-node OpenSearch 2.19.6 cluster on 127.0.0.1 (512 MB heap a node) until Ctrl-C.
cluster: $(STAMP) cluster-deps
	$(BIN)/python -m cluster.local_cluster

# The tests against that cluster (marked `cluster`, left out of `make test`).
test-cluster: $(STAMP) cluster-deps
	$(BIN)/python -m pytest -m "cluster and not slow"

# The benchmark's peers: Debian's Lucene 8 jars for the Lucene anchor, and wrk for the HTTP load.
bench-deps:
	@{ ls /usr/share/java/lucene-core-[0-9]*.jar >/dev/null 2>&1 && command -v wrk >/dev/null 2>&1; } || { \
	  echo "installing Debian liblucene8-java and wrk for the benchmark's peers"; \
	  SUDO=$$( [ "$$(id -u)" -ne 0 ] && echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends liblucene8-java wrk; }

bench: $(STAMP) bench-deps cluster-deps
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) index_data/index .pytest_cache build analyzers/*.c analyzers/*.so $(foreach dir,build codec ingest query stories,indexer/$(dir)/*.c indexer/$(dir)/*.so)
