#!/usr/bin/env bash
# Renders an HTML report in a real browser and checks that the pictures are not blank:
#   bash scripts/render-check.sh REPORT_DIR OUT_DIR
# REPORT_DIR holds index.html and units/ (a `jianfu run` output folder). Headless Chromium
# (Debian's `chromium`; scripts/setup.sh installs it and the CJK font fonts-wqy-microhei)
# screenshots index.html and one unit page to OUT_DIR/index.png and OUT_DIR/unit.png; then
# python3 (standard library only) decodes each PNG and requires enough non-white pixels and
# distinct colours for a page with text, tables and charts. Exit 0 when both pass, 1 when a
# picture is blank or missing, 2 on bad arguments or a missing tool.
# RENDER_CHECK_TIMEOUT (seconds, default 60) bounds each browser run.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 REPORT_DIR OUT_DIR" >&2
  exit 2
fi
report=$(cd "$1" && pwd) || { echo "render-check: no folder $1" >&2; exit 2; }
mkdir -p "$2"
out=$(cd "$2" && pwd)
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "render-check: chromium is not installed (bash scripts/setup.sh)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "render-check: python3 is not installed" >&2; exit 2; }
# Without a CJK font every Chinese character renders as an empty box: a picture, but a useless one.
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh family)" ]; then
  echo "render-check: no CJK font installed (fonts-wqy-microhei; bash scripts/setup.sh)" >&2
  exit 2
fi
[ -f "$report/index.html" ] || { echo "render-check: $report/index.html is missing" >&2; exit 1; }
unit=$(find "$report/units" -maxdepth 1 -name '*.html' 2>/dev/null | LC_ALL=C sort | head -n 1)
[ -n "$unit" ] || { echo "render-check: no unit page in $report/units" >&2; exit 1; }

# A throwaway profile, so runs do not share state or leave files in $HOME.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

shoot() {  # shoot PAGE PNG
  rm -f "$2"
  timeout "${RENDER_CHECK_TIMEOUT:-60}" "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --no-first-run --no-default-browser-check --user-data-dir="$profile" \
    --screenshot="$2" --window-size=1280,2000 "file://$1" >"$out/chromium.log" 2>&1 || {
    echo "render-check: chromium failed or timed out on $1 (log: $out/chromium.log)" >&2
    return 1
  }
  [ -s "$2" ] || { echo "render-check: chromium wrote no screenshot for $1" >&2; return 1; }
}
shoot "$report/index.html" "$out/index.png"
shoot "$unit" "$out/unit.png"

python3 - "$out/index.png" "$out/unit.png" <<'PY'
"""Decode a PNG with zlib (8-bit greyscale/RGB/RGBA, not interlaced) and check it shows a page."""
import struct, sys, zlib

def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or interlace or colour not in (0, 2, 4, 6):
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw, stride = zlib.decompress(b"".join(idat)), width * bpp
    previous, i = bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = previous[x], previous[x - bpp] if x >= bpp else 0
            if kind == 1: line[x] = (line[x] + a) & 255
            elif kind == 2: line[x] = (line[x] + b) & 255
            elif kind == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        yield from (tuple(line[x:x + min(bpp, 3)]) for x in range(0, stride, bpp))
        previous = line
    return width, height

failed = False
for path in sys.argv[1:]:
    try:
        total = inked = 0
        colours = set()
        for px in pixels(path):
            total += 1
            if min(px) < 235:
                inked += 1
            if len(colours) < 5000:
                colours.add(px)
        share = inked / total if total else 0
        ok = total > 0 and share >= 0.01 and len(colours) >= 16
        print(f"render-check: {path}: {total} pixels, {share:.1%} not white, {len(colours)}{'+' if len(colours) >= 5000 else ''} colours: {'ok' if ok else 'BLANK'}")
        failed |= not ok
    except Exception as error:
        print(f"render-check: {path}: cannot read: {error}", file=sys.stderr)
        failed = True
sys.exit(1 if failed else 0)
PY
