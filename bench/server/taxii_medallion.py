#!/usr/bin/env python3
"""Paging a TAXII 2.1 collection with taxii2-client: medallion (the OASIS reference
server, memory backend) beside a dossier server.

For each size N (default 1000, 2000, 4000 and all), medallion is started on a loopback
port holding exactly the first N objects of a STIX JSON-lines file in one collection,
and every object is fetched with taxii2-client's `as_pages(collection.get_objects,
per_request=...)`; the seconds in total and per page are printed, then medallion is
stopped. A run that takes longer than --budget seconds is abandoned (medallion killed)
and reported as such, with an estimate from the largest finished size (medallion's memory
backend filters and sorts with nested loops over the whole collection on the first page,
so its time grows with N squared).

With --dossier-url and --token the same paging is timed against a dossier server's
collection (picked by --collection-title, a regular expression): for a size N the first N
objects of that collection are fetched (the whole collection for "all"), so the two
columns are the time to fetch the same number of objects, and the ratio is printed.

    python bench/server/taxii_medallion.py                                 # medallion only
    python bench/server/taxii_medallion.py --sizes 1000,2000 --budget 120
    python bench/server/taxii_medallion.py --dossier-url http://127.0.0.1:8080 --token T
    python bench/server/taxii_medallion.py --only dossier --dossier-url ... --token T
    python bench/server/taxii_medallion.py --serve 500 --port 5055        # keep one running

The objects are served as STIX 2.1 (spec_version "2.1" added where missing, malware
without is_family given is_family=true, as ATT&CK's own 2.1 release does) unless
--as-is; dossier serves 2.1 too, so both send comparable payloads. Needs medallion,
taxii2-client and requests (bench/server/run.sh installs them into a throwaway venv).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

try:
    import requests
    from taxii2client.v21 import Server, as_pages
except ImportError as exc:  # pragma: no cover - environment problem
    sys.exit(f"missing package ({exc}); install interop/requirements.txt and "
             f"bench/server/requirements.txt into a venv (bench/server/run.sh does)")

HERE = Path(__file__).resolve().parent
DEFAULT_STIX = (HERE / "../../../shared/data/mitre-attack/"
                "enterprise-attack-v18.1-stix2.0-objects.jsonl.gz").resolve()
TAXII = "application/taxii+json;version=2.1"
API_ROOT = "bench"
READ_COLLECTION = str(uuid.uuid5(uuid.NAMESPACE_URL, "dossier-bench/read"))
WRITE_COLLECTION = str(uuid.uuid5(uuid.NAMESPACE_URL, "dossier-bench/write"))
BENCH_USER, BENCH_PASSWORD = "bench", "bench-password"


# --- data ----------------------------------------------------------------------------

def load_objects(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """STIX objects from JSON lines (one object per line), a bundle or a JSON list,
    gzip or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        text = fh.read()
    try:
        doc = json.loads(text)
    except ValueError:  # more than one JSON document: JSON lines
        doc = None
    if isinstance(doc, dict) and doc.get("type") == "bundle":
        objects = doc.get("objects", [])
    elif isinstance(doc, list):
        objects = doc
    elif isinstance(doc, dict):
        objects = [doc]
    else:
        objects = [json.loads(line) for line in text.split("\n") if line.strip()]
    return objects[:limit] if limit is not None else objects


def to_stix21(obj: dict[str, Any]) -> dict[str, Any]:
    """The smallest change that makes a STIX 2.0 object a valid 2.1 one."""
    if "spec_version" in obj:
        return obj
    out = dict(obj)
    if "created" in obj or obj.get("type") == "marking-definition":
        out["spec_version"] = "2.1"
    if obj.get("type") == "malware" and "is_family" not in obj:
        out["is_family"] = True
    return out


