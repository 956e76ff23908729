#!/usr/bin/env bash
# The nightly job of ../shared/bench/WORKLOAD.md ("The nightly job"), issue 14: three nights timed
# as whole processes — import (the history into an empty store), same (nothing changed), delta
# (the second source holds one new month, 2025-01) — for jianfu with its SQLite store, jianfu
# with a PostgreSQL store (a private cluster this script starts on a free loopback port and stops)
# and DuckDB as the store (peer_duckdb_nightly.py), alternating in one script run, each from an
# empty store, three times; prints the median wall time and peak RSS of each night and the
# ratios, and checks that the delta night's numbers agree with the peer's (compare.py).
#
#   bash bench/nightly.sh [1m|10m] [--no-pg]       (default 10m; needs a release build's toolchain)
#   RUNS=1 bash bench/nightly.sh                   (repetitions, default 3; the median is printed)
#
# The job is bench/bench.yml (all outputs but HTML) with a second source and `series: false`:
# the peer writes one file of 120 000 rows, and series.csv is a line per observation (350 MB
# at 10 M rows); SERIES=1 keeps it, to see what it costs.
#
# Not a test: it prints figures. Data is generated once into bench/data/ (outside git).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-10m}
pg=1
[ "${2:-}" = "--no-pg" ] && pg=0
shared="$(cd ../shared/bench && pwd)"
data=bench/data
mkdir -p "$data"
python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb
python3 -c 'import numpy' 2>/dev/null || pip install -q numpy
swift build -c release --product jianfu >/dev/null
jianfu="$PWD/.build/release/jianfu"

case "$size" in
  1m) units=3000 ;;
  10m) units=30000 ;;
  *) echo "unknown size $size (1m or 10m)" >&2; exit 2 ;;
esac
history="$data/long_$size.csv"
[ -s "$history" ] || python3 "$shared/gen.py" "$units" 84 20240101 "$history"
delta="$data/delta_$size.csv"
# 2025-01: every 2024-12 row again with the period changed (WORKLOAD.md).
[ -s "$delta" ] || awk -F, 'NR == 1 || $4 == "2024-12" { if (NR > 1) { $4 = "2025-01" } print }' OFS=, "$history" > "$delta"
night="$data/nightly-$size"
mkdir -p "$night"
cat "$history" "$delta" > /dev/null  # page cache, for all

# The job: bench.yml with a second source (empty but for its header until the delta night).
pipeline() {  # pipeline FILE STATE
  local series=", series: false"
  [ "${SERIES:-0}" = 1 ] && series=""
  sed -e "s|path: long_1m.csv|path: $PWD/$history|" -e "s|dir: out-1m|dir: $3|" -e "s|^state: none|state: $2|" \
    -e "s|formats: \[csv, json, prom\]}|formats: [csv, json, prom]$series}|" bench/bench.yml > "$1"
  python3 - "$1" "$PWD/$night/month.csv" <<'PY'
import sys
path, month = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
text = text.replace("    encoding: utf-8\n", "    encoding: utf-8\n  - name: month\n    path: %s\n    layout: long\n    encoding: utf-8\n" % month, 1)
open(path, "w", encoding="utf-8").write(text)
PY
}

runs=${RUNS:-3}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
timed() {  # timed OUTVAR_PREFIX command... ; appends "wall rss" to the arrays named PREFIX_wall/PREFIX_rss
  local prefix=$1; shift
  /usr/bin/time -f "%e %M" -o "$night/time" "$@" > /dev/null 2> "$night/stderr" || { cat "$night/stderr" >&2; exit 1; }
  read -r w r < "$night/time"
  eval "${prefix}_wall+=($w); ${prefix}_rss+=($r)"
}

# A private PostgreSQL cluster for the jianfu + PostgreSQL column.
pgurl=""
if [ "$pg" = 1 ]; then
  pgbin=/usr/lib/postgresql/15/bin
  pgdir=$(mktemp -d /tmp/jianfu-bench-pg.XXXXXX)
  chown postgres "$pgdir"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  runuser -u postgres -- "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdir -c fsync=on -c shared_buffers=256MB" start >/dev/null
  trap 'runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null; rm -rf "$pgdir"' EXIT
  pgurl="postgresql://postgres@127.0.0.1:$port/postgres"
  psql() { runuser -u postgres -- /usr/bin/psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt "$@"; }
fi

nights=(import same delta)
for n in "${nights[@]}"; do
  eval "s_${n}_wall=(); s_${n}_rss=(); p_${n}_wall=(); p_${n}_rss=(); d_${n}_wall=(); d_${n}_rss=()"
done
copy_wall=()

