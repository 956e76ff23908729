#!/usr/bin/env bash
# Installs what jianfu needs beyond the Swift toolchain, on Debian (run as root, or with sudo):
#   libcurl4-openssl-dev  libcurl for HTTP(S) sources (a SwiftPM system-library target links it)
#   libsqlite3-dev        SQLite for the state store (GRDB links the system library)
#   libpq-dev             libpq for the PostgreSQL state store (a SwiftPM system-library target links it)
#   postgresql            PostgreSQL 15: the tests start a private cluster of it (Tests/JianfuTestSupport/PostgresServer.swift)
#   sqlite3               the SQLite shell: looking into a store, backing it up (README)
#   python3               the fixtures generator, the benchmark peers, scripts/render-check.sh
#   chromium              headless rendering of the HTML reports (scripts/render-check.sh)
#   fonts-wqy-microhei    a CJK font: without one every Chinese character renders as an empty box
#   poppler-utils         pdfinfo, pdftotext, pdftoppm: the print tests read Chromium's A4 PDFs back
#   openssl               the HTTPS tests make a self-signed certificate with it
#   zlib1g-dev            zlib for ZIPFoundation (bulletin.docx is a ZIP package)
#   libreoffice-writer-nogui, python-docx (pip)
#                         the tests convert bulletin.docx to PDF and read it back
#   libreoffice-calc-nogui, openpyxl (pip)
#                         the tests read jianfu.xlsx back (scripts/check-xlsx.py) and convert it to PDF
#                         make the .xlsx fixtures (fixtures/xlsx/gen_xlsx.py, bench/xlsx_rss.sh)
#   dpkg-dev binutils     scripts/package.sh: dpkg-shlibdeps (the package's Depends), strip, readelf
#   man-db systemd        scripts/check-package.sh: man -l on the man page, systemd-analyze verify
#   adduser               the package's postinst creates the jianfu user with it
#   prometheus prometheus-node-exporter
#                         scripts/check-package.sh: promtool check metrics / test rules, and a real
#                         Prometheus scraping a real node_exporter for the dashboard's queries
# Installs only what is missing; safe to run again.
set -euo pipefail

packages=(libcurl4-openssl-dev libsqlite3-dev libpq-dev postgresql sqlite3 fonts-wqy-microhei zlib1g-dev libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils
  dpkg-dev binutils man-db systemd adduser prometheus prometheus-node-exporter)
command -v python3 >/dev/null 2>&1 || packages+=(python3)
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v openssl >/dev/null 2>&1 || packages+=(openssl)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "setup: the Swift toolchain (swift) is not on PATH" >&2; exit 1; }
python3 -c 'import docx' 2>/dev/null || { echo "setup: installing python-docx" >&2; python3 -m pip install -q python-docx; }
# openpyxl writes the .xlsx fixtures of the xlsx source tests (fixtures/xlsx/gen_xlsx.py, bench/xlsx_rss.sh).
python3 -c 'import openpyxl' 2>/dev/null || { echo "setup: installing openpyxl" >&2; python3 -m pip install -q openpyxl; }
