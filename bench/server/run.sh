#!/usr/bin/env bash
# TAXII 2.1 paging, dossier's server beside medallion (the OASIS reference server), both
# read with taxii2-client's as_pages; see bench/server/taxii_medallion.py for what is timed.
# This script:
#   - makes (or reuses) a throwaway venv in /tmp with interop/requirements.txt and
#     bench/server/requirements.txt (medallion), never touching the project;
#   - starts `DOSSIER_BIN --db TMP/dossier.db serve --addr 127.0.0.1:PORT` on a fresh
#     database, creates a reader token with clearance red (and, with --interop, an analyst
#     token), waits until GET /taxii2/ answers;
#   - runs taxii_medallion.py against it (ATT&CK collection, picked by title) and prints
#     the side-by-side table; with --interop also runs interop/yente_match.py and
#     interop/taxii_client.py against the same server;
#   - stops the server and removes the temporary database (KEEP_WORK=1 keeps it).
#
#   bash bench/server/run.sh target/release/dossier
#   bash bench/server/run.sh target/release/dossier --budget 120 --sizes 1000,2000
#   bash bench/server/run.sh target/release/dossier --interop
#   bash bench/server/run.sh target/release/dossier -- --only dossier   # args after -- go
#                                                                       # to taxii_medallion.py
# Options: --budget S (seconds one paging run may take, default 600), --sizes LIST (default
# 1000,2000,4000,all), --per-request N (default 1000), --interop, --json FILE (figures).
# Environment: BENCH_VENV (default ${TMPDIR:-/tmp}/dossier-server-bench-venv),
# DOSSIER_SHARED_DATA (default ../shared/data from the repo root), SERVER_WAIT (seconds to
# wait for the server, default 600), KEEP_WORK=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
[ $# -ge 1 ] || { usage >&2; exit 2; }
case "$1" in -h|--help) usage; exit 0 ;; esac
bin=$1; shift
[ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

budget=600
sizes=1000,2000,4000,all
per_request=1000
interop=0
json_out=
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --budget) budget=${2:?--budget needs seconds}; shift 2 ;;
    --sizes) sizes=${2:?--sizes needs a list}; shift 2 ;;
    --per-request) per_request=${2:?--per-request needs a number}; shift 2 ;;
    --interop) interop=1; shift ;;
    --json) json_out=${2:?--json needs a file}; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

data=${DOSSIER_SHARED_DATA:-$repo/../shared/data}
data=$(cd "$data" 2>/dev/null && pwd) || { echo "shared data not found: ${DOSSIER_SHARED_DATA:-../shared/data}" >&2; exit 1; }
stix=$data/mitre-attack/enterprise-attack-v18.1-stix2.0-objects.jsonl.gz
[ -f "$stix" ] || { echo "ATT&CK objects not found: $stix" >&2; exit 1; }

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "python3 >= 3.11 needed (yente-client requires it)" >&2; exit 1; }
venv=${BENCH_VENV:-${TMPDIR:-/tmp}/dossier-server-bench-venv}
if [ ! -x "$venv/bin/python" ]; then
  echo "creating venv $venv" >&2
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
  -r "$repo/interop/requirements.txt" -r "$here/requirements.txt"
py=$venv/bin/python

work=$(mktemp -d "${TMPDIR:-/tmp}/dossier-server-bench.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
db=$work/dossier.db

token_for() {  # role clearance -> secret
  "$bin" --db "$db" --json token create --name "bench-$1" --role "$1" --clearance "$2" \
    | "$py" -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
echo "creating tokens on a fresh database ($db)" >&2
t0=$(date +%s)
reader=$(token_for reader red)
analyst=
if [ "$interop" = 1 ]; then analyst=$(token_for analyst red); fi
echo "tokens ready in $(( $(date +%s) - t0 )) s" >&2

port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
"$bin" --db "$db" serve --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
echo "dossier serve pid $server_pid on $url (log $work/server.log)" >&2
"$py" - "$url" "$reader" "$server_pid" "${SERVER_WAIT:-600}" <<'EOF' || { tail -n 30 "$work/server.log" >&2; exit 1; }
import os, sys, time
import requests
url, token, pid, wait = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
deadline = time.monotonic() + wait
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("dossier serve exited before answering")
    try:
        r = requests.get(url + "/taxii2/", auth=("bench", token),
                         headers={"Accept": "application/taxii+json;version=2.1"}, timeout=5)
        if r.status_code == 200:
            sys.exit(0)
    except requests.RequestException:
        pass
    time.sleep(0.5)
sys.exit(f"no answer from {url}/taxii2/ within {wait:.0f} s")
EOF

status=0
args=(--dossier-url "$url" --token "$reader" --user bench --stix "$stix"
      --sizes "$sizes" --budget "$budget" --per-request "$per_request")
[ -n "$json_out" ] && args+=(--json "$json_out")
"$py" "$here/taxii_medallion.py" "${args[@]}" "${extra[@]}" || status=1

if [ "$interop" = 1 ]; then
  echo; echo "== interop/yente_match.py"
  "$py" "$repo/interop/yente_match.py" "$url" "$reader" || status=1
  echo; echo "== interop/taxii_client.py"
  "$py" "$repo/interop/taxii_client.py" "$url" "$reader" "$analyst" --per-request "$per_request" || status=1
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "dossier serve died during the run; log tail:" >&2
  tail -n 30 "$work/server.log" >&2
  status=1
fi
exit $status
