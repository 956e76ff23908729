#!/usr/bin/env bash
# The release check (issue 13; docs/operations.md): builds the Debian package, installs it, and
# checks it the way an office's server would use it, with no toolchain anywhere in sight:
#   1. scripts/package.sh; dpkg -i the package (this machine gets jianfu in /usr/bin)
#   2. ldd /usr/bin/jianfu: no Swift runtime, Foundation or toolchain path; every library found
#   3. the packaged example run by the service user under `env -i PATH=/usr/bin:/bin`
#      (no LD_LIBRARY_PATH), exit 0, reports and the run-status file written; and a copy
#      without `state:` whose .jianfu/ is a link, as /etc/jianfu/.jianfu is
#   4. man -l on the man page (rendered without warnings; it documents every subcommand)
#   5. systemd-analyze verify on jianfu@.service and jianfu@.timer as installed
#   6. promtool check metrics on metrics.prom and demo.run.prom; promtool check rules and
#      test rules on contrib/prometheus
#   7. a real node_exporter (textfile collector over links to jianfu's files, as
#      docs/operations.md sets it up) scraped by a real Prometheus (loopback, a temporary data
#      folder, 1 s scrapes, the alert rules loaded); every query of contrib/grafana/jianfu.json
#      goes through Prometheus's HTTP API and must return data.
# Needs root or sudo (dpkg -i, the service user). Every tool comes from scripts/setup.sh; none is skipped.
#   JIANFU_SKIP_BUILD=1 bash scripts/check-package.sh   # reuse .build-release-static's binary
#   JIANFU_REUSE_DEB=1 bash scripts/check-package.sh    # reuse the package already in dist/
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
say() { echo "check-package: $*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

as_root=""  # dpkg -i and running as the jianfu user need root; the build does not
[ "$(id -u)" -eq 0 ] || as_root="sudo"
for tool in dpkg-deb dpkg-shlibdeps man systemd-analyze promtool prometheus prometheus-node-exporter python3 setpriv readelf; do
  command -v "$tool" >/dev/null || fail "$tool is missing: bash scripts/setup.sh installs it"
done

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# 1. Build and install.
[ -n "${JIANFU_REUSE_DEB:-}" ] || bash scripts/package.sh
version=$(.build-release-static/release/jianfu --version)
deb="dist/jianfu_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || fail "$deb was not built"
[ -f "dist/jianfu-$version-linux-$(dpkg --print-architecture).tar.gz" ] || fail "the .tar.gz was not built"
$as_root env DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >/dev/null
depends=$(dpkg-query -W -f='${Depends}' jianfu)
say "installed jianfu $(dpkg-query -W -f='${Version}' jianfu); Depends: $depends"
echo "$depends" | grep -qi swift && fail "the package depends on a Swift package: $depends"
for needed in libc6 libcurl4 libsqlite3-0 libpq5; do
  echo "$depends" | grep -q "$needed" || fail "Depends lacks $needed: $depends"
done
getent passwd jianfu >/dev/null || fail "postinst did not create the jianfu user"
[ "$(stat -c %U /var/lib/jianfu/reports)" = jianfu ] || fail "/var/lib/jianfu/reports is not the jianfu user's"
[ "$(readlink /etc/jianfu/.jianfu)" = /var/lib/jianfu/state ] || fail "/etc/jianfu/.jianfu does not lead to /var/lib/jianfu/state"

# 2. The binary needs nothing of the toolchain.
ldd /usr/bin/jianfu > "$work/ldd.txt" || fail "ldd /usr/bin/jianfu failed"
if grep -Ei 'swift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|not found' "$work/ldd.txt"; then
  fail "/usr/bin/jianfu needs the libraries above"
fi
# SwiftPM links with RUNPATH $ORIGIN (the binary's own folder, /usr/bin): harmless; any other
# search path (a toolchain's lib folder) is not.
if readelf -d /usr/bin/jianfu | grep -Ei 'RPATH|RUNPATH' | grep -v 'path: \[\$ORIGIN\]$'; then
  fail "/usr/bin/jianfu carries a library search path (above)"
fi
say "ldd: $(awk '{print $1}' "$work/ldd.txt" | tr '\n' ' ')"

# 3. The packaged example, run as the service runs it: the jianfu user, an empty environment.
$as_root env -i PATH=/usr/bin:/bin setpriv --reuid=jianfu --regid=jianfu --clear-groups \
  /usr/bin/jianfu run /usr/share/jianfu/examples/demo.yml --log-format json \
  > "$work/run.out" 2> "$work/run.err" || { cat "$work/run.err" >&2; fail "jianfu run on the packaged example failed"; }
reports=/var/lib/jianfu/reports/demo
for file in indicators.csv scores.csv alerts.csv summary.json metrics.prom index.html; do
  [ -s "$reports/$file" ] || fail "$reports/$file was not written"
done
grep -q '"level":"info"' "$work/run.err" || fail "no JSON log lines on stderr: $(head -3 "$work/run.err")"
grep -q 'jianfu_last_run_exit_code{pipeline="示例县基层减负监测"} 0' "$reports.run.prom" \
  || fail "$reports.run.prom does not record exit 0: $(cat "$reports.run.prom" 2>&1)"
[ "$(env -i PATH=/usr/bin:/bin /usr/bin/jianfu --version)" = "$version" ] || fail "jianfu --version"
say "example run: $(cat "$work/run.out")"
# A pipeline without `state:` keeps its store in .jianfu/ beside the file: through a link like
# the package's /etc/jianfu/.jianfu -> /var/lib/jianfu/state, it lands in the state folder.
chmod 0755 "$work"
mkdir -p "$work/etc" "$work/state"
chown jianfu:jianfu "$work/state"
ln -s "$work/state" "$work/etc/.jianfu"
sed -e '/^state:/d' -e "s#^outputs: {dir: /var/lib/jianfu/reports/demo,#outputs: {dir: $work/state/out,#" \
  /usr/share/jianfu/examples/demo.yml > "$work/etc/linked.yml"
$as_root env -i PATH=/usr/bin:/bin setpriv --reuid=jianfu --regid=jianfu --clear-groups \
  /usr/bin/jianfu run "$work/etc/linked.yml" --quiet > /dev/null 2> "$work/linked.err" \
  || fail "a pipeline with its state through the .jianfu link failed: $(cat "$work/linked.err")"
[ -s "$work/state/linked.sqlite" ] && [ -s "$work/state/out/metrics.prom" ] \
  || fail "the store did not land through the .jianfu link: $(ls -la "$work/state")"

# 4. The man page, rendered by man-db, with groff's warnings on.
man_page=/usr/share/man/man1/jianfu.1.gz
[ -f "$man_page" ] || fail "$man_page is missing"
MANWIDTH=100 MANPAGER=cat man --warnings -l "$man_page" > "$work/man.txt" 2> "$work/man.err" || fail "man -l $man_page failed: $(cat "$work/man.err")"
[ -s "$work/man.err" ] && fail "man -l $man_page warns: $(cat "$work/man.err")"
for text in "EXIT STATUS" "jianfu run" "jianfu validate" "jianfu unit" "jianfu history" "--log-format" "another run holds the lock"; do
  grep -qF -- "$text" "$work/man.txt" || fail "the man page lacks \"$text\""
done
[ -s /usr/share/bash-completion/completions/jianfu ] && [ -s /usr/share/zsh/vendor-completions/_jianfu ] \
  && [ -s /usr/share/fish/vendor_completions.d/jianfu.fish ] || fail "a shell completion is missing"
bash -n /usr/share/bash-completion/completions/jianfu || fail "the bash completion does not parse"

# 5. The systemd units as installed (the man page and /usr/bin/jianfu they name exist now).
(cd /lib/systemd/system && systemd-analyze verify 'jianfu@demo.service' 'jianfu@demo.timer') > "$work/verify.txt" 2>&1 \
  || fail "systemd-analyze verify: $(cat "$work/verify.txt")"
[ -s "$work/verify.txt" ] && fail "systemd-analyze verify warns: $(cat "$work/verify.txt")"

# 6. promtool on what jianfu wrote, and on the rules.
promtool check metrics < "$reports/metrics.prom" || fail "promtool check metrics $reports/metrics.prom"
promtool check metrics < "$reports.run.prom" || fail "promtool check metrics $reports.run.prom"
promtool check rules contrib/prometheus/jianfu.rules.yml >/dev/null || fail "promtool check rules"
(cd contrib/prometheus && promtool test rules jianfu.rules.test.yml) || fail "promtool test rules"

# 7. node_exporter reads jianfu's files through links in its textfile directory, as
# docs/operations.md sets it up; Prometheus scrapes it; the dashboard's queries must return data.
ports=$(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
read -r exporter_port prometheus_port <<< "$ports"
textfiles="$work/textfile"
mkdir -p "$textfiles" "$work/tsdb"
ln -s "$reports/metrics.prom" "$textfiles/jianfu-demo.prom"
ln -s "$reports.run.prom" "$textfiles/jianfu-demo.run.prom"
prometheus-node-exporter --web.listen-address="127.0.0.1:$exporter_port" --collector.disable-defaults \
  --collector.textfile --collector.textfile.directory="$textfiles" > "$work/node-exporter.log" 2>&1 &
pids+=($!)
cp contrib/prometheus/jianfu.rules.yml "$work/jianfu.rules.yml"
cat > "$work/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [jianfu.rules.yml]
scrape_configs:
  - job_name: node
    static_configs: [{targets: ["127.0.0.1:$exporter_port"]}]
EOF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prometheus_port" > "$work/prometheus.log" 2>&1 &
pids+=($!)
python3 - "$prometheus_port" contrib/grafana/jianfu.json "$work" <<'PY' || { tail -20 "$work/prometheus.log" "$work/node-exporter.log" >&2; fail "the dashboard's queries (above)"; }
"""Waits for Prometheus to scrape jianfu's files, then runs each dashboard query."""
import json, sys, time, urllib.parse, urllib.request

port, dashboard_path, work = sys.argv[1], sys.argv[2], sys.argv[3]

def query(expr):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(f"{expr}: {body}")
    return body["data"]["result"]

# Up to 60 s for both servers to start and the first scrapes to land (1 s interval).
deadline, last = time.monotonic() + 60, None
while True:
    try:
        if query('jianfu_last_run_exit_code') and query('jianfu_report_timestamp_seconds'):
            break
    except Exception as error:  # not listening yet
        last = error
    if time.monotonic() > deadline:
        sys.exit(f"check-package: Prometheus has no jianfu series after 60 s ({last})")
    time.sleep(0.5)

failed = False
# node_exporter read both files without a parse error.
errors = query('node_textfile_scrape_error')
if not errors or any(r["value"][1] != "0" for r in errors):
    print(f"check-package: node_textfile_scrape_error: {errors}", file=sys.stderr)
    failed = True

def exprs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "expr" and isinstance(value, str):
                yield value
            else:
                yield from exprs(value)
    elif isinstance(node, list):
        for value in node:
            yield from exprs(value)

dashboard = json.load(open(dashboard_path, encoding="utf-8"))
queries = list(exprs(dashboard))
if len(queries) < 8:
    print(f"check-package: only {len(queries)} queries in {dashboard_path}", file=sys.stderr)
    failed = True
for expr in queries:
    # The dashboard's variables: every pipeline.
    concrete = expr.replace("$pipeline", ".+")
    try:
        result = query(concrete)
    except Exception as error:
        print(f"check-package: query failed: {concrete}: {error}", file=sys.stderr)
        failed = True
        continue
    print(f"check-package: {len(result):3d} series  {concrete}", file=sys.stderr)
    if not result:
        print(f"check-package: no data: {concrete}", file=sys.stderr)
        failed = True

# The rules loaded and evaluate without errors.
with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/rules", timeout=10) as response:
    groups = json.load(response)["data"]["groups"]
rules = [r for g in groups for r in g["rules"]]
bad = [r["name"] for r in rules if r.get("health") not in ("ok", "unknown")]
if len(rules) < 5 or bad:
    print(f"check-package: rules: {len(rules)} loaded, unhealthy: {bad}", file=sys.stderr)
    failed = True
sys.exit(1 if failed else 0)
PY
say "ok: package, example run, ldd, man page, systemd units, promtool, $(python3 -c 'import json,sys
def n(x): return sum(n(v) for v in x.values()) + (1 if "expr" in x else 0) if isinstance(x, dict) else sum(n(v) for v in x) if isinstance(x, list) else 0
print(n(json.load(open(sys.argv[1]))))' contrib/grafana/jianfu.json) dashboard queries against Prometheus"
