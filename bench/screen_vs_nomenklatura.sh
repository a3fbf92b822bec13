#!/usr/bin/env bash
# Name-screening quality of dossier beside nomenklatura's logic-v2 (the matcher behind
# OpenSanctions' yente), on the same labelled pairs from ../shared/data/watchman/name-pairs:
#   lot 1        cascade-name-pairs.csv    (Company/Vessel, true/false labels)
#   lot 2        cascade-name-pairs-2.csv  (Hebrew/Burmese/Latin, former names)
#   cross-script cross_script_pairs.csv    (Person, all positive)
# For each set: TP/FP/FN/TN, precision, recall and F1 at one threshold (dossier also at its
# own `match` decision), a sweep of thresholds 0.50..0.95 from each system's scores, and the
# misclassified pairs written to a file in the work dir. dossier is run as
# `dossier compare --pairs FILE.csv` (CSV in: name1,name2,schema; out: +score,match).
# Optional sections:
#   --throughput  logic-v2 scoring one query against every OFAC SDN entity (3 queries,
#                 ~20 s; dossier's own throughput is its criterion bench)
#   --retrieval   rapidfuzz token_set_ratio baseline: OFAC SDN 2024-05-03 aliases as queries
#                 over the primary names, recall@1/@5 (~2-3 min); writes the query set
#                 (query,ent_num) for the Rust side to reuse; --retrieval-processor
#                 default|lower|none picks rapidfuzz's string processor (default:
#                 utils.default_process)
#   --no-pairs    skip the pair evaluation (only the sections asked for)
# nomenklatura, followthemoney and rapidfuzz go into a throwaway venv
# (default ${TMPDIR:-/tmp}/dossier-bench-venv, reused), never into the project.
#
#   bash bench/screen_vs_nomenklatura.sh                      # pairs only, threshold 0.8
#   bash bench/screen_vs_nomenklatura.sh --threshold 0.85 --throughput --retrieval
#   SKIP_DOSSIER=1 bash bench/screen_vs_nomenklatura.sh       # nomenklatura side only
# Environment: DOSSIER_BIN (default target/release/dossier, built if missing),
# DOSSIER_SHARED_DATA (default ../shared/data from the repo root), BENCH_VENV, BENCH_WORK.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

threshold=0.8
throughput=0
retrieval=0
pairs=1
processor=default
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --threshold) threshold=${2:?--threshold needs a value}; shift 2 ;;
    --threshold=*) threshold=${1#*=}; shift ;;
    --throughput) throughput=1; shift ;;
    --retrieval) retrieval=1; shift ;;
    --retrieval-processor) processor=${2:?--retrieval-processor needs default, lower or none}; shift 2 ;;
    --no-pairs) pairs=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

data=${DOSSIER_SHARED_DATA:-../shared/data}
data=$(cd "$repo" && cd "$data" 2>/dev/null && pwd) || { echo "shared data not found: ${DOSSIER_SHARED_DATA:-../shared/data} (from $repo)" >&2; exit 1; }

venv=${BENCH_VENV:-${TMPDIR:-/tmp}/dossier-bench-venv}
pins=('nomenklatura==4.17.4' 'followthemoney==4.11.2' 'rapidfuzz==3.14.6')
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import nomenklatura.matching, followthemoney, rapidfuzz' 2>/dev/null; then
  echo "installing ${pins[*]} into $venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"
fi
py() { "$venv/bin/python" "$repo/bench/screen_eval.py" "$@"; }
"$venv/bin/python" - <<'PY' >&2
from importlib.metadata import version
print("venv: " + ", ".join(f"{p} {version(p)}" for p in ("nomenklatura", "followthemoney", "rapidfuzz")))
PY

work=${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/dossier-screen-bench.XXXXXX")}
mkdir -p "$work"
echo "work dir: $work" >&2

if [ "$pairs" = 1 ]; then
  py prepare --data "$data" --work "$work"

  if [ "${SKIP_DOSSIER:-0}" = 1 ]; then
    echo "SKIP_DOSSIER=1: dossier side not run" >&2
    rm -f "$work"/*.dossier.csv
  else
    bin=${DOSSIER_BIN:-target/release/dossier}
    if [ ! -x "$bin" ]; then
      if [ -n "${DOSSIER_BIN:-}" ]; then echo "DOSSIER_BIN not executable: $bin" >&2; exit 1; fi
      cargo build --quiet --release -p dossier-cli
    fi
    for set in lot1 lot2 cross; do
      start=$(date +%s.%N)
      "$bin" compare --pairs "$work/$set.pairs.csv" > "$work/$set.dossier.csv"
      end=$(date +%s.%N)
      awk -v s="$set" -v a="$start" -v b="$end" 'BEGIN { printf "dossier compare scored %-6s in %.2f s\n", s, b - a }' >&2
    done
  fi

  py nomenklatura --work "$work" --threshold "$threshold"
  py report --work "$work" --threshold "$threshold"
fi

if [ "$throughput" = 1 ]; then
  py throughput --data "$data" --budget 120
fi

if [ "$retrieval" = 1 ]; then
  py retrieval --data "$data" --work "$work" --date 2024-05-03 --processor "$processor"
fi
