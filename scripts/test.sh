#!/usr/bin/env bash
# The README's second command: set up, build and run every test (unit, pipeline, end-to-end),
# then the release check (scripts/check-package.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test
# The release: package, install, run without a toolchain, systemd units, Prometheus (docs/operations.md).
bash scripts/check-package.sh
