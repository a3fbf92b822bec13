"""Helper for bench/iocs_vs_peers.sh: dossier's indicator extractor (`dossier iocs`) beside
the Python packages ioc-finder and iocextract on the same texts.

  1. Texts: the three CISA advisories (advisories-text/*.tram-signal.txt) and the 151 TRAM
     reports (doc.signal of tram/tram2_annotated_reports.jsonl.gz), each written to
     <work>/texts/, plus one concatenation per corpus (texts joined by a newline).
  2. Every system extracts from every text: dossier as one `dossier iocs FILE` process per
     text (plus `cat concat | dossier iocs -`, timed only), the peers in this process.
  3. Quality against the hand-made gold in crates/extract/tests/gold/*.json, over unique
     (kind, value) pairs: TP = extracted & gold, FP = extracted - gold (values the gold
     calls benign are FPs too), FN = gold - extracted. Per document, micro-averaged over
     all gold documents, per kind, and once more restricted to the kinds each peer can
     extract at all (dossier restricted the same way beside it).
  4. Speed in MB/s (10^6 bytes of UTF-8 text) per system and corpus.

Runs inside the throwaway venv made by the shell script; needs iocextract and ioc-finder
there, standard library otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from importlib.metadata import version
from pathlib import Path

KINDS = [
    "url", "domain", "ipv4", "ipv6", "cidr", "email", "md5", "sha1", "sha256", "sha512",
    "cve", "attack-technique", "attack-tactic", "attack-group", "attack-software",
    "btc", "eth", "xmr", "file", "path", "registry",
]
TRAM_FILE = "tram/tram2_annotated_reports.jsonl.gz"

# What each system can extract at all (for the restricted totals).
SUPPORTED = {
    "dossier": set(KINDS),
    # No ethereum, no ATT&CK group/software ids, no bare file names (its file_paths
    # grammar needs a directory part, so they are scored as `path`).
    "ioc-finder": {
        "url", "domain", "ipv4", "ipv6", "cidr", "email", "md5", "sha1", "sha256", "sha512",
        "cve", "attack-technique", "attack-tactic", "btc", "xmr", "path", "registry",
    },
    # URLs, IPs, e-mail addresses and hashes only. A defanged bare host (`evil[.]com`) that
    # its URL patterns pick up is scored as a domain or ipv4, but domains are not counted
    # as supported: it has no domain extractor.
    "iocextract": {"url", "ipv4", "ipv6", "email", "md5", "sha1", "sha256", "sha512"},
}
PEERS = ("ioc-finder", "iocextract")

# ioc-finder types that map onto the gold's kinds (its default set is only the first nine).
IOCFINDER_TYPES = [
    "cves", "domains", "email_addresses", "ipv4s", "ipv6s", "md5s", "sha1s", "sha256s", "urls",
    "sha512s", "ipv4_cidrs", "ipv6_cidrs", "attack_techniques", "attack_tactics",
    "bitcoin_addresses", "monero_addresses", "file_paths", "registry_key_paths",
]
IOCFINDER_KIND = {
    "urls": "url", "domains": "domain", "email_addresses": "email", "ipv4s": "ipv4",
    "ipv6s": "ipv6", "ipv4_cidrs": "cidr", "ipv6_cidrs": "cidr", "md5s": "md5",
    "sha1s": "sha1", "sha256s": "sha256", "sha512s": "sha512", "cves": "cve",
    "attack_techniques": "attack-technique", "attack_tactics": "attack-tactic",
    "bitcoin_addresses": "btc", "monero_addresses": "xmr", "file_paths": "path",
    "registry_key_paths": "registry",
}
# The gold lists a URL's host, an e-mail address's domain and a CIDR's address only when
# they are also written on their own (gold README, "No double counting"); ioc-finder has
# switches for exactly that. --iocfinder-defaults keeps the library's defaults instead.
IOCFINDER_NO_DOUBLE_COUNTING = dict(
    parse_domain_from_url=False,
    parse_from_url_path=False,
    parse_domain_from_email_address=False,
    parse_address_from_cidr=False,
)

HASH_BY_LEN = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
# iocextract's own anchor for a URL scheme (its GENERIC_URL_RE), used to tell its
# scheme-ful matches from the bracket/backslash-defang matches that have no scheme.
IOCEXTRACT_SCHEME = re.compile(r"^[fhstu]\S\S?[px]s?(?::\/\/|:\\\\|\[:\]\/\/|:?__)", re.I)
IPV4 = re.compile(r"^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$")


# ---------------------------------------------------------------- small helpers


def mb(n: int) -> float:
    return n / 1e6


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def fmt(x: float | None, nd: int = 3) -> str:
    return "-" if x is None else f"{x:.{nd}f}"


def print_table(header: list[str], rows: list[list], left: int = 1) -> None:
    rows = [[str(c) for c in r] for r in rows]
    widths = [max(len(c) for c in col) for col in zip(header, *rows)]

    def line(cells):
        return "  ".join(
            c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))
    print()


def heading(title: str) -> None:
    print()
    print(title)
    print("=" * len(title))


def note(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- normalisation


def canon(kind: str, value: str) -> str:
    """The gold's normalisation, applied to the gold and to every system alike:
    hosts, e-mail addresses, hashes and addresses lowercased, URL scheme and host
    lowercased (a URL without a scheme keeps none), CVE and ATT&CK ids uppercased,
    trailing sentence punctuation off URLs; names, paths and keys as written."""
    v = value.strip()
    if kind == "url":
        v = v.rstrip(".,;:!?'\"")
        while v.endswith(")") and v.count("(") < v.count(")"):
            v = v[:-1].rstrip(".,;:!?")
        scheme, sep, rest = v.partition("://")
        if not sep:
            scheme, rest = "", v
        cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
        host = rest[:cut].lower()
        return (scheme.lower() + "://" if sep else "") + host + rest[cut:]
    if kind == "domain":
        return v.lower().rstrip(".")
    if kind in ("email", "md5", "sha1", "sha256", "sha512", "ipv6", "cidr", "eth"):
        return v.lower()
    if kind == "cve" or kind.startswith("attack-"):
        return v.upper()
    return v


# ---------------------------------------------------------------- texts


class Text:
    def __init__(self, tid: str, corpus: str, document: str, path: Path, text: str):
        self.id = tid
        self.corpus = corpus
        self.document = document  # as the gold names it
        self.path = path
        self.text = text
        self.bytes = len(text.encode("utf-8"))


def prepare_texts(data: Path, work: Path) -> dict[str, list[Text]]:
    out: dict[str, list[Text]] = {"advisories": [], "tram": []}
    adv_dir = work / "texts" / "advisories"
    tram_dir = work / "texts" / "tram"
    adv_dir.mkdir(parents=True, exist_ok=True)
    tram_dir.mkdir(parents=True, exist_ok=True)

    advisories = sorted((data / "advisories-text").glob("*.tram-signal.txt"))
    if not advisories:
        raise SystemExit(f"no advisories-text/*.tram-signal.txt under {data}")
    for src in advisories:
        dst = adv_dir / src.name
        shutil.copyfile(src, dst)
        text = dst.read_bytes().decode("utf-8", errors="replace")
        out["advisories"].append(
            Text(f"adv:{src.name}", "advisories", f"advisories-text/{src.name}", dst, text)
        )

    tram = data / TRAM_FILE
    with gzip.open(tram, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if not line.strip():
                continue
            rec = json.loads(line)
            text = rec["doc"]["signal"]
            dst = tram_dir / f"tram-{n:03d}.txt"
            dst.write_text(text, encoding="utf-8")
            out["tram"].append(Text(f"tram:{n:03d}", "tram", f"{TRAM_FILE}#{rec['file']}", dst, text))

    with open(work / "texts" / "manifest.tsv", "w", encoding="utf-8") as fh:
        fh.write("id\tbytes\tfile\tdocument\n")
        for texts in out.values():
            for t in texts:
                fh.write(f"{t.id}\t{t.bytes}\t{t.path}\t{t.document}\n")
    for corpus, texts in out.items():
        (work / f"concat.{corpus}.txt").write_text("\n".join(t.text for t in texts), encoding="utf-8")
    return out


# ---------------------------------------------------------------- gold


def squash(s: str) -> str:
    return " ".join(s.replace("\u00a0", " ").split())


def load_gold(gold_dir: Path, texts: dict[str, list[Text]]):
    """Gold documents that parse and name a known text: {text id: (gold set, benign set,
    file name)}; problems are reported and the file skipped (the gold may still be
    being written)."""
    problems: list[str] = []
    if not gold_dir.is_dir():
        return {}, [f"no gold directory {gold_dir}: quality not scored"]
    by_doc = {t.document: t for ts in texts.values() for t in ts}
    by_squashed = {squash(t.document): t for ts in texts.values() for t in ts}
    gold: dict[str, tuple[set, set, str]] = {}
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        problems.append(f"no *.json in {gold_dir}: quality not scored")
    for f in files:
        try:
            g = json.loads(f.read_text(encoding="utf-8"))
            doc = g["document"]
            inds = g.get("indicators", [])
            benign = g.get("benign", [])
            if not isinstance(doc, str) or not isinstance(inds, list) or not isinstance(benign, list):
                raise ValueError("document/indicators/benign of the wrong type")
        except (ValueError, KeyError, TypeError) as e:
            problems.append(f"{f.name}: skipped, not (yet) a complete gold file ({e})")
            continue
        t = by_doc.get(doc) or by_squashed.get(squash(doc))
        if t is None and doc.startswith("advisories-text/"):
            stem = Path(doc).name.split(".")[0]
            hits = [x for x in texts["advisories"] if x.path.name.split(".")[0] == stem]
            t = hits[0] if len(hits) == 1 else None
        if t is None:
            problems.append(f"{f.name}: skipped, document {doc!r} not among the texts")
            continue
        if t.id in gold:
            problems.append(f"{f.name}: skipped, {doc!r} already annotated by {gold[t.id][2]}")
            continue
        g_set: set[tuple[str, str]] = set()
        b_set: set[tuple[str, str]] = set()
        renormalised = 0
        for target, entries in ((g_set, inds), (b_set, benign)):
            for e in entries:
                if not isinstance(e, dict) or "kind" not in e or "value" not in e:
                    problems.append(f"{f.name}: entry without kind/value ignored: {e!r}")
                    continue
                k, v = e["kind"], str(e["value"])
                if k not in KINDS:
                    problems.append(f"{f.name}: unknown kind {k!r} ({v!r}) ignored")
                    continue
                c = canon(k, v)
                renormalised += c != v
                target.add((k, c))
        both = g_set & b_set
        if both:
            problems.append(f"{f.name}: {len(both)} value(s) both indicator and benign; counted as indicators")
            b_set -= both
        if renormalised:
            problems.append(f"{f.name}: {renormalised} gold value(s) not in normal form; compared normalised")
        gold[t.id] = (g_set, b_set, f.name)
    return gold, problems


# ---------------------------------------------------------------- per-document time limit


class TimeLimit(Exception):
    pass


def _alarm(signum, frame):
    raise TimeLimit()


def run_limited(fn, text: str, limit: float):
    """fn(text, sink) appends (kind, value) pairs to sink; stopped after `limit` seconds
    (SIGALRM, which interrupts Python code and the `regex` module's matching). Returns
    (pairs found so far, seconds, stopped?)."""
    sink: list[tuple[str, str]] = []
    signal.signal(signal.SIGALRM, _alarm)
    start = time.perf_counter()
    stopped = False
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        fn(text, sink)
    except TimeLimit:
        stopped = True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return sink, time.perf_counter() - start, stopped


# ---------------------------------------------------------------- the peers


def iocfinder_fn(defaults: bool, types: list[str] | None):
    from ioc_finder import find_iocs

    opts = {} if defaults else dict(IOCFINDER_NO_DOUBLE_COUNTING)
    if types is not None:
        opts["included_ioc_types"] = types

    def run(text: str, sink: list) -> None:
        found = find_iocs(text, **opts)
        for key, values in found.items():
            kind = IOCFINDER_KIND.get(key)
            if kind is None:
                continue
            if isinstance(values, dict):  # attack_*: {pre_attack, enterprise, mobile}
                values = [v for vs in values.values() for v in vs]
            for v in values:
                sink.append((kind, v))

    return run, opts


def iocextract_fn():
    import iocextract

    def run(text: str, sink: list) -> None:
        # Hashes split by length (extract_hashes chains its md5/sha1/sha256/sha512 finders).
        for h in iocextract.extract_hashes(text):
            kind = HASH_BY_LEN.get(len(h))
            if kind:
                sink.append((kind, h))
        for ip in iocextract.extract_ipv4s(text, refang=True):
            sink.append(("ipv4", ip))
        for ip in iocextract.extract_ipv6s(text):
            sink.append(("ipv6", ip))
        # extract_urls(text, refang=True) is extract_unencoded_urls with refang_data()
        # on each match, then extract_encoded_urls; done in two steps here to see the
        # raw match. A match without a scheme came from its bracket/backslash-defang
        # patterns (`evil[.]com`, `evil[.]com/x`); refang_data gives it `http://`. The
        # gold keeps a scheme-less URL without a scheme, and a bare host is a domain/ipv4.
        for raw in iocextract.extract_unencoded_urls(text):
            url = iocextract.refang_data(raw)
            if IOCEXTRACT_SCHEME.match(raw):
                sink.append(("url", url))
                continue
            rest = url.split("://", 1)[1] if "://" in url else url
            host, slash, path = rest.partition("/")
            if not path and "?" not in host and "#" not in host:
                host = re.sub(r":\d+$", "", host)  # the gold drops a bare host's port
                sink.append(("ipv4" if IPV4.match(host) else "domain", host))
            else:
                sink.append(("url", rest))
        for url in iocextract.extract_encoded_urls(text, refang=True):
            sink.append(("url", url))
        for e in iocextract.extract_emails(text, refang=True):
            sink.append(("email", e))

    return run


# ---------------------------------------------------------------- dossier


def dossier_file(bin_: str, path: Path):
    start = time.perf_counter()
    p = subprocess.run([bin_, "iocs", str(path)], capture_output=True)
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        raise RuntimeError(f"dossier iocs {path} failed ({p.returncode}): {p.stderr.decode(errors='replace')[:500]}")
    pairs, suppressed = [], 0
    for line in p.stdout.decode("utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if rec.get("suppressed"):
            suppressed += 1
            continue
        pairs.append((rec["kind"], rec["value"]))
    return pairs, elapsed, suppressed


def dossier_concat(bin_: str, concat: Path, out: Path, repeat: int):
    cmd = f"cat {shlex.quote(str(concat))} | {shlex.quote(bin_)} iocs - > {shlex.quote(str(out))}"
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(["bash", "-o", "pipefail", "-c", cmd], check=True)
        times.append(time.perf_counter() - start)
    lines = sum(1 for _ in open(out, encoding="utf-8"))
    return min(times), times, lines


# ---------------------------------------------------------------- scoring


class Score:
    def __init__(self):
        self.tp = self.fp = self.fn = self.fp_benign = 0

    def add(self, extracted: set, gold: set, benign: set) -> None:
        self.tp += len(extracted & gold)
        fp = extracted - gold
        self.fp += len(fp)
        self.fp_benign += len(fp & benign)
        self.fn += len(gold - extracted)

    def p(self):
        return ratio(self.tp, self.tp + self.fp)

    def r(self):
        return ratio(self.tp, self.tp + self.fn)

    def f(self):
        return f1(self.p(), self.r())

    def cells(self):
        return [self.tp, self.fp, self.fp_benign, self.fn, fmt(self.p()), fmt(self.r()), fmt(self.f())]


SCORE_HEAD = ["TP", "FP", "of which benign", "FN", "P", "R", "F1"]


def only(pairs: set, kinds: set) -> set:
    return {p for p in pairs if p[0] in kinds}


def short_doc(document: str) -> str:
    name = document.split("#", 1)[1] if "#" in document else Path(document).name
    name = squash(name)
    return name if len(name) <= 48 else name[:45] + "..."


def report_quality(systems, extracted, gold, texts_by_id, work: Path) -> None:
    heading(f"Quality against the gold ({len(gold)} document(s); unique (kind, value) pairs)")
    doc_rows = []
    totals = {s: Score() for s in systems}
    per_kind = {s: defaultdict(Score) for s in systems}
    for tid, (g, b, gname) in sorted(gold.items(), key=lambda kv: kv[1][2]):
        for s in systems:
            e = extracted[s].get(tid, set())
            sc = Score()
            sc.add(e, g, b)
            totals[s].add(e, g, b)
            for k in KINDS:
                per_kind[s][k].add(only(e, {k}), only(g, {k}), only(b, {k}))
            doc_rows.append([gname if s == systems[0] else "", s, len(g), len(e)] + sc.cells())
    print("Per document (FP includes values the gold lists as benign):")
    print_table(["gold file", "system", "gold", "found"] + SCORE_HEAD, doc_rows, left=2)

    print("Micro-average over all gold documents, all gold kinds (a kind a system cannot")
    print("extract counts as missed):")
    print_table(["system"] + SCORE_HEAD, [[s] + totals[s].cells() for s in systems])

    print("Per kind, over all gold documents: P / R (TP FP FN)")
    kinds_seen = [
        k for k in KINDS
        if any(per_kind[s][k].tp + per_kind[s][k].fp + per_kind[s][k].fn for s in systems)
    ]
    rows = []
    for k in kinds_seen:
        n_gold = sum(len(only(g, {k})) for g, _, _ in gold.values())
        row = [k, n_gold]
        for s in systems:
            sc = per_kind[s][k]
            mark = "" if k in SUPPORTED[s] else "*"
            row.append(f"{fmt(sc.p(), 2)} / {fmt(sc.r(), 2)} ({sc.tp} {sc.fp} {sc.fn}){mark}")
        rows.append(row)
    print_table(["kind", "gold"] + systems, rows)
    print("  * not a kind the system extracts (counted against it only in the total over all kinds;")
    print("    iocextract's domains are the defanged bare hosts its URL patterns pick up)")
    print()

    for peer in PEERS:
        if peer not in systems:
            continue
        kinds = SUPPORTED[peer]
        print(f"Restricted to the kinds {peer} extracts ({', '.join(k for k in KINDS if k in kinds)}):")
        rows = []
        for s in systems:
            sc = Score()
            for tid, (g, b, _) in gold.items():
                sc.add(only(extracted[s].get(tid, set()), kinds), only(g, kinds), only(b, kinds))
            rows.append([s] + sc.cells())
        print_table(["system"] + SCORE_HEAD, rows)

    print("Misclassified values (FP = found but not gold, FP-benign = found but the gold calls")
    print("it benign, FN = gold but not found):")
    for s in systems:
        path = work / f"misclassified.{s}.tsv"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("gold_file\tdocument\terror\tkind\tvalue\n")
            for tid, (g, b, gname) in sorted(gold.items(), key=lambda kv: kv[1][2]):
                e = extracted[s].get(tid, set())
                doc = texts_by_id[tid].document
                rows = [("FP-benign" if x in b else "FP", x) for x in e - g]
                rows += [("FN", x) for x in g - e]
                for err, (k, v) in sorted(rows, key=lambda r: (KINDS.index(r[1][0]), r[0], r[1][1])):
                    fh.write(f"{gname}\t{doc}\t{err}\t{k}\t{v}\n")
        print(f"  {s:<11} {path}")
    print()


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--dossier", help="dossier binary; leave out to skip dossier")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each concatenated dossier timing (best kept)")
    ap.add_argument("--doc-timeout", type=float, default=10.0,
                    help="seconds a Python peer may spend on one text before it is stopped")
    ap.add_argument("--iocfinder-defaults", action="store_true",
                    help="run ioc-finder with its own defaults for URL hosts, e-mail domains, CIDR addresses")
    a = ap.parse_args()
    work = a.work
    work.mkdir(parents=True, exist_ok=True)

    texts = prepare_texts(a.data, work)
    texts_by_id = {t.id: t for ts in texts.values() for t in ts}
    corpus_bytes = {c: sum(t.bytes for t in ts) for c, ts in texts.items()}
    gold, problems = load_gold(a.gold, texts)

    systems = (["dossier"] if a.dossier else []) + list(PEERS)
    extracted: dict[str, dict[str, set]] = {s: {} for s in systems}
    raw_out = {s: open(work / f"found.{s}.tsv", "w", encoding="utf-8") for s in systems}
    for fh in raw_out.values():
        fh.write("id\tkind\tvalue\n")
    speed: dict[tuple[str, str], dict] = {}

    def keep(system: str, t: Text, pairs) -> None:
        got = set()
        for k, v in pairs:
            if k not in KINDS:
                continue
            c = canon(k, v)
            if c:
                got.add((k, c))
        extracted[system][t.id] = got
        for k, v in sorted(got):
            raw_out[system].write(f"{t.id}\t{k}\t{v}\n")

    heading("Setup")
    print(f"texts:  advisories {len(texts['advisories'])} files, {corpus_bytes['advisories']:,} bytes;"
          f" TRAM {len(texts['tram'])} reports, {corpus_bytes['tram']:,} bytes")
    print(f"gold:   {a.gold} -> {len(gold)} document(s) usable")
    for p in problems:
        print(f"        ! {p}")
    print(f"peers:  ioc-finder {version('ioc-finder')} (ioc-fanger {version('ioc-fanger')},"
          f" pyparsing {version('pyparsing')}), iocextract {version('iocextract')}")
    finder_run, finder_opts = iocfinder_fn(a.iocfinder_defaults, IOCFINDER_TYPES)
    shown = {k: v for k, v in finder_opts.items() if k != "included_ioc_types"}
    print(f"        ioc-finder: find_iocs(text, included_ioc_types=<{len(IOCFINDER_TYPES)} types>"
          + "".join(f", {k}={v}" for k, v in shown.items()) + ")")
    print("        iocextract: extract_hashes, extract_ipv4s(refang=True), extract_ipv6s,"
          " extract_unencoded_urls + refang_data, extract_encoded_urls(refang=True),"
          " extract_emails(refang=True)")
    print(f"        each Python peer is stopped after {a.doc_timeout:g} s on one text (what it found so far is kept)")
    print(f"dossier: {a.dossier or 'skipped (SKIP_DOSSIER=1)'}")
    print(f"work:   {work}")
    sys.stdout.flush()

    # ---- dossier
    if a.dossier:
        for corpus, ts in texts.items():
            note(f"dossier: {corpus}, one process per file ...")
            total, suppressed = 0.0, 0
            for t in ts:
                pairs, el, sup = dossier_file(a.dossier, t.path)
                total += el
                suppressed += sup
                keep("dossier", t, pairs)
            speed[("dossier", corpus)] = dict(seconds=total, bytes=corpus_bytes[corpus], files=len(ts),
                                              suppressed=suppressed)
            concat = work / f"concat.{corpus}.txt"
            best, times, lines = dossier_concat(a.dossier, concat, work / f"concat.{corpus}.dossier.jsonl", a.repeat)
            speed[("dossier-concat", corpus)] = dict(seconds=best, bytes=concat.stat().st_size, files=1,
                                                     runs=times, lines=lines)

    # ---- peers
    peers = {"ioc-finder": finder_run, "iocextract": iocextract_fn()}
    finder_default_run, _ = iocfinder_fn(True, None)
    warm = "Visit hxxp://evil[.]com/a.php from 10.0.0.1, T1059.001, CVE-2021-44228, a@b.com, C:\\x\\y.exe"
    for fn in (*peers.values(), finder_default_run):
        fn(warm, [])
    for corpus, ts in texts.items():
        for s, fn in peers.items():
            note(f"{s}: {corpus} ...")
            total, stopped, stopped_bytes, stopped_secs, stopped_docs = 0.0, 0, 0, 0.0, []
            for t in ts:
                pairs, el, hit = run_limited(fn, t.text, a.doc_timeout)
                total += el
                if hit:
                    stopped += 1
                    stopped_bytes += t.bytes
                    stopped_secs += el
                    stopped_docs.append(short_doc(t.document))
                keep(s, t, pairs)
            speed[(s, corpus)] = dict(seconds=total, bytes=corpus_bytes[corpus], files=len(ts), stopped=stopped,
                                      stopped_bytes=stopped_bytes, stopped_secs=stopped_secs,
                                      stopped_docs=stopped_docs)
        # ioc-finder as shipped (its nine default types, default switches): speed only
        note(f"ioc-finder (default types): {corpus} ...")
        total = 0.0
        for t in ts:
            _, el, _ = run_limited(finder_default_run, t.text, a.doc_timeout)
            total += el
        speed[("ioc-finder-default", corpus)] = dict(seconds=total, bytes=corpus_bytes[corpus], files=len(ts))
    for fh in raw_out.values():
        fh.close()

    # ---- speed
    heading("Speed (MB/s, MB = 10^6 bytes of UTF-8 text; wall clock, one run unless said)")
    labels = [
        ("dossier", "dossier, one `dossier iocs FILE` process per file"),
        ("dossier-concat", f"dossier, `cat all | dossier iocs -` (best of {a.repeat})"),
        ("ioc-finder", "ioc-finder, in-process, the 18 scored types"),
        ("ioc-finder-default", "ioc-finder, in-process, its 9 default types"),
        ("iocextract", "iocextract, in-process"),
    ]
    hdr = ["system"] + [f"{c} ({mb(corpus_bytes[c]):.2f} MB, {len(texts[c])} files)" for c in texts]
    rows = []
    for key, label in labels:
        if (key, "advisories") not in speed:
            continue
        row = [label]
        for c in texts:
            sp = speed[(key, c)]
            cell = f"{mb(sp['bytes']) / sp['seconds']:.3f} MB/s in {sp['seconds']:.2f} s"
            if sp.get("stopped"):
                cell += f" [{sp['stopped']} stopped]"
            row.append(cell)
        rows.append(row)
    print_table(hdr, rows)
    for c in texts:
        sp = speed.get(("iocextract", c))
        if sp and sp["stopped"]:
            rest_b = sp["bytes"] - sp["stopped_bytes"]
            rest_s = sp["seconds"] - sp["stopped_secs"]
            print(f"iocextract on {c}: {sp['stopped']} text(s) stopped at the {a.doc_timeout:g} s limit"
                  f" ({'; '.join(sp['stopped_docs'])}), so its figure is an upper bound and its findings on"
                  f" those texts are partial.")
            if rest_s > 0:
                print(f"  without them: {mb(rest_b) / rest_s:.3f} MB/s over {mb(rest_b):.2f} MB in {rest_s:.2f} s.")
        sp = speed.get(("ioc-finder", c))
        if sp and sp["stopped"]:
            print(f"ioc-finder on {c}: {sp['stopped']} text(s) stopped at the limit ({'; '.join(sp['stopped_docs'])}).")
    if a.dossier:
        print()
        for c in texts:
            f = speed[("ioc-finder", c)]
            fr = mb(f["bytes"]) / f["seconds"]
            d1 = speed[("dossier", c)]
            d2 = speed[("dossier-concat", c)]
            r1 = mb(d1["bytes"]) / d1["seconds"] / fr
            r2 = mb(d2["bytes"]) / d2["seconds"] / fr
            fd = speed[("ioc-finder-default", c)]
            r3 = mb(d2["bytes"]) / d2["seconds"] / (mb(fd["bytes"]) / fd["seconds"])
            print(f"dossier / ioc-finder (scored types) on {c}: {r1:.1f}x one process per file,"
                  f" {r2:.1f}x concatenated ({r3:.1f}x ioc-finder's default types)")
            print(f"  (concatenated runs: {', '.join(f'{x:.3f}' for x in d2['runs'])} s; {d2['lines']} indicator lines;"
                  f" per-file runs found {d1['suppressed']} benign look-alikes, not counted as found)")
    print()

    # ---- quality
    if gold:
        report_quality(systems, extracted, gold, texts_by_id, work)
    else:
        heading("Quality")
        print("no usable gold documents, nothing scored")
    print(f"everything each system found: {work}/found.<system>.tsv (normalised; ids in {work}/texts/manifest.tsv)")


if __name__ == "__main__":
    main()
