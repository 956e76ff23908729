#!/usr/bin/env bash
# Builds the release an office carries onto a server without a toolchain or network
# (docs/operations.md): a static-Swift-runtime binary wrapped as a Debian package and a .tar.gz
# of the same tree, in dist/:
#   dist/jianfu_VERSION_ARCH.deb               dpkg -i; Depends from the binary's ldd (dpkg-shlibdeps)
#   dist/jianfu-VERSION-linux-ARCH.tar.gz      the same files, for tar -xzf -C / (then its postinst)
# The tree: /usr/bin/jianfu; the man page jianfu(1), generated from the ArgumentParser definitions
# (`jianfu --experimental-dump-help` through scripts/manpage.py); bash, zsh and fish completions
# (`jianfu --generate-completion-script`); README.md, docs/operations.md, CHANGELOG.md; the
# example pipeline with its data (/usr/share/jianfu/examples); the systemd units
# (contrib/systemd); the Prometheus rules and Grafana dashboard (contrib/).
# The build has its own scratch folder, .build-release-static (gitignored).
#   bash scripts/package.sh            # build and package
#   JIANFU_SKIP_BUILD=1 bash ...       # package the binary already in .build-release-static
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

for tool in swift dpkg-deb dpkg-shlibdeps python3 gzip ldd; do
  command -v "$tool" >/dev/null || { echo "package: $tool is missing (bash scripts/setup.sh)" >&2; exit 2; }
done

scratch=.build-release-static
if [ -z "${JIANFU_SKIP_BUILD:-}" ]; then
  swift build -c release --static-swift-stdlib --product jianfu --scratch-path "$scratch"
fi
binary="$scratch/release/jianfu"
[ -x "$binary" ] || { echo "package: $binary is missing" >&2; exit 1; }

# The binary must not need the toolchain: no Swift runtime library, no toolchain path.
if ldd "$binary" | grep -Ei 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|swift|not found'; then
  echo "package: $binary links libraries of the Swift toolchain (above)" >&2
  exit 1
fi

version=$("$binary" --version)
arch=$(dpkg --print-architecture)
name="jianfu_${version}_${arch}"
rm -rf "dist/$name" "dist/$name.deb"
mkdir -p dist
tree="dist/$name"

install -D -m 0755 "$binary" "$tree/usr/bin/jianfu"
strip --strip-unneeded "$tree/usr/bin/jianfu"

# The man page and completions come from the binary itself, so they cannot drift.
mkdir -p "$tree/usr/share/man/man1"
"$binary" --experimental-dump-help \
  | python3 scripts/manpage.py "$version" "$(date -u -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}" +%Y-%m-%d)" \
  > "$tree/usr/share/man/man1/jianfu.1"
gzip -9n "$tree/usr/share/man/man1/jianfu.1"
install -d "$tree/usr/share/bash-completion/completions" "$tree/usr/share/zsh/vendor-completions" "$tree/usr/share/fish/vendor_completions.d"
"$binary" --generate-completion-script bash > "$tree/usr/share/bash-completion/completions/jianfu"
"$binary" --generate-completion-script zsh > "$tree/usr/share/zsh/vendor-completions/_jianfu"
"$binary" --generate-completion-script fish > "$tree/usr/share/fish/vendor_completions.d/jianfu.fish"

install -D -m 0644 README.md "$tree/usr/share/doc/jianfu/README.md"
install -D -m 0644 docs/operations.md "$tree/usr/share/doc/jianfu/operations.md"
install -D -m 0644 CHANGELOG.md "$tree/usr/share/doc/jianfu/CHANGELOG.md"
install -D -m 0644 docs/demo-index.png "$tree/usr/share/doc/jianfu/docs/demo-index.png"

# The example: the demo pipeline over its data, writing where the service may write.
examples="$tree/usr/share/jianfu/examples"
install -d "$examples/demo"
install -m 0644 fixtures/demo/counts.csv fixtures/demo/extra.csv fixtures/demo/units.csv fixtures/demo/README.md "$examples/demo/"
sed -e 's#path: \.\./fixtures/demo/#path: /usr/share/jianfu/examples/demo/#' \
    -e 's#^outputs: {dir: \.\./reports/demo,#outputs: {dir: /var/lib/jianfu/reports/demo,#' \
    pipelines/demo.yml > "$examples/demo.yml"
cat >> "$examples/demo.yml" <<'YAML'

