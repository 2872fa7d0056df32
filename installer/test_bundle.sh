#!/bin/sh
# Build a real bundle for this platform, install it with the network unavailable, and run
# the installed commands. Not in CI: it downloads (from the package registry) and copies the
# real wheels. Prints the bundle's size and the install time for docs/install.md.
#
#   sh installer/test_bundle.sh [WORKDIR]      (default: a new temporary folder)
set -eu
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
python=${PYTHON:-python3}
mkdir -p "$work"

echo "==> building the bundle in $work/bundle"
start=$(date +%s)
"$python" installer/bundle.py --out "$work/bundle"
echo "bundle build: $(( $(date +%s) - start )) s, size: $(du -sh "$work/bundle" | cut -f1)"

# No network from here on: a new network namespace has only a loopback interface.
offline() {
    if unshare -n true 2>/dev/null; then unshare -n "$@"; else
        echo "(unshare -n is not available: running without network isolation)" >&2; "$@"; fi
}

echo "==> installing offline"
export HOME="$work/home" DRC_HOME="$work/home/drc-data" XDG_DATA_HOME="$work/home/share"
mkdir -p "$HOME"
start=$(date +%s)
offline "$python" "$work/bundle/install.py" --prefix "$work/app"
echo "install: $(( $(date +%s) - start )) s, installed size: $(du -sh "$work/app" | cut -f1)"

echo "==> running the installed commands offline"
drc="$work/app/bin/drc"
offline "$drc" stickers schema > "$work/schema.json"
printf '{"body": "#f4a261", "accent": "#264653", "outline": "#1d3557", "background": "#fefae0", "shape": "cat", "outline_width": "4", "fill": "dots"}' > "$work/style.json"
for emotion in happy sad; do
    printf '{"emotion": "%s", "action": "waving"}' "$emotion" > "$work/$emotion.json"
    offline "$drc" stickers render --style "$work/style.json" --semantics "$work/$emotion.json" \
        --out "$work/history-$emotion.png"
done
offline "$drc" compose --history "$work/history-happy.png" --reference "$work/history-sad.png" \
    --out "$work/composed" --n 2
ls "$work/composed"
if [ -x "$work/app/bin/drc-desktop" ] && "$work/app/bin/drc-desktop" --help 2>/dev/null | grep -q -- --smoke; then
    offline "$work/app/bin/drc-desktop" --smoke
fi
echo "==> all good: $work"
