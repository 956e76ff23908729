#!/usr/bin/env bash
# Peak RSS and time of `jianfu validate` on a 1 M-row .xlsx sheet (issue 15: a sheet that size
# is read in bounded memory; docs/xlsx-sources.md). Not a test: it prints the numbers.
#   bench/xlsx_rss.sh [ROWS]        (default 1000000; the workbook is cached in bench/data/)
# Needs openpyxl (scripts/setup.sh) and a release build (swift build -c release), else debug.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
data=bench/data
mkdir -p "$data"
book="$data/xlsx_${rows}.xlsx"
if [ ! -f "$book" ]; then
  echo "making $book ($rows rows, openpyxl write_only)..." >&2
  python3 - "$book" "$rows" <<'PY'
import datetime, sys
import openpyxl
path, rows = sys.argv[1], int(sys.argv[2])
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("乡镇")
ws.append(["单位代码", "单位名称", "月份", "发文数", "会议数", "测评满意度"])
units = max(1, rows // 84)  # 7 years of months per unit
n = 0
for u in range(units):
    code = str(330100000000 + u)
    for m in range(84):
        if n == rows:
            break
        year, month = 2018 + m // 12, m % 12 + 1
        ws.append([code, "单位" + str(u), datetime.datetime(year, month, 1), (u + m) % 50, str((u * 7 + m) % 30), 60 + (u + m) % 40 + 0.5])
        n += 1
wb.save(path)
PY
fi
cat > "$data/xlsx_bench.yml" <<YML
name: xlsx bench
sources:
  - name: sheet
    path: $(basename "$book")
    layout: wide
    columns: {unit_id: 单位代码, unit_name: 单位名称, period: 月份, documents: 发文数, meetings: 会议数, survey: 测评满意度}
metrics:
  documents: {direction: down, aggregate: sum, target: 0.30}
  meetings:  {direction: down, aggregate: sum, target: 0.30}
  survey:    {direction: up, aggregate: mean, target: 80}
baseline:   {from: 2018-01, to: 2018-12}
evaluation: {months: 12}
state: none
outputs: {dir: out-xlsx, formats: [csv]}
YML
bin=.build/release/jianfu
[ -x "$bin" ] || bin=.build/debug/jianfu
echo "$(basename "$book"): $(stat -c %s "$book") bytes; $bin" >&2
/usr/bin/time -f "peak RSS %M KB, %e s elapsed, %U s user" "$bin" validate "$data/xlsx_bench.yml" | grep '^source'