def stix_time(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def write_medallion_config(objects: list[dict[str, Any]], workdir: Path, port: int,
                           per_request: int, title: str) -> Path:
    """A medallion configuration (users, taxii page size, memory backend) and its data
    file: discovery, one API root `bench` with a read-only collection holding the objects
    (each with its manifest entry) and an empty writable one."""
    base = f"http://127.0.0.1:{port}/"
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    manifest = []
    for i, obj in enumerate(objects):
        version = obj.get("modified") or obj.get("created") or stix_time(start)
        spec = obj.get("spec_version", "2.1" if "created" not in obj else "2.0")
        manifest.append({
            "id": obj["id"],
            "date_added": stix_time(start + dt.timedelta(milliseconds=i)),
            "version": version,
            "media_type": f"application/stix+json;version={spec}",
        })
    media_types = sorted({m["media_type"] for m in manifest}) or ["application/stix+json;version=2.1"]
    data = {
        "/discovery": {
            "title": "medallion (dossier bench)",
            "description": "OASIS TAXII 2.1 reference server, memory backend",
            "default": f"{base}{API_ROOT}/",
            "api_roots": [f"{base}{API_ROOT}/"],
        },
        API_ROOT: {
            "information": {
                "title": "bench",
                "description": "one collection of STIX objects",
                "versions": [TAXII],
                "max_content_length": 200 * 1024 * 1024,
            },
            "status": [],
            "collections": [
                {
                    "id": READ_COLLECTION,
                    "title": title,
                    "description": f"{len(objects)} STIX objects",
                    "can_read": True,
                    "can_write": False,
                    "media_types": media_types,
                    "objects": objects,
                    "manifest": manifest,
                },
                {
                    "id": WRITE_COLLECTION,
                    "title": "TLP:CLEAR (writable)",
                    "description": "empty collection accepting new objects",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": [],
                },
            ],
        },
    }
    data_path = workdir / "medallion-data.json"
    with open(data_path, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": str(data_path),
            # paging sessions ("next" cursors) expire after this many seconds
            "session_timeout": 3600,
            "check_interval": 30,
        },
        "users": {BENCH_USER: BENCH_PASSWORD},
        "taxii": {"max_page_size": per_request},
    }
    config_path = workdir / "medallion-config.json"
    with open(config_path, "w", encoding="utf-8") as fh:
        json.dump(config, fh, indent=1)
    return config_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_medallion(config: Path, port: int, log_path: Path, timeout: float = 120.0) -> subprocess.Popen:
    log = open(log_path, "ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "medallion.scripts.run", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "ERROR", str(config)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/taxii2/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"medallion exited with {proc.returncode}; see {log_path}")
        try:
            r = requests.get(url, auth=(BENCH_USER, BENCH_PASSWORD),
                             headers={"Accept": TAXII}, timeout=2)
            if r.status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.2)
    stop(proc)
    raise RuntimeError(f"medallion did not answer on {url} within {timeout:.0f} s; see {log_path}")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


# --- paging --------------------------------------------------------------------------

def find_collection(base_url: str, user: str, password: str, title_re: str):
    """The first collection (over every API root) whose title matches title_re
    (case-insensitive), preferring a title that spells ATT&CK."""
    server = Server(base_url.rstrip("/") + "/taxii2/", user=user, password=password)
    candidates = []
    for root in server.api_roots:
        for coll in root.collections:
            if re.search(title_re, coll.title or "", re.IGNORECASE):
                candidates.append(coll)
    if not candidates:
        titles = [c.title for r in server.api_roots for c in r.collections]
        raise RuntimeError(f"no collection title matches /{title_re}/i at {base_url}; titles: {titles}")
    candidates.sort(key=lambda c: ("att&ck" not in c.title.lower(), len(c.title)))
    return candidates[0]


def page_through(collection, per_request: int, max_objects: int | None = None) -> dict[str, Any]:
    """Fetch objects page by page with as_pages; per-page seconds are the time between
    two pages coming out of the generator (request, transfer and JSON decoding)."""
    page_seconds: list[float] = []
    count = 0
    ids: set[str] = set()
    pages = as_pages(collection.get_objects, per_request=per_request)
    started = time.perf_counter()
    t0 = started
    while True:
        try:
            envelope = next(pages)
        except StopIteration:
            break
        now = time.perf_counter()
        page_seconds.append(now - t0)
        objects = envelope.get("objects", [])
        if envelope.get("more") and not objects:
            raise RuntimeError("server said more=true on an empty page")
        count += len(objects)
        ids.update(o.get("id") for o in objects)
        if max_objects is not None and count >= max_objects:
            break
        if len(page_seconds) > 100_000:
            raise RuntimeError("more than 100000 pages; the server's next/more look wrong")
        t0 = time.perf_counter()
    total = time.perf_counter() - started
    return {
        "objects": count,
        "distinct_ids": len(ids),
        "pages": len(page_seconds),
        "seconds": total,
        "first_page": page_seconds[0] if page_seconds else 0.0,
        "per_page": total / len(page_seconds) if page_seconds else 0.0,
        "max_page": max(page_seconds) if page_seconds else 0.0,
    }


