#!/usr/bin/env bash
# Test-only TLS material for the office-server tests (tests/office/): a CA,
# a server certificate for localhost / 127.0.0.1 signed by it, and a second,
# unrelated CA for the "wrong CA is refused" case. Valid for 100 years, so
# the committed files do not expire under the tests. The keys protect
# nothing: they only exist for throwaway clusters on loopback.
#
#   tools/pg_tls/make_certs.sh            # rewrites tests/fixtures/pg-tls/
set -euo pipefail
out="$(cd "$(dirname "$0")/../.." && pwd)/tests/fixtures/pg-tls"
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
days=36500
ec() { openssl ecparam -name prime256v1 -genkey -noout -out "$1"; }

ec ca.key
openssl req -x509 -new -key ca.key -sha256 -days $days \
    -subj "/CN=CounterDesk test CA" -out ca.crt \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

ec server.key
openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
cat > server.ext <<'X'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
X
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
    -days $days -sha256 -extfile server.ext -out server.crt

ec other-ca.key
openssl req -x509 -new -key other-ca.key -sha256 -days $days \
    -subj "/CN=Some other CA" -out other-ca.crt \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

# PostgreSQL wants a PKCS#8 or SEC1 key; keep SEC1 as generated.
cp ca.crt server.crt server.key other-ca.crt "$out/"
echo "written to $out"
