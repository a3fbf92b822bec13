#!/usr/bin/env bash
# Times the whole dossier import (parse + SQLite store + alias resolution) of MITRE ATT&CK
# Enterprise v18.1 and the MISP galaxies, beside Python's stix2.parse of the same ATT&CK
# objects alone, and prints the ratio. stix2 is installed in a throwaway venv, never in
# the product.
#
#   bash bench/import_vs_stix2.sh            # 3 runs of stix2, 15 of dossier; medians
#   RUNS=5 DOSSIER_RUNS=25 bash bench/import_vs_stix2.sh
#
# dossier runs more often (each run takes well under a second): on a small shared
# machine single runs vary by half, and the median of many is the steadier figure.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
dossier_runs=${DOSSIER_RUNS:-15}
venv=${BENCH_VENV:-${TMPDIR:-/tmp}/dossier-bench-venv}
attack=data/mitre-attack/enterprise-attack-v18.1.jsonl.gz
misp=(data/misp-galaxy/country.json.gz data/misp-galaxy/producer.json.gz data/misp-galaxy/microsoft-activity-group.json.gz data/misp-galaxy/threat-actor.json.gz)

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'stix2==3.0.1'
fi
cargo build --quiet --release -p dossier-cli

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Both sides read the same uncompressed JSON lines (stix2 is not timed decompressing).
gzip -dc "$attack" > "$work/attack.jsonl"
attack="$work/attack.jsonl"

"$venv/bin/python" - "$work" "$runs" "$dossier_runs" "$attack" "${misp[@]}" <<'PY'
import glob, json, os, statistics, subprocess, sys, time
import stix2

work, runs, dossier_runs, attack, misp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5:]

dossier = []
for i in range(dossier_runs):
    db = f"{work}/run.db"
    start = time.perf_counter()
    out = subprocess.run(["./target/release/dossier", "--db", db, "--json", "ingest", "--no-init", attack, *misp],
                         check=True, capture_output=True, text=True).stdout
    dossier.append(time.perf_counter() - start)
    # Each run starts from no database at all.
    for f in glob.glob(db + "*"):
        os.remove(f)
statements = sum(r["outcome"]["source"]["statements"] for r in json.loads(out))

# split on newlines only: descriptions contain U+2028, which splitlines() would break on
lines = [l for l in open(attack, encoding="utf-8").read().split("\n") if l.strip()]
parsed = []
for _ in range(runs):
    start = time.perf_counter()
    for line in lines:
        stix2.parse(line, allow_custom=True, version="2.0")
    parsed.append(time.perf_counter() - start)

d, p = statistics.median(dossier), statistics.median(parsed)
print(f"ATT&CK objects: {len(lines)}; statements stored by dossier: {statements}")
print(f"dossier ingest, ATT&CK + MISP galaxies (parse+store+resolve): median {d:.3f} s, min {min(dossier):.3f} s over {len(dossier)} runs  [{', '.join(f'{t:.3f}' for t in dossier)}]")
print(f"stix2.parse, ATT&CK only (parse only):                       median {p:.3f} s, min {min(parsed):.3f} s over {len(parsed)} runs  [{', '.join(f'{t:.3f}' for t in parsed)}]")
print(f"ratio: dossier's whole import is {p / d:.1f}x faster than stix2.parse alone")
PY
