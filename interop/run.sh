#!/usr/bin/env bash
# Interoperability with the clients teams already use, against a real `dossier serve` on
# loopback over the bundled data: yente-client (yente's /match), taxii2-client (TAXII 2.1
# reads, writes and status), and stix2-validator over every collection's objects. The
# clients come from PyPI into a throwaway venv, never into the project.
#
#   bash interop/run.sh target/release/dossier
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:?usage: interop/run.sh DOSSIER_BIN}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
venv=${INTEROP_VENV:-${TMPDIR:-/tmp}/dossier-interop-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt"
work=$(mktemp -d "${TMPDIR:-/tmp}/dossier-interop.XXXXXX")
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export DOSSIER_DB=$work/dossier.db
"$bin" init >/dev/null 2>&1
reader=$("$bin" token create --name interop-reader --role reader --clearance red 2>/dev/null)
analyst=$("$bin" token create --name interop-analyst --role analyst --clearance red 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --addr "127.0.0.1:$port" --quiet 2>"$work/server.log" &
pid=$!
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.2
done
base="http://127.0.0.1:$port"
check() {
  local label=$1; shift
  echo "== $label"
  if ! "$venv/bin/python" "$@" >"$work/out.txt" 2>&1; then
    cat "$work/out.txt"
    echo "FAILED: $label" >&2
    exit 1
  fi
  grep -E "objects in|^(OK|ok )" "$work/out.txt" | tail -n 4
}
check "yente-client against /match" "$here/yente_match.py" "$base" "$reader"
check "taxii2-client against /taxii2/" "$here/taxii_client.py" "$base" "$reader" "$analyst"
echo "== stix2-validator over every collection"
"$venv/bin/python" "$here/stix_export.py" "$base" "$reader"
echo "== /docs in a real browser (headless Chromium renders the OpenAPI document)"
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
  echo "chromium not installed: skipped (apt-get install chromium)"
else
  "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chrome" --virtual-time-budget=5000 --dump-dom "$base/docs" \
    >"$work/docs.html" 2>/dev/null
  rendered=$(grep -o 'class="op ' "$work/docs.html" | wc -l)
  paths=$(curl -sf "$base/openapi.json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(len(m) for m in d["paths"].values()))')
  for needle in 'data-path="/match/{dataset}"' 'data-path="/taxii2/api/collections/{collection_id}/objects/"' 'Who is this'; do
    grep -qF "$needle" "$work/docs.html" || { echo "FAILED: /docs rendered without $needle" >&2; exit 1; }
  done
  [ "$rendered" -eq "$paths" ] || { echo "FAILED: /docs shows $rendered operations, the document has $paths" >&2; exit 1; }
  echo "ok    /docs rendered all $rendered operations of /openapi.json"
fi
