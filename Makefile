# ChainRule — `make demo` plays the first lesson, `make check` runs the fast
# tests (unit tests and the conformance cases, under a minute after the build),
# `make test` runs every test. They install Graphviz's development files with
# apt when they are missing, and say what to do when Swift itself is missing
# (scripts/check-swift.sh). See CONTRIBUTING.md.

SHELL := /bin/bash
SWIFT ?= swift
BIN := .build/debug/chainrule
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# C code (the matrix kernel) gets DWARF 4 debug info: clang's default DWARF 5
# is unreadable to Debian 12's valgrind 3.19, which memcheck needs. Every
# build and test command uses the same flags, so none of them rebuilds.
BUILD_FLAGS ?= -Xcc -gdwarf-4
# Release builds of the tool (install, bench) link the Swift runtime in and, on
# Linux, make a position-dependent executable: as a PIE, the dynamic loader
# rewrote ~84,000 pointers of Swift metadata at every start (~220 copy-on-write
# page faults, 0.6 ms of a 3.4 ms `chainrule eval`; Benchmarks/README.md, "Issue
# 15, session 7"). Only with the runtime linked in: against libswiftCore.so a
# position-dependent executable makes ld.so warn about protected symbols.
RELEASE_FLAGS := --static-swift-stdlib $(if $(filter Linux,$(shell uname -s)),-Xlinker -no-pie)

.PHONY: demo test check build install lint build-tests swift deps examples docs warnings conformance fuzz-quick fuzz gallery bench bench-smoke clean memcheck memcheck-quick text-metrics

# The suites `make check` leaves out: they drive tmux or Chromium, fault the
# filesystem, run `chainrule serve`, install with `make install`, or export every lesson (minutes on two cores).
# The last three were the largest CPU costs of the fast tier (2026-11-30, CPU seconds per suite
# run alone): FigureBudgetTests 23.6 s (lays out 1,000–2,000-node networks),
# ExportShippedLessonsTests 22.7 s (exports every shipped lesson), ExportParallelTests 7.9 s (concurrent exports).
SLOW_TESTS := InstallTests|ExportBrowserTests|HandoutPrintTests|SlideshowRoomTests|SlideshowFollowTests|SlideshowQuizBrowserTests|ServeTests|ServeBrowserTests|TerminalPlayerTests|PlayerScreenTests|TerminalInjectionTests|FaultTests|LessonHardeningTests|ShippedLessonTests|ExportTests|ExportCommandTests|FigureBudgetTests|ExportShippedLessonsTests|ExportParallelTests|FrameSwapTests

swift:
	@scripts/check-swift.sh $(SWIFT)

deps: swift
	@if ! pkg-config --exists libgvc 2>/dev/null; then \
	  echo "Installing libgraphviz-dev (Graphviz's C libraries)…"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgraphviz-dev pkg-config; \
	fi
	@command -v python3 >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3; }  # memcheck's table
	@command -v pdfinfo >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq poppler-utils; }  # worksheet tests: pdfinfo, pdftotext

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

# Installs the chainrule binary (lessons built in) into $(PREFIX)/bin: make install PREFIX=/usr/local.
# It builds a release binary first; INSTALL_BIN=path installs one already built
# instead (a packager's build, or the debug binary the install test uses).
PREFIX ?= $(HOME)/.local
INSTALL_BIN ?=
install:
ifeq ($(INSTALL_BIN),)
	@$(MAKE) --no-print-directory deps
	$(SWIFT) build -c release --product chainrule $(RELEASE_FLAGS)
endif
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 755 "$(if $(INSTALL_BIN),$(INSTALL_BIN),$$($(SWIFT) build -c release --show-bin-path)/chainrule)" "$(DESTDIR)$(PREFIX)/bin/chainrule"
	@echo "Installed $(DESTDIR)$(PREFIX)/bin/chainrule; try: chainrule lessons"

# Only what the demo needs: the chainrule tool, not the benchmarks, fuzzers or examples.
demo: deps
	$(SWIFT) build $(BUILD_FLAGS) --product chainrule
	$(BIN) lesson apples

# Builds everything and fails on a compiler warning in our code (scripts/check-warnings.sh).
build-tests: deps
	@mkdir -p .build
	set -o pipefail; $(SWIFT) build $(BUILD_FLAGS) --build-tests 2>&1 | tee .build/build-tests.log
	@scripts/check-warnings.sh .build/build-tests.log

# Every test is a Swift Testing test: --disable-xctest skips XCTest's empty run
# (its "Executed 0 tests" line); an XCTest file would be an error here, not a silent skip.
test: build-tests
	@if grep -rlq --include='*.swift' '^import XCTest' Tests Examples; then \
	  echo "error: XCTest tests found ($$(grep -rl --include='*.swift' '^import XCTest' Tests Examples | tr '\n' ' ')); this project uses Swift Testing" >&2; exit 1; fi
	$(BIN) lint --strict --lessons Lessons
	python3 scripts/long-functions.py >/dev/null
	$(SWIFT) test $(BUILD_FLAGS) --skip-build --disable-xctest
	$(MAKE) --no-print-directory fuzz-quick
	@if command -v valgrind >/dev/null; then $(MAKE) --no-print-directory memcheck-quick; \
	else echo "memcheck-quick skipped: valgrind is not installed (apt-get install valgrind)"; fi

