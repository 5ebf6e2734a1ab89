# SessionDeck: the README's commands. `make demo` and `make test` set up a fresh Debian 12
# machine themselves (apt-get), build, and run.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=

# Debian packages the build, the tests and the headless demo need.
PACKAGES := cmake g++ make pkg-config ninja-build \
	qt6-base-dev libqcustomplot-dev libqcustomplot2.1-qt6 libhiredis-dev libspdlog-dev \
	redis-server redis-sentinel redis-tools \
	xvfb xauth fonts-dejavu-core

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps configure build test demo bench clean

all: build

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else \
	  echo "All build and test dependencies are installed."; \
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

clean:
	rm -rf $(BUILD_DIR)
