#!/usr/bin/env bash
# The README's second command: set up, build and run every test (unit, pipeline, end-to-end),
# then the release check (scripts/check-package.sh).
#
# The build fails on any compiler warning in our own code (Sources/, Tests/; dependencies' are
# theirs). The test run is quiet: its whole output goes to .build/test.log, and what shows is
# each failing test with what it recorded, then the summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p .build
swift build --build-tests 2>&1 | tee .build/build.log
if grep -E "^$PWD/(Sources|Tests)/.*: warning:" .build/build.log; then
  echo "scripts/test.sh: the build has warnings in our code (above); fix them" >&2
  exit 1
fi
status=0
swift test --skip-build > .build/test.log 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  # A failing test's lines (✘ and what follows it up to the next test's line), or, when the
  # run itself broke (a crash), the end of the log.
  awk '/✘/ { p = 1; print; next } /^[✔◇􀟈􀄵]/ { p = 0 } p' .build/test.log
  tail -n 40 .build/test.log
  echo "scripts/test.sh: tests failed (exit $status); the whole output is in .build/test.log" >&2
  exit "$status"
fi
grep -E "Test run with|Executed [0-9]+ tests" .build/test.log | tail -n 2
# The release: package, install, run without a toolchain, systemd units, Prometheus (docs/operations.md).
bash scripts/check-package.sh
