# SessionDeck: the README's commands. `make demo` and `make test` set up a fresh Debian 12
# machine themselves (apt-get), build, and run.

BUILD_DIR ?= build
ASAN_DIR ?= build-asan
FUZZ_DIR ?= build-fuzz
# Seconds each fuzz target runs for in `make fuzz`.
FUZZ_SECONDS ?= 60
# Seconds `make soak` runs the chaos soak for.
SOAK_SECONDS ?= 600
SOAK_SEED ?= 20261124
FUZZ_TARGETS := fuzz_redisurl fuzz_reply fuzz_info fuzz_sentinelevent fuzz_sessiondecoder fuzz_sessionid \
                fuzz_clusternodes
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=

# Debian packages the build, the tests and the headless demo need; `make fuzz` adds clang and
# its libFuzzer runtime.
PACKAGES := cmake g++ make pkg-config ninja-build \
	qt6-base-dev libqcustomplot-dev libqcustomplot2.1-qt6 libhiredis-dev libspdlog-dev libssl-dev openssl \
	qtkeychain-qt6-dev gnome-keyring dbus \
	redis-server redis-sentinel redis-tools \
	xvfb xauth fonts-dejavu-core
FUZZ_PACKAGES := clang libclang-rt-14-dev

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps configure build test test-asan fuzz soak demo bench clean

all: build

# Installs the Debian packages in $(1) that are missing.
define install_missing
	@missing=""; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else \
	  echo "All the packages needed are installed."; \
	fi
endef

deps:
	$(call install_missing,$(PACKAGES))
	@# The apps' own session stack (express-session, connect-redis, node-redis) for the interop
	@# tests, from the npm registry, pinned by tests/interop/package-lock.json.
	@command -v npm >/dev/null 2>&1 || $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
	@if [ ! -d tests/interop/node_modules/connect-redis ]; then \
	  echo "Installing the Node test peers (express-session, connect-redis, redis)"; \
	  cd tests/interop && npm ci --no-audit --no-fund --loglevel=error; \
	fi

configure: deps
	@if [ ! -f $(BUILD_DIR)/CMakeCache.txt ]; then \
	  cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	    $$(command -v ninja >/dev/null 2>&1 && echo -G Ninja); \
	fi

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure $(CTEST_ARGS)

# The whole suite built with AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer);
# any report fails the test that caused it.
test-asan: deps
	@if [ ! -f $(ASAN_DIR)/CMakeCache.txt ]; then \
	  cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSESSIONDECK_SANITIZE=ON \
	    $$(command -v ninja >/dev/null 2>&1 && echo -G Ninja); \
	fi
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ctest --output-on-failure $(CTEST_ARGS)

# Each libFuzzer target for FUZZ_SECONDS, from the seed corpus in tests/fuzz/corpus (new inputs
# go to $(FUZZ_DIR)/corpus, crashes to $(FUZZ_DIR)/artifacts); fails on the first finding.
fuzz:
	$(call install_missing,$(PACKAGES) $(FUZZ_PACKAGES))
	@if [ ! -f $(FUZZ_DIR)/CMakeCache.txt ]; then \
	  CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSESSIONDECK_FUZZ=ON \
	    $$(command -v ninja >/dev/null 2>&1 && echo -G Ninja); \
	fi
	cmake --build $(FUZZ_DIR) -j $(JOBS)
	@mkdir -p $(FUZZ_DIR)/artifacts
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$t; \
	  echo "== $$t, $(FUZZ_SECONDS) s"; \
	  if ! $(FUZZ_DIR)/tests/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=2048 \
	      -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t- \
	      $(FUZZ_DIR)/corpus/$$t tests/fuzz/corpus/$$t > $(FUZZ_DIR)/$$t.log 2>&1; then \
	    tail -60 $(FUZZ_DIR)/$$t.log; echo "$$t: a finding (see $(FUZZ_DIR)/artifacts)"; exit 1; \
	  fi; \
	  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' $(FUZZ_DIR)/$$t.log; \
	done

# The chaos soak: the app offscreen on a cluster whose nodes a seeded schedule kills, stops and
# restarts; prints its report and fails when an operation hung, a failover was missed or the
# UI stalled for a second.
soak: build
	QT_QPA_PLATFORM=offscreen $(BUILD_DIR)/tests/soak/sessiondeck_soak --seconds $(SOAK_SECONDS) --seed $(SOAK_SEED)

demo: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  $(BUILD_DIR)/app/sessiondeck --demo; \
	else \
	  bash app/demo-headless.sh $(BUILD_DIR); \
	fi

bench: build
	$(BUILD_DIR)/tests/bench/bench_connection
	$(BUILD_DIR)/tests/bench/bench_cluster
	$(BUILD_DIR)/tests/bench/bench_sessions
	$(BUILD_DIR)/tests/bench/bench_store
	$(BUILD_DIR)/tests/bench/bench_tls
	$(BUILD_DIR)/tests/bench/bench_rediscluster

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