# The fast tier: unit tests and the conformance cases, no tmux/Chromium/valgrind.
check: build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build --disable-xctest --skip '$(SLOW_TESTS)'

# A short deterministic fuzz run (mutations of real inputs); `make fuzz` runs libFuzzer.
fuzz-quick: build
	.build/debug/chainrule-fuzz --runs 20000 --seed 7 --time-limit 10 Tests/Conformance/cases Tests/Conformance/bad Lessons Fuzz/regressions

fuzz: deps
	Fuzz/run-libfuzzer.sh 1000000

# Every shipped lesson: directives, names, expectations, {{…}} and the numbers in the prose.
lint: build
	$(BIN) lint --strict --lessons Lessons

# The conformance cases alone (Tests/Conformance).
conformance: build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build --disable-xctest --filter ConformanceTests

# Regenerates the README gallery (docs/gallery/) with the tool itself.
gallery: build
	CHAINRULE=$(BIN) scripts/gallery.sh

clean:
	rm -rf .build

# Benchmarks: ChainRule vs micrograd, NumPy and dot, one table (Benchmarks/README.md).
# BENCH_ARGS=--quick for a short run.
BENCH_VENV := Benchmarks/peers/.venv
bench: deps
	@command -v dot >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq graphviz; }
	@test -x $(BENCH_VENV)/bin/python || { python3 -m venv $(BENCH_VENV) && $(BENCH_VENV)/bin/pip install -q micrograd numpy graphviz; }
	$(SWIFT) build -c release --product chainrule $(RELEASE_FLAGS)
	$(SWIFT) build -c release --product chainrule-bench $(RELEASE_FLAGS)
	.build/release/chainrule-bench $(BENCH_ARGS)

# CI's smoke run of the benchmark suite: the debug build make test made, ChainRule's
# rows only, short (about 90 s). It checks the suite still runs; no number is judged.
bench-smoke:
	$(SWIFT) build $(BUILD_FLAGS) --product chainrule-bench
	.build/debug/chainrule-bench --quick --no-peers

# Leaks and memory errors under valgrind (scripts/memcheck.sh, suppressions in
# scripts/valgrind.supp): every conformance case in every format plus an export.
memcheck: build
	scripts/memcheck.sh --bin $(BIN)

memcheck-quick: build
	scripts/memcheck.sh --quick --bin $(BIN)

# A new Swift package in a temporary folder that depends on this one by path
# builds and runs every Swift example of README.md unchanged (scripts/check-examples.sh).
examples: swift
	scripts/check-examples.sh

# Just the warning check, on a fresh build of everything in .build-warnings/.
warnings: deps
	@mkdir -p .build-warnings
	set -o pipefail; $(SWIFT) build --build-tests --scratch-path .build-warnings 2>&1 | tee .build-warnings/build.log
	@scripts/check-warnings.sh .build-warnings/build.log

# API documentation and articles of every library (DocC through swift-docc-plugin,
# which Package.swift adds only when CHAINRULE_DOCS is set), one combined archive:
# .build/docs/ChainRule.doccarchive. Browse it with
#   python3 -m http.server -d .build/docs/ChainRule.doccarchive 8000
# and http://localhost:8000/documentation/chainrule. Then prints the documented /
# public symbols of each module (scripts/doc-coverage.py).
DOC_TARGETS := ChainRule GraphScript ChainRuleRender ChainRuleLessons ChainRulePlayer ChainRuleExport
docs: deps
	@mkdir -p .build/docs
	CHAINRULE_DOCS=1 $(SWIFT) package --allow-writing-to-directory .build/docs generate-documentation \
	  $(foreach t,$(DOC_TARGETS),--target $(t)) --enable-experimental-combined-documentation \
	  --transform-for-static-hosting --output-path .build/docs/ChainRule.doccarchive
	@scripts/doc-coverage.py $(DOC_TARGETS)

# The DejaVu Sans metrics of ChainRule's built-in Graphviz text layout
# (Sources/CGraphvizGuard/text_metrics_table.h), measured through Graphviz's
# pango plugin; then how closely the table follows pango (see
# scripts/text-metrics/generate-text-metrics.c). Needs libfreetype-dev.
TEXT_METRICS_TOOL := .build/generate-text-metrics
text-metrics:
	mkdir -p .build
	cc -O2 -o $(TEXT_METRICS_TOOL) scripts/text-metrics/generate-text-metrics.c $$(pkg-config --cflags --libs freetype2 libgvc) -ldl
	$(TEXT_METRICS_TOOL) > Sources/CGraphvizGuard/text_metrics_table.h.tmp
	mv Sources/CGraphvizGuard/text_metrics_table.h.tmp Sources/CGraphvizGuard/text_metrics_table.h
	cc -O2 -DCHECK_MODEL -o $(TEXT_METRICS_TOOL)-check scripts/text-metrics/generate-text-metrics.c $$(pkg-config --cflags --libs freetype2 libgvc) -ldl -lm
	$(TEXT_METRICS_TOOL)-check --check
