"""Helper for bench/screen_vs_nomenklatura.sh: scores labelled name pairs with
nomenklatura's logic-v2 (the matcher behind OpenSanctions' yente), evaluates those
scores and dossier's beside each other, times logic-v2 against the OFAC SDN list and
runs a rapidfuzz retrieval baseline on OFAC aliases.

Subcommands (all take --data, the shared data folder, and/or --work, a scratch folder):
  prepare     pair files -> <work>/<set>.pairs.csv (name1,name2,schema) + <set>.labels.csv
  nomenklatura  <work>/<set>.pairs.csv -> <work>/<set>.nomenklatura.csv (+score,match)
  report      labels + each system's scores -> tables, threshold sweep, misclassified.csv
  throughput  logic-v2: one query entity against every OFAC SDN entity
  retrieval   OFAC aliases as queries, primary names as index, recall@1/@5

Runs inside the throwaway venv that the shell script makes; standard library otherwise.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import statistics
import sys
import time
from pathlib import Path

SETS = [
    # (key, label, file under watchman/name-pairs, kind)
    ("lot1", "lot 1", "cascade-name-pairs.csv", "cascade"),
    ("lot2", "lot 2", "cascade-name-pairs-2.csv", "cascade"),
    ("cross", "cross-script", "cross_script_pairs.csv", "cross"),
]
SYSTEMS = ("dossier", "nomenklatura")
SWEEP = [round(0.50 + 0.05 * i, 2) for i in range(10)]  # 0.50 .. 0.95
EPS = 1e-9  # score >= t, tolerant of 0.7999999999 for t = 0.8
TARGET_PRECISION = 0.90


# ---------------------------------------------------------------- small helpers


def write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def read_dicts(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def parse_bool(value: str, where: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "1", "yes"):
        return True
    if v in ("false", "0", "no"):
        return False
    raise SystemExit(f"{where}: not a boolean: {value!r}")


def fmt(x: float | None, nd: int = 3) -> str:
    return "-" if x is None else f"{x:.{nd}f}"


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(  # noqa: E731
        str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths))
    )
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


# ---------------------------------------------------------------- prepare


def cmd_prepare(args) -> None:
    pairs_dir = Path(args.data) / "watchman" / "name-pairs"
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    for key, label, fname, kind in SETS:
        src = pairs_dir / fname
        if not src.is_file():
            raise SystemExit(f"missing pair file: {src}")
        pairs, labels = [], []
        if kind == "cascade":
            for i, row in enumerate(read_dicts(src), start=2):
                pairs.append((row["name1"].strip(), row["name2"].strip(), row["schema"].strip()))
                labels.append((parse_bool(row["is_match"], f"{src}:{i}"), row.get("category", "")))
        else:
            # '#' lines are comments; data lines: Query,Expected Match,Min Score,Description
            with open(src, encoding="utf-8", newline="") as fh:
                lines = [l for l in fh if l.strip() and not l.lstrip().startswith("#")]
            for row in csv.reader(lines):
                if len(row) < 2:
                    continue
                pairs.append((row[0].strip(), row[1].strip(), "Person"))
                labels.append((True, row[3].strip() if len(row) > 3 else ""))
        write_csv(work / f"{key}.pairs.csv", ["name1", "name2", "schema"], pairs)
        write_csv(
            work / f"{key}.labels.csv",
            ["is_match", "category"],
            [("true" if m else "false", c) for m, c in labels],
        )
        pos = sum(m for m, _ in labels)
        print(f"prepared {label:<12} {len(pairs):4d} pairs ({pos} positive) from {src}", file=sys.stderr)


# ---------------------------------------------------------------- nomenklatura scoring


def load_logic_v2():
    from followthemoney import model
    from nomenklatura.matching import ScoringConfig, get_algorithm

    algo = get_algorithm("logic-v2")
    if algo is None:
        raise SystemExit("nomenklatura has no 'logic-v2' algorithm")
    return model, algo, ScoringConfig


def make_entity(model, schema: str, ent_id: str, names: list[str], alias: list[str] = ()):
    ent = model.make_entity(schema)
    ent.id = ent_id
    for n in names:
        ent.add("name", n)
    for a in alias:
        ent.add("alias", a)
    return ent


def cmd_nomenklatura(args) -> None:
    model, algo, ScoringConfig = load_logic_v2()
    work = Path(args.work)
    for key, label, _, _ in SETS:
        rows = read_dicts(work / f"{key}.pairs.csv")
        out = []
        start = time.perf_counter()
        for i, r in enumerate(rows):
            # ids must be unique across the whole run: logic-v2 memoises each entity's parsed
            # names in an lru_cache keyed on the entity id (Entity.__hash__)
            query = make_entity(model, r["schema"], f"{key}-q{i}", [r["name1"]])
            result = make_entity(model, r["schema"], f"{key}-r{i}", [r["name2"]])
            score = algo.compare(query, result, ScoringConfig.defaults()).score
            out.append((r["name1"], r["name2"], r["schema"], f"{score:.6f}", str(score >= args.threshold - EPS).lower()))
        took = time.perf_counter() - start
        write_csv(work / f"{key}.nomenklatura.csv", ["name1", "name2", "schema", "score", "match"], out)
        print(f"nomenklatura logic-v2 scored {label:<12} {len(rows):4d} pairs in {took:.2f} s", file=sys.stderr)


# ---------------------------------------------------------------- report


def load_system(work: Path, key: str, system: str, pairs: list[dict[str, str]]):
    path = work / f"{key}.{system}.csv"
    if not path.is_file():
        return None
    rows = read_dicts(path)
    need = {"name1", "name2", "score", "match"}
    if rows and not need <= set(rows[0]):
        raise SystemExit(f"{path}: expected columns name1,name2,schema,score,match; got {list(rows[0])}")
    if len(rows) != len(pairs):
        raise SystemExit(f"{path}: {len(rows)} rows for {len(pairs)} input pairs")
    scores, matches = [], []
    for i, (r, p) in enumerate(zip(rows, pairs), start=2):
        if (r["name1"], r["name2"]) != (p["name1"], p["name2"]):
            raise SystemExit(f"{path}:{i}: row is ({r['name1']!r}, {r['name2']!r}), input was ({p['name1']!r}, {p['name2']!r})")
        try:
            scores.append(float(r["score"]))
        except ValueError:
            raise SystemExit(f"{path}:{i}: score is not a number: {r['score']!r}")
        matches.append(parse_bool(r["match"], f"{path}:{i}"))
    return scores, matches


def confusion(labels: list[bool], preds: list[bool]):
    tp = sum(l and p for l, p in zip(labels, preds))
    fp = sum((not l) and p for l, p in zip(labels, preds))
    fn = sum(l and not p for l, p in zip(labels, preds))
    tn = len(labels) - tp - fp - fn
    prec = tp / (tp + fp) if tp + fp else None
    rec = tp / (tp + fn) if tp + fn else None
    f1 = 2 * prec * rec / (prec + rec) if prec and rec else (0.0 if prec is not None and rec is not None else None)
    return tp, fp, fn, tn, prec, rec, f1


def cmd_report(args) -> None:
    work = Path(args.work)
    t = args.threshold
    mis_path = work / "misclassified.csv"
    mis_rows = []
    summary = []
    for key, label, _, _ in SETS:
        pairs = read_dicts(work / f"{key}.pairs.csv")
        lab_rows = read_dicts(work / f"{key}.labels.csv")
        labels = [r["is_match"] == "true" for r in lab_rows]
        cats = [r["category"] for r in lab_rows]
        systems = {s: load_system(work, key, s, pairs) for s in SYSTEMS}
        systems = {s: v for s, v in systems.items() if v is not None}
        print(f"\n=== {label}: {len(pairs)} pairs, {sum(labels)} positive ===")
        table = []
        decisions = {}
        for system, (scores, matches) in systems.items():
            variants = []
            if system == "dossier":
                # dossier's own match column, then the same cut-off as nomenklatura
                variants.append(("own", matches))
            variants.append((f"{t:.2f}", [s >= t - EPS for s in scores]))
            for tname, preds in variants:
                tp, fp, fn, tn, p, r, f1 = confusion(labels, preds)
                table.append([label, system, tname, len(labels), sum(labels), tp, fp, fn, tn, fmt(p), fmt(r), fmt(f1)])
                summary.append((label, system, tname, p, r, f1))
            decisions[system] = (variants[0][0], variants[0][1], scores)
        print_table(["set", "system", "threshold", "n", "positives", "TP", "FP", "FN", "TN", "precision", "recall", "F1"], table)

        # threshold sweep from the scores
        print(f"\nthreshold sweep ({label}): precision / recall / F1 at score >= t")
        header = ["set", "t"]
        for system in systems:
            header += [f"{system} P", f"{system} R", f"{system} F1"]
        sweep_rows, best = [], {}
        for th in SWEEP:
            row = [label, f"{th:.2f}"]
            for system, (scores, _) in systems.items():
                _, _, _, _, p, r, f1 = confusion(labels, [s >= th - EPS for s in scores])
                row += [fmt(p), fmt(r), fmt(f1)]
                if p is not None and p >= TARGET_PRECISION and r is not None:
                    if system not in best or r > best[system][1]:
                        best[system] = (th, r, p)
            sweep_rows.append(row)
        print_table(header, sweep_rows)
        for system in systems:
            if system in best:
                th, r, p = best[system]
                print(f"  {system}: best recall at precision >= {TARGET_PRECISION:.2f}: R {r:.3f} (P {p:.3f}) at t = {th:.2f}")
            else:
                print(f"  {system}: no swept threshold reaches precision >= {TARGET_PRECISION:.2f}")

        for system, (tname, preds, scores) in decisions.items():
            for i, (l, pr) in enumerate(zip(labels, preds)):
                if l != pr:
                    mis_rows.append((label, system, tname, "FN" if l else "FP", f"{scores[i]:.4f}",
                                     pairs[i]["schema"], pairs[i]["name1"], pairs[i]["name2"], cats[i]))
    mis_rows.sort(key=lambda r: (r[0], r[1], r[3], float(r[4])))
    write_csv(mis_path, ["set", "system", "threshold", "error", "score", "schema", "name1", "name2", "category"], mis_rows)

    print("\n=== summary (precision / recall / F1) ===")
    print_table(["set", "system", "threshold", "precision", "recall", "F1"],
                [[s, sy, th, fmt(p), fmt(r), fmt(f)] for s, sy, th, p, r, f in summary])
    print(f"\nmisclassified pairs ({len(mis_rows)} rows; dossier at its own match decision, "
          f"nomenklatura at {t:.2f}): {mis_path}")


# ---------------------------------------------------------------- OFAC loading


DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def ofac_rows(path: Path, min_fields: int) -> list[list[str]]:
    """Headerless OFAC CSV; skips the trailing 0x1A line and anything without a numeric ent_num."""
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        return [
            [f.strip() for f in row]
            for row in csv.reader(fh)
            if len(row) >= min_fields and row[0].strip().isdigit()
        ]


def pick_sdn(data: Path, date: str | None) -> tuple[Path, dt.date]:
    root = data / "ofac-sdn-gitscrape"
    dirs = sorted(d for d in root.iterdir() if DATE_DIR.match(d.name) and (d / "sdn.csv").is_file())
    if not dirs:
        raise SystemExit(f"no dated sdn.csv under {root}")
    if date is None:
        chosen = dirs[-1]
    else:
        want = dt.date.fromisoformat(date)
        chosen = min(dirs, key=lambda d: (abs((dt.date.fromisoformat(d.name) - want).days), d.name))
    return chosen / "sdn.csv", dt.date.fromisoformat(chosen.name)


def pick_alt(data: Path, sdn: Path, when: dt.date) -> Path | None:
    """alt.csv beside sdn.csv, else the shared alt.csv whose folder date (YYYY-MM[-DD]) is nearest."""
    beside = sdn.parent / "alt.csv"
    if beside.is_file():
        return beside
    best = None
    for path in sorted(data.rglob("alt.csv")):
        m = re.search(r"(\d{4})-(\d{2})(?:-(\d{2}))?", path.parent.name)
        if not m:
            continue
        d = dt.date(int(m[1]), int(m[2]), int(m[3] or 15))
        gap = abs((d - when).days)
        if best is None or gap < best[0]:
            best = (gap, path)
    return best[1] if best else None


SDN_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}


# ---------------------------------------------------------------- throughput


THROUGHPUT_QUERIES = [
    ("Person", "Vladimir Vladimirovich Putin"),
    ("Company", "Sovcomflot JSC"),
    ("Vessel", "Anatoly Kolodkin"),
]
WARMUP_QUERIES = [("Person", "Ivan Petrov"), ("Company", "Acme Trading LLC"), ("Vessel", "Sea Star")]


def cmd_throughput(args) -> None:
    data = Path(args.data)
    model, algo, ScoringConfig = load_logic_v2()
    sdn, when = pick_sdn(data, None)
    started = time.perf_counter()
    ents = {}
    for r in ofac_rows(sdn, 3):
        schema = SDN_SCHEMA.get(r[2].lower(), "Organization")  # '-0-' = entity
        ents[r[0]] = make_entity(model, schema, f"ofac-{r[0]}", [r[1]])
    alt = pick_alt(data, sdn, when) if not args.no_aliases else None
    n_alias = 0
    if alt is not None:
        for r in ofac_rows(alt, 4):
            if r[0] in ents and r[3]:
                ents[r[0]].add("alias", r[3])
                n_alias += 1
    entities = list(ents.values())
    print(f"\n=== throughput: nomenklatura logic-v2, one query vs every OFAC SDN entity (Python, 1 core) ===")
    print(f"list: {sdn} ({len(entities)} entities, built in {time.perf_counter() - started:.2f} s)")
    print(f"aliases: {n_alias} from {alt}" if alt else "aliases: none")
    budget = args.budget
    deadline = time.perf_counter() + budget
    results = []
    # warm-up, untimed: loads rigour's tagger/transliteration data once, so that the first
    # timed query does not pay for it
    warm_cfg = ScoringConfig.defaults()
    for k, (schema, name) in enumerate(WARMUP_QUERIES):
        query = make_entity(model, schema, f"warmup-{k}", [name])
        for ent in entities[:: max(1, len(entities) // 300)]:
            algo.compare(query, ent, warm_cfg)
    for k, (schema, name) in enumerate(THROUGHPUT_QUERIES):
        # a distinct id per query: logic-v2 memoises parsed names per entity id
        query = make_entity(model, schema, f"query-{k}", [name])
        matchable = sum(1 for e in entities if query.schema.can_match(e.schema))
        runs = []
        best = (0.0, "")
        for rep in range(args.repeats):
            if rep > 0 and time.perf_counter() > deadline:
                break
            config = ScoringConfig.defaults()
            t0 = time.perf_counter()
            for ent in entities:
                score = algo.compare(query, ent, config).score
                if rep == 0 and score > best[0]:
                    best = (score, ent.caption)
            runs.append(time.perf_counter() - t0)
        results.append((schema, name, matchable, runs, best))
        if time.perf_counter() > deadline:
            break
    rows = []
    for schema, name, matchable, runs, best in results:
        rows.append([f"{schema}: {name}", f"{matchable}/{len(entities)}",
                     " ".join(f"{r:.2f}" for r in runs), f"{statistics.median(runs):.2f}",
                     f"{best[0]:.2f} {best[1]}"])
    print_table(["query", "matchable/all", "passes s", "median s", "top hit"], rows)
    med = statistics.median(statistics.median(r[3]) for r in results)
    print(f"nomenklatura logic-v2 (NOT dossier; dossier's throughput is its criterion bench): "
          f"median {med:.2f} s/query over {len(entities)} entities = {1 / med:.2f} queries/s "
          f"({len(entities) / med:,.0f} comparisons/s)")
    if len(results) < len(THROUGHPUT_QUERIES):
        print(f"(stopped after {len(results)} queries: {budget:.0f} s budget)")


# ---------------------------------------------------------------- retrieval


TOKEN = re.compile(r"[a-z0-9]+")
ALIAS_TYPES = {"aka", "fka", "nka"}


def tokens(s: str) -> set[str]:
    return {t for t in TOKEN.findall(s.lower()) if len(t) >= 3}


def cmd_retrieval(args) -> None:
    from rapidfuzz import fuzz, process, utils

    data, work = Path(args.data), Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    sdn, when = pick_sdn(data, args.date)
    primary = {}  # ent_num -> primary name, file order
    for r in ofac_rows(sdn, 3):
        primary.setdefault(r[0], r[1])
    alt = pick_alt(data, sdn, when)
    if alt is None:
        raise SystemExit(f"no alt.csv beside {sdn} nor any dated alt.csv under {data}")
    alt_rows = ofac_rows(alt, 4)
    queries = []  # (alias, ent_num)
    known = 0
    for r in alt_rows:
        ent, alt_type, name = r[0], r[2], r[3]
        remarks = r[4] if len(r) > 4 else ""
        if ent not in primary:
            continue
        known += 1
        if re.sub(r"[.\s]", "", alt_type.lower()) not in ALIAS_TYPES or "weak" in remarks.lower() or not name:
            continue
        prim = primary[ent]
        if tokens(name) & tokens(prim) or fuzz.ratio(name, prim) >= 60:
            queries.append((name, ent))

    qpath = work / "ofac-alias-queries.csv"
    write_csv(qpath, ["query", "ent_num"], queries)
    ipath = work / "ofac-primary-names.csv"
    write_csv(ipath, ["ent_num", "name"], primary.items())

    proc = {"default": utils.default_process, "lower": str.lower, "none": None}[args.processor]
    ids = list(primary)
    # process the choices once (same result as processor=proc inside extract, far cheaper)
    choices = [proc(n) if proc else n for n in primary.values()]
    hit1 = hit5 = strict1 = strict5 = 0
    out = []
    t0 = time.perf_counter()
    for q, ent in queries:
        res = process.extract(proc(q) if proc else q, choices, scorer=fuzz.token_set_ratio, processor=None, limit=6)
        ranked = [ids[i] for _, _, i in res]
        scores = [s for _, s, _ in res]
        rank = ranked.index(ent) + 1 if ent in ranked[:5] else 0
        hit1 += rank == 1
        hit5 += rank > 0
        # strict: no other name ties the own entity's score at the cut-off (tie order then irrelevant)
        strict1 += rank == 1 and (len(scores) < 2 or scores[1] < scores[0])
        strict5 += rank > 0 and (len(scores) < 6 or scores[5] < scores[rank - 1])
        out.append((q, ent, rank or "", ranked[0], f"{scores[0]:.2f}"))
    took = time.perf_counter() - t0
    rpath = work / "ofac-alias-retrieval.csv"
    write_csv(rpath, ["query", "ent_num", "rank", "top1_ent_num", "top1_score"], out)
    n = len(queries)
    print(f"\n=== retrieval baseline: rapidfuzz token_set_ratio, OFAC aliases -> primary names ===")
    print(f"index: {len(primary)} primary names from {sdn}")
    print(f"aliases: {alt} ({len(alt_rows)} rows, {known} with an ent_num in the index); "
          f"queries kept: {n}")
    print(f"processor: {args.processor}; top-5 by score, ties in list order; {took:.1f} s ({n / took:.0f} queries/s)")
    print_table(
        ["metric", "value"],
        [["recall@1", f"{hit1 / n:.4f}"], ["recall@5", f"{hit5 / n:.4f}"],
         ["recall@1 strict (no tie at top)", f"{strict1 / n:.4f}"],
         ["recall@5 strict (no tie at cut-off)", f"{strict5 / n:.4f}"], ["queries", str(n)]],
    )
    print(f"query set (query,ent_num): {qpath}")
    print(f"index (ent_num,name): {ipath}")
    print(f"per-query ranks: {rpath}")


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--data", required=True)
    p.add_argument("--work", required=True)
    p = sub.add_parser("nomenklatura")
    p.add_argument("--work", required=True)
    p.add_argument("--threshold", type=float, default=0.8)
    p = sub.add_parser("report")
    p.add_argument("--work", required=True)
    p.add_argument("--threshold", type=float, default=0.8)
    p = sub.add_parser("throughput")
    p.add_argument("--data", required=True)
    p.add_argument("--budget", type=float, default=120.0, help="seconds for the timed passes")
    p.add_argument("--repeats", type=int, default=3, help="timed passes per query")
    p.add_argument("--no-aliases", action="store_true")
    p = sub.add_parser("retrieval")
    p.add_argument("--data", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--date", default="2024-05-03")
    p.add_argument("--processor", choices=["default", "lower", "none"], default="default")
    args = ap.parse_args()
    {
        "prepare": cmd_prepare,
        "nomenklatura": cmd_nomenklatura,
        "report": cmd_report,
        "throughput": cmd_throughput,
        "retrieval": cmd_retrieval,
    }[args.cmd](args)


if __name__ == "__main__":
    main()
