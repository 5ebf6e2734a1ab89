#!/usr/bin/env bash
# `make demo` on a machine without a display: run the window under xvfb-run for a few seconds
# against the demo cluster it starts, save a PNG of it, and print the cluster's status from the
# CLI while it runs.
set -uo pipefail
build=${1:-build}
seconds=${DEMO_SECONDS:-20}
out="$build/demo"
mkdir -p "$out"
rm -f "$out/app.out" "$out/app.err"

echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset)."
echo "Running SessionDeck under xvfb-run for $seconds s against its demo cluster; a picture of the window follows."
if ! command -v xvfb-run >/dev/null; then
  echo "xvfb-run is missing: run 'make deps' (package xvfb)." >&2
  exit 1
fi
xvfb-run -a "$build/app/sessiondeck" --demo --quit-after "$seconds" \
  --screenshot "$out/sessiondeck-demo.png" >"$out/app.out" 2>"$out/app.err" &
app=$!

url=""
for _ in $(seq 1 600); do
  url=$(sed -n 's/^demo-url: //p' "$out/app.out" 2>/dev/null)
  [ -n "$url" ] && break
  kill -0 "$app" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  wait "$app"
  echo "The demo cluster did not come up:" >&2
  cat "$out/app.err" >&2
  exit 1
fi

echo
echo "Demo cluster: $url"
sleep 3
echo "Its status, from the command line (sessiondeck-cli status --url '$url'):"
"$build/app/sessiondeck-cli" status --url "$url"
echo
wait "$app"
status=$?
shot=$(sed -n 's/^screenshot: //p' "$out/app.out")
if [ "$status" -ne 0 ] || [ -z "$shot" ]; then
  echo "SessionDeck exited with status $status:" >&2
  cat "$out/app.err" >&2
  exit 1
fi
echo "Window screenshot: $shot"
