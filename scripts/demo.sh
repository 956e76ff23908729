#!/usr/bin/env bash
# The README's first command: set up, build jianfu (release) and run the demo pipeline on the
# shipped fixtures. Reports go to reports/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product jianfu
.build/release/jianfu run pipelines/demo.yml
