#!/usr/bin/env bash
# examples/office_load.rs against a throwaway cluster, as a hall's server
# runs (fsync, full-page writes and synchronous commit on): initdb/pg_ctl
# from PATH or the newest /usr/lib/postgresql/*/bin (as the postgres user
# through runuser when run as root), a free loopback port, scram-sha-256 for
# the workstation role, office-init through the example's --office-init.
# Each run gets a fresh database filled with W×C (+100) demo applications.
# The last stdout line of each run is office_load's JSON object.
#
#   tools/bench/office_load.sh [WxC ...]        (default: 20x500 1x500)
#   OFFICE_LOAD_SQLITE=1 tools/bench/office_load.sh 20x50   (also on a SQLite file)
set -euo pipefail
runs=("$@"); [ ${#runs[@]} = 0 ] && runs=(20x500 1x500)
repo="$(cd "$(dirname "$0")/../.." && pwd)"
if command -v initdb >/dev/null; then
    bin=$(dirname "$(readlink -f "$(command -v initdb)")")
else
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
as=(); [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
(cd "$repo" && nice cargo build --release --example office_load -q)
load="$repo/target/release/examples/office_load"
d=$(mktemp -d -t cdload-XXXXXX); [ "$(id -u)" = 0 ] && chown postgres: "$d"
priv=$(mktemp -d -t cdload-pass-XXXXXX)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
trap '"${as[@]}" "$bin/pg_ctl" -D "$d/data" -m immediate -w -s stop >/dev/null 2>&1 || true; rm -rf "$d" "$priv"' EXIT
"${as[@]}" "$bin/initdb" -D "$d/data" -U postgres -A trust -E UTF8 --locale=C --no-instructions >/dev/null
cat > "$d/hba.conf" <<HBA
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
HBA
[ "$(id -u)" = 0 ] && chown postgres: "$d/hba.conf"
"${as[@]}" "$bin/pg_ctl" -D "$d/data" -l "$d/log" -s -w -o "-p $port -k $d \
    -c listen_addresses=127.0.0.1 -c hba_file=$d/hba.conf -c max_connections=200 \
    -c fsync=on -c full_page_writes=on -c synchronous_commit=on" start
export OFFICE_LOAD_APP_PASSWORD="Load-App-$(date +%s)-$$"
printf '127.0.0.1:%s:*:counterdesk_app:%s\n' "$port" "$OFFICE_LOAD_APP_PASSWORD" > "$priv/pgpass"
chmod 600 "$priv/pgpass"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
n=0
for run in "${runs[@]}"; do
    w=${run%x*}; c=${run#*x}; n=$((n + 1)); db="load$n"
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
    "$load" --office-init "postgres://postgres@127.0.0.1:$port/$db"
    echo "== $w workers x $c claims on the server (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    "$load" --db "postgres://counterdesk_app@127.0.0.1:$port/$db?passfile=$priv/pgpass" \
        --workers "$w" --claims "$c" --fill $((w * c + 100))
    if [ "${OFFICE_LOAD_SQLITE:-0}" = 1 ]; then
        echo "== $w workers x $c claims on a SQLite file" >&2
        "$load" --db "$priv/load$n.sqlite3" --workers "$w" --claims "$c" --fill $((w * c + 100))
    fi
done