def run_with_budget(fn, budget: float, on_timeout) -> tuple[dict[str, Any] | None, str | None]:
    """Run fn() in a thread; past `budget` seconds call on_timeout() (which must make fn
    fail, e.g. by killing the server) and report the run as over budget."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn()
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            box["error"] = exc

    th = threading.Thread(target=target, daemon=True)
    th.start()
    th.join(budget)
    if th.is_alive():
        on_timeout()
        th.join(30)
        return None, f"over budget (> {budget:.0f} s)"
    if "error" in box:
        return None, f"{type(box['error']).__name__}: {box['error']}"
    return box["result"], None


# --- the two sides ------------------------------------------------------------------

def run_medallion(all_objects: list[dict[str, Any]], n: int, per_request: int, budget: float,
                  workdir: Path) -> tuple[dict[str, Any] | None, str | None]:
    objects = all_objects[:n]
    port = free_port()
    config = write_medallion_config(objects, workdir, port, per_request,
                                    f"MITRE ATT&CK Enterprise (first {len(objects)} objects)")
    proc = start_medallion(config, port, workdir / "medallion.log")
    try:
        coll = find_collection(f"http://127.0.0.1:{port}", BENCH_USER, BENCH_PASSWORD, r"att&ck")
        coll.can_read  # collection metadata loaded before timing
        result, err = run_with_budget(lambda: page_through(coll, per_request), budget,
                                      lambda: stop(proc))
        if result is not None and result["objects"] != len(objects):
            err = f"paged {result['objects']} objects, the collection holds {len(objects)}"
        return result, err
    finally:
        stop(proc)


def run_dossier(coll, n: int | None, per_request: int, budget: float) -> tuple[dict[str, Any] | None, str | None]:
    # A dossier run over budget cannot be cut short from here (the server is not ours to
    # kill in this mode): the thread is left to finish in the background.
    return run_with_budget(lambda: page_through(coll, per_request, max_objects=n), budget,
                           lambda: None)


def side(res: dict[str, Any] | None, err: str | None, count: int | None) -> str:
    if res is None:
        text = f"{count if count is not None else '':>7} {err or '-'}"
        return text[:36].ljust(36)
    return (f"{res['objects']:>7} {res['seconds']:>9.3f} {res['per_page']:>8.4f} "
            f"{res['pages']:>5}").ljust(36)


def ratio(m: dict[str, Any] | None, d: dict[str, Any] | None, estimate: float | None,
          m_count: int | None) -> str:
    if d is None or d["seconds"] <= 0 or d["objects"] == 0:
        return ""
    if m is not None:
        m_s, m_n, mark = m["seconds"], m["objects"], ""
    elif estimate is not None and m_count:
        m_s, m_n, mark = estimate, m_count, "~"
    else:
        return ""
    if m_n == d["objects"]:
        return f"{m_s / d['seconds']:>16.1f}x{mark}"
    return f"{(m_s / m_n) / (d['seconds'] / d['objects']):>16.1f}x{mark}*"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--stix", type=Path, default=DEFAULT_STIX,
                    help="STIX JSON lines (or bundle), .gz accepted (default: ATT&CK from ../shared/data)")
    ap.add_argument("--sizes", default="1000,2000,4000,all",
                    help="comma-separated object counts, 'all' for the whole file")
    ap.add_argument("--budget", type=float, default=600.0,
                    help="seconds one paging run may take before it is abandoned (default 600)")
    ap.add_argument("--per-request", type=int, default=1000,
                    help="as_pages per_request, also medallion's max_page_size (default 1000)")
    ap.add_argument("--as-is", action="store_true", help="serve the objects unchanged (no 2.1 upgrade)")
    ap.add_argument("--dossier-url", help="dossier server root, e.g. http://127.0.0.1:8080")
    ap.add_argument("--token", help="dossier token (sent as the HTTP Basic password)")
    ap.add_argument("--user", default="bench", help="HTTP Basic user name for dossier (any)")
    ap.add_argument("--collection-title", default=r"att&ck|attack",
                    help="regular expression picking the dossier collection (default: att&ck|attack)")
    ap.add_argument("--only", choices=("medallion", "dossier"), help="run one side only")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument("--serve", type=int, metavar="N",
                    help="just run medallion holding N objects (0: all) until interrupted")
    ap.add_argument("--port", type=int, default=0, help="port for --serve (default: a free one)")
    args = ap.parse_args()

    if args.serve is not None:
        return serve(args)

    do_medallion = args.only != "dossier"
    do_dossier = args.only != "medallion" and args.dossier_url is not None
    if args.only == "dossier" and not args.dossier_url:
        ap.error("--only dossier needs --dossier-url and --token")
    if args.dossier_url and not args.token:
        ap.error("--dossier-url needs --token")

    sizes: list[int | None] = []
    for part in args.sizes.split(","):
        part = part.strip().lower()
        sizes.append(None if part == "all" else int(part))

    all_objects: list[dict[str, Any]] = []
    if do_medallion:
        t = time.perf_counter()
        all_objects = load_objects(args.stix)
        if not args.as_is:
            all_objects = [to_stix21(o) for o in all_objects]
        print(f"medallion: {len(all_objects)} objects from {args.stix} "
              f"({time.perf_counter() - t:.1f} s to read)")

    dossier_coll = None
    if do_dossier:
        dossier_coll = find_collection(args.dossier_url, args.user, args.token, args.collection_title)
        print(f"dossier: collection {dossier_coll.title!r} ({dossier_coll.id}) at {args.dossier_url}")

    print(f"paging with taxii2-client as_pages(get_objects, per_request={args.per_request}); "
          f"budget {args.budget:.0f} s per run\n")
    rows = []
    finished_medallion: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory(prefix="taxii-medallion-") as tmp:
        for n in sizes:
            label = "all" if n is None else str(n)
            row: dict[str, Any] = {"size": label}
            if do_medallion:
                count = len(all_objects) if n is None else min(n, len(all_objects))
                print(f"[{label}] medallion: {count} objects ...", flush=True)
                res, err = run_medallion(all_objects, count, args.per_request, args.budget, Path(tmp))
                if res:
                    finished_medallion.append((count, res["seconds"]))
                    print(f"[{label}] medallion: {res['objects']} objects, {res['pages']} pages, "
                          f"{res['seconds']:.3f} s total, {res['per_page']:.4f} s/page "
                          f"(first page {res['first_page']:.3f} s)", flush=True)
                else:
                    print(f"[{label}] medallion: {err}", flush=True)
                    if finished_medallion:
                        n0, s0 = finished_medallion[-1]
                        est = s0 * (count / n0) ** 2
                        row["medallion_estimate_s"] = est
                        err = f"> {args.budget:.0f} s (est. {est:.0f})"
                        print(f"[{label}] medallion: estimated {est:.0f} s from {n0} objects "
                              f"in {s0:.1f} s (time ~ N^2)", flush=True)
                row.update(medallion=res, medallion_error=err, medallion_objects=count)
            if do_dossier:
                print(f"[{label}] dossier ...", flush=True)
                res, err = run_dossier(dossier_coll, n, args.per_request, args.budget)
                if res:
                    print(f"[{label}] dossier: {res['objects']} objects, {res['pages']} pages, "
                          f"{res['seconds']:.3f} s total, {res['per_page']:.4f} s/page "
                          f"(first page {res['first_page']:.3f} s)", flush=True)
                    if res["distinct_ids"] != res["objects"]:
                        print(f"[{label}] dossier: WARNING {res['objects'] - res['distinct_ids']} "
                              f"repeated ids across pages", flush=True)
                else:
                    print(f"[{label}] dossier: {err}", flush=True)
                row.update(dossier=res, dossier_error=err)
            rows.append(row)

    print()
    print(f"{'':>6}  {' medallion ':-^36}  {' dossier ':-^36}")
    cols = f"{'objects':>7} {'s total':>9} {'s/page':>8} {'pages':>5}".ljust(36)
    print(f"{'size':>6}  {cols}  {cols}  {'medallion/dossier':>17}")
    for row in rows:
        m, d = row.get("medallion"), row.get("dossier")
        line = f"{row['size']:>6}  "
        line += side(m, row.get("medallion_error"), row.get("medallion_objects")) if do_medallion else " " * 36
        line += "  "
        line += side(d, row.get("dossier_error"), None) if do_dossier else " " * 36
        line += "  " + ratio(m, d, row.get("medallion_estimate_s"), row.get("medallion_objects"))
        print(line)
    if do_medallion and do_dossier:
        print("\nratio: medallion seconds / dossier seconds for the same number of objects (> 1: "
              "dossier is faster);\n'~' uses medallion's N^2 estimate; '*' means the counts differ "
              "and the ratio is of seconds per object")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"per_request": args.per_request, "budget_s": args.budget, "rows": rows},
                      fh, indent=1)
        print(f"figures written to {args.json}")
    failed = [r for r in rows if r.get("dossier_error") and r.get("dossier") is None and do_dossier
              and not str(r.get("dossier_error")).startswith("over budget")]
    return 1 if failed else 0


def serve(args) -> int:
    objects = load_objects(args.stix, None if args.serve == 0 else args.serve)
    if not args.as_is:
        objects = [to_stix21(o) for o in objects]
    port = args.port or free_port()
    with tempfile.TemporaryDirectory(prefix="taxii-medallion-") as tmp:
        config = write_medallion_config(objects, Path(tmp), port, args.per_request,
                                        f"MITRE ATT&CK Enterprise (first {len(objects)} objects)")
        proc = start_medallion(config, port, Path(tmp) / "medallion.log")
        print(f"medallion on http://127.0.0.1:{port}/taxii2/ (user {BENCH_USER!r}, password "
              f"{BENCH_PASSWORD!r}); {len(objects)} objects in collection {READ_COLLECTION}, "
              f"writable collection {WRITE_COLLECTION}; Ctrl-C or SIGTERM stops it", flush=True)
        done = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: done.set())
        try:
            while not done.is_set() and proc.poll() is None:
                done.wait(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