for rep in $(seq 1 "$runs"); do
  # jianfu + SQLite
  rm -rf "$night/sqlite" "$night/out-sqlite"*; mkdir -p "$night/sqlite"
  pipeline "$night/sqlite.yml" "$PWD/$night/sqlite/state.sqlite" "$PWD/$night/out-sqlite"
  head -1 "$history" > "$night/month.csv"
  timed s_import "$jianfu" run "$night/sqlite.yml" -q
  timed s_same "$jianfu" run "$night/sqlite.yml" -q
  cp "$delta" "$night/month.csv"
  timed s_delta "$jianfu" run "$night/sqlite.yml" -q

  # DuckDB as the store
  rm -rf "$night/duck.duckdb" "$night/duck"
  timed d_import python3 "$shared/peer_duckdb_nightly.py" "$night/duck.duckdb" "$night/duck" "$history"
  timed d_same python3 "$shared/peer_duckdb_nightly.py" "$night/duck.duckdb" "$night/duck"
  timed d_delta python3 "$shared/peer_duckdb_nightly.py" "$night/duck.duckdb" "$night/duck" "$delta"

  if [ "$pg" = 1 ]; then
    psql -c "DROP SCHEMA IF EXISTS jianfu CASCADE; DROP TABLE IF EXISTS copy_probe"
    rm -rf "$night/out-pg"*
    pipeline "$night/pg.yml" "$pgurl" "$PWD/$night/out-pg"
    head -1 "$history" > "$night/month.csv"
    timed p_import "$jianfu" run "$night/pg.yml" -q
    timed p_same "$jianfu" run "$night/pg.yml" -q
    cp "$delta" "$night/month.csv"
    timed p_delta "$jianfu" run "$night/pg.yml" -q
    # The yardstick of the import: psql's \copy of the same rows into an unindexed table.
    psql -c "CREATE TABLE copy_probe (unit_id text, unit_name text, level text, period text, metric text, value double precision)"
    start=$(date +%s.%N)
    psql -c "\\copy copy_probe FROM '$PWD/$history' WITH (FORMAT csv, HEADER true)"
    copy_wall+=("$(echo "$(date +%s.%N) - $start" | bc)")
  fi
done

python3 bench/compare.py "$night/out-sqlite/indicators.csv" "$night/duck/unit_metrics.csv"
[ "$pg" = 1 ] && cmp "$night/out-sqlite/indicators.csv" "$night/out-pg/indicators.csv" && echo "  PostgreSQL and SQLite indicators.csv: identical"

echo "== nightly job, $size ($(($(wc -l < "$history") - 1)) rows; delta $(($(wc -l < "$delta") - 1)) rows; $(nproc) cores) — median of $runs"
printf '  %-7s %22s %22s %22s %12s %12s\n' night "jianfu+SQLite" "jianfu+PostgreSQL" "DuckDB store" "SQLite/peer" "PG/peer"
for n in "${nights[@]}"; do
  eval "sw=\$(median \"\${s_${n}_wall[@]}\"); sr=\$(median \"\${s_${n}_rss[@]}\"); dw=\$(median \"\${d_${n}_wall[@]}\"); dr=\$(median \"\${d_${n}_rss[@]}\")"
  if [ "$pg" = 1 ]; then
    eval "pw=\$(median \"\${p_${n}_wall[@]}\"); pr=\$(median \"\${p_${n}_rss[@]}\")"
  else
    pw=0; pr=0
  fi
  awk -v n="$n" -v sw="$sw" -v sr="$sr" -v pw="$pw" -v pr="$pr" -v dw="$dw" -v dr="$dr" 'BEGIN {
    printf "  %-7s %7.2f s %7.0f MiB %7.2f s %7.0f MiB %7.2f s %7.0f MiB %12.2f %12.2f\n", n, sw, sr / 1024, pw, pr / 1024, dw, dr / 1024, sw / dw, pw / dw
  }'
done
if [ "$pg" = 1 ]; then
  cw=$(median "${copy_wall[@]}")
  eval "piw=\$(median \"\${p_import_wall[@]}\")"
  awk -v c="$cw" -v p="$piw" 'BEGIN { printf "  psql \\copy of the history into an unindexed table: %.2f s; jianfu+PostgreSQL import / copy: %.2f\n", c, p / c }'
fi
echo "  runs (s): SQLite ${s_import_wall[*]} | ${s_same_wall[*]} | ${s_delta_wall[*]};  DuckDB ${d_import_wall[*]} | ${d_same_wall[*]} | ${d_delta_wall[*]}"
if [ "$pg" = 1 ]; then echo "  runs (s): PostgreSQL ${p_import_wall[*]} | ${p_same_wall[*]} | ${p_delta_wall[*]}"; fi
