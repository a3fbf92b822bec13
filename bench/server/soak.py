"""A bounded soak of a running dossier server: mixed reads, screenings and imports from
several threads for a fixed time, then checks that no request failed, that everything
written can be read back, and that the server's memory did not keep growing.

    python3 bench/server/soak.py BASE_URL ANALYST_TOKEN SERVER_PID [SECONDS]

Standard library only. Exits non-zero when a check fails.
"""

import json
import random
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

base, token, pid = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3])
seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 300.0
deadline = time.monotonic() + seconds
lock = threading.Lock()
counts = {}
errors = []
written_sources = []
written_objects = []


def request(method, path, body=None, content_type="application/json", accept=None):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", content_type)
    if accept:
        req.add_header("Accept", accept)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.read()


def note(kind, ok, detail=""):
    with lock:
        counts[kind] = counts.get(kind, 0) + 1
        if not ok:
            errors.append(f"{kind}: {detail}")


def run(kind, fn):
    try:
        fn()
        note(kind, True)
    except urllib.error.HTTPError as e:
        note(kind, False, f"HTTP {e.code} {e.read()[:200]!r}")
    except Exception as e:  # noqa: BLE001 - every failure counts
        note(kind, False, repr(e))


def rss_kib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


NAMES = ["Eric Badege", "Kim Jong Un", "Bank Melli Iran", "Korea Mining Development Trading",
         "Aurelia Featherstone", "Ni Gaobin", "Zhao Guangzong", "APT31", "Lazarus Group"]
SEARCHES = ["APT", "Typhoon", "Panda", "Bank", "Kim", "Lazarus", "ZIRCONIUM"]


def reader(rnd):
    collections = json.loads(request("GET", "/taxii2/api/collections/",
                                     accept="application/taxii+json;version=2.1")[1])["collections"]
    while time.monotonic() < deadline:
        choice = rnd.random()
        if choice < 0.4:
            run("search", lambda: request("GET", f"/entities?q={rnd.choice(SEARCHES)}"))
        elif choice < 0.7:
            run("lookup", lambda: request("GET", "/lookup?name=APT31"))
        else:
            c = rnd.choice(collections)["id"]
            run("taxii page", lambda: request(
                "GET", f"/taxii2/api/collections/{c}/objects/?limit=500",
                accept="application/taxii+json;version=2.1"))


def screener(rnd):
    while time.monotonic() < deadline:
        batch = {f"q{i}": {"schema": "Person", "properties": {"name": [rnd.choice(NAMES)]}}
                 for i in range(rnd.randint(1, 20))}
        run("match", lambda: request("POST", "/match/default", {"queries": batch}))
        run("screen", lambda: request("POST", "/screen", {"name": rnd.choice(NAMES)}))


def writer(rnd):
    while time.monotonic() < deadline:
        ident = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        obj = {"type": "intrusion-set", "spec_version": "2.1", "id": f"intrusion-set--{ident}",
               "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
               "name": f"Soak Group {ident[:8]}", "aliases": [f"SOAK-{ident[:6]}"]}
        bundle = {"type": "bundle", "id": f"bundle--{ident}", "objects": [obj]}

        def imp():
            status, body = request("POST", f"/sources?name=soak-{ident}.json&dataset=soak/{ident}",
                                   json.dumps(bundle).encode())
            with lock:
                written_sources.append(json.loads(body)["source"]["id"])
        run("import", imp)
        time.sleep(0.5)


def main():
    status, body = request("GET", "/taxii2/api/collections/", accept="application/taxii+json;version=2.1")
    start_rss = rss_kib()
    samples = [start_rss]
    threads = [threading.Thread(target=f, args=(random.Random(i),))
               for i, f in enumerate([reader, reader, screener, screener, writer])]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(5)
        samples.append(rss_kib())
    for t in threads:
        t.join()
    # Nothing lost: every import acknowledged is listed.
    listed = {s["id"] for s in json.loads(request("GET", "/sources")[1])["sources"]}
    missing = [s for s in written_sources if s not in listed]
    total = sum(counts.values())
    third = max(1, len(samples) // 3)
    early, late = max(samples[:third]), max(samples[-third:])
    print(json.dumps({"seconds": seconds, "requests": total, "by_kind": counts,
                      "errors": len(errors), "imports_missing": len(missing),
                      "rss_start_mib": round(start_rss / 1024, 1),
                      "rss_first_third_max_mib": round(early / 1024, 1),
                      "rss_last_third_max_mib": round(late / 1024, 1)}))
    ok = True
    for e in errors[:10]:
        print("ERROR", e)
        ok = False
    if missing:
        print(f"LOST {len(missing)} acknowledged imports")
        ok = False
    # After the first third the indexes are built and caches warm: the rest may not grow
    # by more than a quarter.
    if late > early * 1.25:
        print(f"MEMORY grew from {early} KiB to {late} KiB")
        ok = False
    sys.exit(0 if ok else 1)


main()
