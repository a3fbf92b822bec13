#!/usr/bin/env bash
# Indicator extraction of dossier (`dossier iocs`) beside two Python extractors from PyPI,
# ioc-finder and iocextract, on the same texts from ../shared/data:
#   advisories  advisories-text/*.tram-signal.txt (three CISA advisories)
#   TRAM        the 151 reports of tram/tram2_annotated_reports.jsonl.gz (their doc.signal)
# Quality: precision, recall and F1 over unique (kind, value) pairs against the hand-made
# gold in crates/extract/tests/gold/*.json, per document and micro-averaged, per kind, and
# again restricted to the kinds each peer can extract at all (dossier beside it, restricted
# the same way). Values the gold calls benign count as false positives; dossier's own
# `suppressed` look-alikes do not count as found. Every system's output is normalised
# the way the gold is (refanged, hosts/e-mails/hashes lowercased, URL scheme+host
# lowercased, CVE/ATT&CK ids uppercased). ioc-finder runs with its switches for not
# re-reporting URL hosts, e-mail domains and CIDR addresses, as the gold does not
# (--iocfinder-defaults to keep its defaults).
# Speed: MB/s per system and corpus; the peers in-process (import excluded), dossier as one
# process per file and as one process over all texts (`cat all | dossier iocs -`), with
# dossier's ratio to ioc-finder. A Python peer is stopped after --doc-timeout seconds on
# one text (iocextract's e-mail pattern backtracks for minutes on one TRAM report);
# what it found so far is kept and the stop is reported.
# Misclassified values go to <work>/misclassified.<system>.tsv, the report to
# <work>/report.txt. ioc-finder and iocextract go into a throwaway venv (default
# ${TMPDIR:-/tmp}/dossier-bench-venv, reused), never into the project. About 1 minute once
# the venv exists (most of it iocextract on TRAM).
#
#   bash bench/iocs_vs_peers.sh
#   SKIP_DOSSIER=1 bash bench/iocs_vs_peers.sh        # the peers only
#   bash bench/iocs_vs_peers.sh --doc-timeout 300     # let iocextract finish every text
# Options: --doc-timeout SECONDS (10), --repeat N (3, concatenated dossier runs, best kept),
# --iocfinder-defaults.
# Environment: DOSSIER_BIN (default target/release/dossier, built with cargo if missing),
# DOSSIER_SHARED_DATA (default ../shared/data from the repo root), SKIP_DOSSIER=1,
# BENCH_VENV, BENCH_WORK (default a new ${TMPDIR:-/tmp}/dossier-iocs-bench.XXXXXX).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

args=()
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --doc-timeout) args+=(--doc-timeout "${2:?--doc-timeout needs seconds}"); shift 2 ;;
    --doc-timeout=*) args+=(--doc-timeout "${1#*=}"); shift ;;
    --repeat) args+=(--repeat "${2:?--repeat needs a count}"); shift 2 ;;
    --repeat=*) args+=(--repeat "${1#*=}"); shift ;;
    --iocfinder-defaults) args+=(--iocfinder-defaults); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

data=${DOSSIER_SHARED_DATA:-../shared/data}
data=$(cd "$repo" && cd "$data" 2>/dev/null && pwd) || { echo "shared data not found: ${DOSSIER_SHARED_DATA:-../shared/data} (from $repo)" >&2; exit 1; }
[ -f "$data/tram/tram2_annotated_reports.jsonl.gz" ] || { echo "missing $data/tram/tram2_annotated_reports.jsonl.gz" >&2; exit 1; }

# Pinned to the newest releases on PyPI when this was written (`pip index versions`).
venv=${BENCH_VENV:-${TMPDIR:-/tmp}/dossier-bench-venv}
pins=('iocextract==1.16.1' 'ioc-finder==9.4.1')
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" - "${pins[@]}" 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
import iocextract, ioc_finder  # noqa: F401
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    assert version(name) == want, f"{name} {version(name)} != {want}"
PY
then
  echo "installing ${pins[*]} into $venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"
fi

work=${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/dossier-iocs-bench.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)
echo "work dir: $work" >&2

if [ "${SKIP_DOSSIER:-0}" = 1 ]; then
  echo "SKIP_DOSSIER=1: dossier side not run" >&2
else
  bin=${DOSSIER_BIN:-target/release/dossier}
  if [ ! -x "$bin" ]; then
    if [ -n "${DOSSIER_BIN:-}" ]; then echo "DOSSIER_BIN not executable: $bin" >&2; exit 1; fi
    echo "building dossier (cargo build --release -p dossier-cli)" >&2
    cargo build --quiet --release -p dossier-cli
  fi
  bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
  args+=(--dossier "$bin")
fi

"$venv/bin/python" "$repo/bench/iocs_eval.py" \
  --data "$data" --gold "$repo/crates/extract/tests/gold" --work "$work" ${args[@]+"${args[@]}"} \
  | tee "$work/report.txt"
echo "report: $work/report.txt" >&2