# The packaged copy (scripts/package.sh): absolute paths, so that a copy in /etc/jianfu runs
# as it is (jianfu@demo.service); reports and the state store in /var/lib/jianfu, where the
# jianfu user and the service may write (docs/operations.md).
state: /var/lib/jianfu/state/demo.sqlite
YAML
# The rewrite must have happened: no path may still lead out of the examples folder.
if grep -n '\.\./' "$examples/demo.yml"; then
  echo "package: the packaged demo.yml still has relative paths out of its folder (above)" >&2
  exit 1
fi

install -D -m 0644 "contrib/systemd/jianfu@.service" "$tree/lib/systemd/system/jianfu@.service"
install -D -m 0644 "contrib/systemd/jianfu@.timer" "$tree/lib/systemd/system/jianfu@.timer"
install -D -m 0644 contrib/prometheus/jianfu.rules.yml "$tree/usr/share/jianfu/prometheus/jianfu.rules.yml"
install -D -m 0644 contrib/grafana/jianfu.json "$tree/usr/share/jianfu/grafana/jianfu.json"
# Pipelines in /etc/jianfu keep their default state (.jianfu/ beside the pipeline file) in
# /var/lib/jianfu/state: /etc stays read-only to the service.
install -d "$tree/etc/jianfu"
ln -s /var/lib/jianfu/state "$tree/etc/jianfu/.jianfu"

# Depends: what the binary links, as Debian names it (dpkg-shlibdeps reads the ELF NEEDED
# entries and finds each library's package and minimum version).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debian"
printf 'Source: jianfu\n\nPackage: jianfu\nArchitecture: any\n' > "$work/debian/control"
cp "$tree/usr/bin/jianfu" "$work/jianfu"
depends=$(cd "$work" && dpkg-shlibdeps -O jianfu 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# libpq5: the PostgreSQL state store (state: postgresql://…) links libpq.
case "$depends" in *libpq5*) ;; *) depends="$depends, libpq5" ;; esac

install -d "$tree/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$tree" | cut -f1)
cat > "$tree/DEBIAN/control" <<EOF
Package: jianfu
Version: $version
Architecture: $arch
Maintainer: jianfu maintainers <jianfu@localhost>
Installed-Size: $size
Depends: $depends, adduser
Section: utils
Priority: optional
Homepage: https://localhost/jianfu
Description: grassroots burden reduction (基层减负) indicators from monthly reports
 jianfu reads monthly counts of documents, meetings and inspections sent to
 grassroots units, and survey scores, from CSV, JSON or HTTP(S) sources, and
 writes reduction indicators, scores, grades, alerts, a Prometheus textfile
 and self-contained HTML reports. One static binary: no Swift toolchain needed.
 Nightly runs: systemctl enable --now jianfu@NAME.timer (/etc/jianfu/NAME.yml).
EOF
cat > "$tree/DEBIAN/postinst" <<'EOF'
#!/bin/sh
# jianfu: the service user and the one place it writes (docs/operations.md).
set -e
if [ "$1" = configure ]; then
  if ! getent passwd jianfu >/dev/null; then
    adduser --system --group --home /var/lib/jianfu --no-create-home --quiet jianfu
  fi
  install -d -o jianfu -g jianfu -m 0755 /var/lib/jianfu /var/lib/jianfu/state /var/lib/jianfu/reports
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
  fi
fi
exit 0
EOF
cat > "$tree/DEBIAN/prerm" <<'EOF'
#!/bin/sh
# jianfu: stop the nightly timers before the units go away (the state and reports stay).
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop 'jianfu@*.timer' 'jianfu@*.service' >/dev/null 2>&1 || true
fi
exit 0
EOF
cat > "$tree/DEBIAN/postrm" <<'EOF'
#!/bin/sh
# jianfu: /var/lib/jianfu (stores, reports) and the jianfu user are kept, also on purge: they
# hold the office's data. Remove them by hand when no longer wanted.
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
EOF
chmod 0755 "$tree/DEBIAN/postinst" "$tree/DEBIAN/prerm" "$tree/DEBIAN/postrm"

dpkg-deb --root-owner-group -Zgzip --build "$tree" "dist/$name.deb" >/dev/null
tarball="dist/jianfu-$version-linux-$arch.tar.gz"
# The tarball: the same files under jianfu-VERSION/, with the postinst to run after extracting.
rm -rf "$work/jianfu-$version"
mkdir -p "$work/jianfu-$version"
cp -a "$tree/usr" "$tree/lib" "$tree/etc" "$work/jianfu-$version/"
cp "$tree/DEBIAN/postinst" "$work/jianfu-$version/postinst"
tar --owner=0 --group=0 --sort=name -C "$work" -czf "$tarball" "jianfu-$version"
echo "package: dist/$name.deb ($(du -h "dist/$name.deb" | cut -f1)), $tarball; Depends: $depends, adduser"
