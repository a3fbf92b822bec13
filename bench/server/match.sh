#!/usr/bin/env bash
# POST /match/default under load: latency and throughput on loopback with 8 concurrent
# connections (wrk), every bundled list loaded. Queries are real listed names (UN list,
# OFAC SDN) with light misspellings, and made-up names that match nothing, one query per
# request as payment screening sends them.
#
#   bash bench/server/match.sh target/release/dossier [SECONDS] [CONNECTIONS]
#
# Prints wrk's latency distribution, requests/s, the server's CPU seconds per request
# (so requests/s per core), and a JSON line with the figures. Needs wrk (Debian: wrk).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${1:?usage: match.sh DOSSIER_BIN [SECONDS] [CONNECTIONS]}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
seconds=${2:-30}
conns=${3:-8}
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/dossier-match-bench.XXXXXX")
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export DOSSIER_DB=$work/dossier.db
"$bin" init >/dev/null 2>&1
token=$("$bin" token create --name bench --role reader --clearance red 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --addr "127.0.0.1:$port" --quiet 2>"$work/server.log" &
pid=$!
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.2
done

# Request bodies: listed names (every 7th UN and OFAC name, some misspelt) and names on no
# list, shuffled with a fixed seed.
python3 - "$repo/data/sanctions" "$work/bodies.lua" <<'EOF'
import gzip, json, random, re, sys
import xml.etree.ElementTree as ET
src, out = sys.argv[1], sys.argv[2]
rnd = random.Random(7)
names = []
xml = gzip.open(f"{src}/un-consolidated-2026-02-27.xml.gz").read().decode()
for m in re.finditer(r"<FIRST_NAME>([^<]+)</FIRST_NAME>\s*<SECOND_NAME>([^<]*)</SECOND_NAME>", xml):
    names.append(("Person", f"{m.group(1)} {m.group(2)}".strip()))
ns = "{https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML}"
sdn = ET.fromstring(gzip.open(f"{src}/ofac-sdn-2024-05-07/sdn.xml.gz").read())
for e in sdn.iter(f"{ns}sdnEntry"):
    last, first = e.findtext(f"{ns}lastName", ""), e.findtext(f"{ns}firstName")
    kind = "Person" if e.findtext(f"{ns}sdnType") == "Individual" else "Organization"
    names.append((kind, f"{last}, {first}" if first else last))
listed = names[::7]
def typo(n):
    i = rnd.randrange(1, max(2, len(n) - 1))
    return n[:i] + n[i + 1:] if rnd.random() < 0.5 else n
made_up = [("Person", f"{a} {b}") for a, b in zip(
    ["Aurelia", "Tomasz", "Ingrid", "Kwame", "Lucía", "Haruto", "Dmitra", "Oskar", "Nneka", "Pietro"] * 30,
    ["Featherstone", "Quellbrook", "Marwick", "Oduya", "Santangelo", "Whitcombe", "Varga", "Lindqvist", "Achebe", "Brambilla"] * 30)]
queries = [(s, typo(n)) for s, n in listed] + made_up[:len(listed) // 2]
rnd.shuffle(queries)
with open(out, "w") as f:
    f.write("bodies = {\n")
    for schema, name in queries:
        body = json.dumps({"queries": {"q": {"schema": schema, "properties": {"name": [name]}}}})
        f.write("  " + json.dumps(body) + ",\n")
    f.write("}\n")
print(f"{len(queries)} distinct queries", file=sys.stderr)
EOF
cat > "$work/match.lua" <<EOF
dofile("$work/bodies.lua")
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, "/match/default", nil, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format("FIGURES requests=%d errors=%d seconds=%.2f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
EOF
# Warm-up: the first request builds the screening index.
curl -sf -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:$port/match/default" \
  -d '{"queries":{"q":{"schema":"Person","properties":{"name":["warm up"]}}}}' >/dev/null
cpu_before=$(awk '{print $14+$15}' "/proc/$pid/stat")
wrk -t"$(( conns < 2 ? conns : 2 ))" -c"$conns" -d"${seconds}s" --latency -s "$work/match.lua" "http://127.0.0.1:$port" | tee "$work/wrk.txt"
cpu_after=$(awk '{print $14+$15}' "/proc/$pid/stat")
ticks=$(getconf CLK_TCK)
python3 - "$work/wrk.txt" "$cpu_before" "$cpu_after" "$ticks" "$conns" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
fig = dict(re.findall(r"(\w+)=([\d.]+)", text.split("FIGURES", 1)[1]))
cpu = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[4])
reqs, secs = float(fig["requests"]), float(fig["seconds"])
out = {
    "connections": int(sys.argv[5]), "requests": int(reqs), "errors": int(float(fig["errors"])),
    "requests_per_s": round(reqs / secs, 1), "p50_ms": float(fig["p50_ms"]), "p99_ms": float(fig["p99_ms"]),
    "p999_ms": float(fig["p999_ms"]), "server_cpu_s": round(cpu, 2),
    "requests_per_cpu_s": round(reqs / cpu, 1) if cpu else None,
}
print(f"\n/match/default, {out['connections']} connections: {out['requests_per_s']} requests/s, "
      f"p50 {out['p50_ms']} ms, p99 {out['p99_ms']} ms, errors {out['errors']}; "
      f"server CPU {out['server_cpu_s']} s = {out['requests_per_cpu_s']} requests per CPU-second "
      f"(yente publishes ~4 per vCPU-second with logic-v2)")
print(json.dumps(out))
EOF
