#!/usr/bin/env bash
# The benchmark of issue 4: jianfu against the DuckDB peer on the same generated files.
#
#   bash bench/run.sh [SIZE...]        SIZE: 1m, 10m (default: both)
#
# Generates ../shared/bench/gen.py's long CSV once per size into bench/data/ (outside git:
# 1m ≈ 54 MB, 10m ≈ 540 MB), builds jianfu in release, then runs `jianfu run` (state off, all
# outputs but HTML) and peer_duckdb.py on the same file three times each, alternating, checks
# that both give the same levels and reduction rates (compare.py), and prints the median wall
# time, rows/s, MB/s, peak RSS for each and the ratio jianfu/DuckDB. Not a test: it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="$(cd ../shared/bench && pwd)"
data=bench/data
mkdir -p "$data"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1m 10m)

python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb
python3 -c 'import numpy' 2>/dev/null || pip install -q numpy
swift build -c release --product jianfu >/dev/null
jianfu=.build/release/jianfu

# median of three numbers
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

for size in "${sizes[@]}"; do
  case "$size" in
    1m) units=3000 ;;
    10m) units=30000 ;;
    *) echo "unknown size $size (1m or 10m)" >&2; exit 2 ;;
  esac
  input="$data/long_$size.csv"
  [ -s "$input" ] || python3 "$shared/gen.py" "$units" 84 20240101 "$input"
  rows=$(($(wc -l < "$input") - 1))
  mb=$(du -mL "$input" | cut -f1)
  sed -e "s|path: long_1m.csv|path: long_$size.csv|" -e "s|dir: out-1m|dir: out-$size|" bench/bench.yml > "$data/bench-$size.yml"
  cat "$input" > /dev/null  # page cache, for both

  j_wall=(); j_rss=(); d_wall=(); d_rss=()
  for i in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$data/time" "$jianfu" run "$data/bench-$size.yml" -q > /dev/null
    read -r w r < "$data/time"; j_wall+=("$w"); j_rss+=("$r")
    /usr/bin/time -f "%e %M" -o "$data/time" python3 "$shared/peer_duckdb.py" "$input" "$data/duck-$size" > /dev/null
    read -r w r < "$data/time"; d_wall+=("$w"); d_rss+=("$r")
  done
  python3 bench/compare.py "$data/out-$size/indicators.csv" "$data/duck-$size/unit_metrics.csv"

  jw=$(median "${j_wall[@]}"); dw=$(median "${d_wall[@]}")
  jr=$(median "${j_rss[@]}"); dr=$(median "${d_rss[@]}")
  echo "== $size: $rows rows, $mb MB ($(nproc) cores) — median of 3"
  awk -v n="$rows" -v mb="$mb" -v jw="$jw" -v dw="$dw" -v jr="$jr" -v dr="$dr" 'BEGIN {
    printf "  jianfu  %6.2f s  %10.0f rows/s  %6.0f MB/s  peak RSS %5.0f MiB\n", jw, n / jw, mb / jw, jr / 1024
    printf "  duckdb  %6.2f s  %10.0f rows/s  %6.0f MB/s  peak RSS %5.0f MiB\n", dw, n / dw, mb / dw, dr / 1024
    printf "  ratio jianfu/duckdb: time %.2f, peak RSS %.2f\n", jw / dw, jr / dr
  }'
  echo "  runs: jianfu ${j_wall[*]} s; duckdb ${d_wall[*]} s"
done
