#!/usr/bin/env bash
# The dashboard/queue tallies under 20 deciding counters, on a durable
# throwaway cluster (fsync and synchronous_commit on, as on a hall's
# server), with pgbench. Each transaction is what a decision does to the
# tallies: one pending row down, one approved row up, its own insert, and
# the audit append last. "one row": every counter adds to the same tally
# row (slot 0, as before migration 10); "slots": each connection adds to its
# own slot (counter_slot(), migration 10). Prints tps, median and p95.
#
#   tools/bench/office_hot_rows.sh [SECONDS]
set -euo pipefail
secs=${1:-15}
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bin=$(dirname "$(readlink -f "$(command -v initdb || echo /usr/lib/postgresql/15/bin/initdb)")")
as=(); [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
d=$(mktemp -d -t cdbench-XXXXXX); [ "$(id -u)" = 0 ] && chown postgres: "$d"
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
trap '"${as[@]}" "$bin/pg_ctl" -D "$d/data" -m immediate -w -s stop >/dev/null 2>&1 || true; rm -rf "$d"' EXIT
"${as[@]}" "$bin/initdb" -D "$d/data" -U postgres -A trust -E UTF8 --locale=C --no-instructions >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$d/data" -l "$d/log" -s -w \
    -o "-p $port -k $d -c listen_addresses=127.0.0.1" start
python3 - "$repo/src/store/postgres/migrations" > "$d/schema.sql" <<'PY'
import re, sys
body = open(sys.argv[1] + "/early.rs").read() + open(sys.argv[1] + "/late.rs").read()
print("CREATE ROLE counterdesk_owner NOLOGIN;")
print("CREATE SCHEMA counterdesk AUTHORIZATION counterdesk_owner;")
for step in re.findall(r'r#"(.*?)"#', body, re.S):
    print("BEGIN; SET LOCAL ROLE counterdesk_owner; SET LOCAL search_path = counterdesk;")
    print(step)
    print("COMMIT;")
PY
psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -X -q)
"${psql[@]}" -v ON_ERROR_STOP=1 -f "$d/schema.sql" postgres
for variant in one_row slots; do
    slot=0; [ "$variant" = slots ] && slot="counterdesk.counter_slot()"
    cat > "$d/$variant.sql" <<SQL
BEGIN;
INSERT INTO counterdesk.queue_counts (kind, status, due_day, slot, n)
    VALUES ('new', 'pending', '2026-11-23', $slot, -1)
    ON CONFLICT (kind, status, due_day, slot) DO UPDATE SET n = counterdesk.queue_counts.n - 1;
INSERT INTO counterdesk.queue_counts (kind, status, due_day, slot, n)
    VALUES ('new', 'approved', '2026-11-23', $slot, 1)
    ON CONFLICT (kind, status, due_day, slot) DO UPDATE SET n = counterdesk.queue_counts.n + 1;
INSERT INTO counterdesk.settings (key, value) VALUES ('w' || :client_id, 'x')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
SELECT counterdesk.audit_append(1, 'zhaomin', 'review_decided', 'application:1', '通过');
COMMIT;
SQL
done
cd "$d"
for variant in one_row slots one_row slots; do
    rm -f pgbench_log.*
    tps=$("$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -n -f "$variant.sql" -c 20 -j 2 \
        -T "$secs" -l postgres 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    cat pgbench_log.* | awk '{print $3}' | sort -n | awk -v v="$variant" -v t="$tps" \
        '{a[NR]=$1} END {printf "%-8s 20 clients: %s decisions/s, median %.1f ms, p95 %.1f ms (n=%d)\n",
                          v, t, a[int(NR*0.5)]/1000, a[int(NR*0.95)]/1000, NR}'
done
"${psql[@]}" -At -c "SELECT 'tally sums: pending ' || sum(n) FILTER (WHERE status = 'pending') ||
    ', approved ' || sum(n) FILTER (WHERE status = 'approved') || ', audit rows ' ||
    (SELECT count(*) FROM counterdesk.audit_log) FROM counterdesk.queue_counts" postgres
