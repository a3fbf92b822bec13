#!/usr/bin/env bash
# A bounded soak of `dossier serve` on loopback: mixed reads, screenings and imports from
# five threads (bench/server/soak.py), then checks: no failed request, every acknowledged
# import listed, no memory growth after warm-up.
#
#   bash bench/server/soak.sh target/release/dossier [SECONDS]   # default 300
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:?usage: soak.sh DOSSIER_BIN [SECONDS]}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
seconds=${2:-300}
work=$(mktemp -d "${TMPDIR:-/tmp}/dossier-soak.XXXXXX")
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export DOSSIER_DB=$work/dossier.db
"$bin" init >/dev/null 2>&1
token=$("$bin" token create --name soak --role analyst --clearance red 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --addr "127.0.0.1:$port" 2>"$work/server.log" &
pid=$!
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.2
done
python3 "$here/soak.py" "http://127.0.0.1:$port" "$token" "$pid" "$seconds"
echo "server log: $(wc -l <"$work/server.log") request lines; status counts:"
grep -o '"status":[0-9]*' "$work/server.log" | sort | uniq -c
