#!/usr/bin/env bash
# Measures start-up time: process launch → first presented frame of the login
# screen (fonts loaded, database opened on the worker), median of N runs,
# release build, on an X server (Xvfb if there is no DISPLAY).
#   apt-get install xvfb     # only for this measurement; the tests need no X server
#   tools/bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
cargo build --release --quiet --bin counterdesk --example seed_demo
bin=target/release/counterdesk
dir=$(mktemp -d)
db=$dir/startup.sqlite3
target/release/examples/seed_demo "$db"
if [ -z "${DISPLAY:-}" ]; then
  Xvfb :97 -screen 0 1280x800x24 >/dev/null 2>&1 &
  xvfb=$!
  trap 'kill $xvfb; rm -rf "$dir"' EXIT
  export DISPLAY=:97
  sleep 1
fi
times=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s%3N)
  out=$(COUNTERDESK_STARTUP_PROBE=1 "$bin" --db "$db" 2>&1 >/dev/null | grep first-login-frame-unix-ms || true)
  end=${out##* }
  if [ -z "$end" ]; then echo "run $i: no frame reported" >&2; continue; fi
  times+=($((end - start)))
  echo "run $i: $((end - start)) ms"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "median:", a[int((NR+1)/2)], "ms over", NR, "runs"}'
