#!/usr/bin/env bash
# Audit appends through counterdesk.audit_append() on a durable throwaway
# cluster (fsync and synchronous_commit on, as on a hall's server), with
# pgbench: 1 and 20 clients, each transaction = one upsert + one append, as
# the store will do it. Prints tps, median and p95 per run, then checks the
# chain has no broken link. Run as root (uses the postgres user) or as a
# user who may run initdb. Until `counterdesk office-init` exists, the schema
# is applied from the SQL text in src/store/postgres/migrations/.
#
#   tools/bench/office_audit_append.sh [SECONDS]
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
# The step texts, in order: steps 1-4 in early.rs, the rest in late.rs.
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
cat > "$d/append.sql" <<'SQL'
BEGIN;
INSERT INTO counterdesk.settings (key, value) VALUES ('w' || :client_id, 'x')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
SELECT counterdesk.audit_append(1, 'zhaomin', 'login_succeeded', 'clerk:1', '连续失败 5 次');
COMMIT;
SQL
cd "$d"
for clients in 1 20; do
    rm -f pgbench_log.*
    tps=$("$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -n -f append.sql -c "$clients" -j 2 \
        -T "$secs" -l postgres 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    cat pgbench_log.* | awk '{print $3}' | sort -n | awk -v c="$clients" -v t="$tps" \
        '{a[NR]=$1} END {printf "%2d clients: %s appends/s, median %.1f ms, p95 %.1f ms (n=%d)\n",
                          c, t, a[int(NR*0.5)]/1000, a[int(NR*0.95)]/1000, NR}'
done
"${psql[@]}" -At -c "SELECT 'rows ' || count(*) || ', broken links ' ||
    (SELECT count(*) FROM counterdesk.audit_log a JOIN counterdesk.audit_log b
        ON b.seq = a.seq + 1 WHERE b.prev_hash <> a.hash) ||
    ', head at ' || (SELECT seq FROM counterdesk.audit_head) FROM counterdesk.audit_log" postgres
