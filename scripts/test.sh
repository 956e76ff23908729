#!/usr/bin/env bash
# The README's second command: set up, build and run every test (unit, pipeline, end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test
