#!/usr/bin/env python3
"""Drive dossier's TAXII 2.1 server with the OASIS client, `taxii2-client` (PyPI),
unchanged, and check what comes back; STIX content is checked with `stix2-validator`.

    python interop/taxii_client.py BASE_URL TOKEN [ANALYST_TOKEN]
        [--user NAME] [--auth basic|bearer|apikey] [--collection-title REGEX]
        [--per-request 1000] [--sample 300 | --validate-all] [--write-collection REGEX]

In order (a line per check, FAIL or WARN or ok):
  1. discovery (GET /taxii2/), the default API root (title, versions, max_content_length)
     and its collections (id, title, can_read, can_write, media_types); one collection
     per TLP level is expected (titles TLP:CLEAR, TLP:GREEN, ...; --no-expect-tlp skips);
  2. the ATT&CK collection (title matching --collection-title) paged through with
     `as_pages(collection.get_objects, per_request=N)`, timed, objects counted, ids
     checked for repeats, every SDO/SRO checked for spec_version 2.1;
  3. a sample of the objects (one of each type, the rest evenly spread; --validate-all
     for every one) validated as STIX 2.1 with stix2-validator: an error fails, warnings
     are counted by check;
  4. the response headers of one page (Content-Type, X-TAXII-Date-Added-First/Last);
  5. one object by id (ATT&CK's APT31 intrusion set when present), its versions, the
     manifest paged through (same ids as the objects), filters match[type], match[id] and
     added_after;
  6. refusals: no credentials and a wrong token must not read objects;
  7. with ANALYST_TOKEN: an envelope of three new STIX 2.1 objects (identity, indicator,
     relationship to the object of step 5, marked TLP:GREEN) added to a collection the
     analyst can write (--write-collection, or the first with can_write), the status
     resource polled until complete, the indicator read back; the reader TOKEN must be
     refused the same write (when the two tokens differ).

Authentication (the dossier contract takes all three): HTTP Basic with --user (any name,
default "dossier") and the token as password (taxii2-client's own user=/password=), or
`Authorization: Bearer TOKEN` / `ApiKey TOKEN` through a requests auth object.
Exit status 0 when no check failed, 1 otherwise (failures listed at the end), 2 on usage.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import re
import sys
import threading
import time
import uuid
from typing import Any

try:
    import requests
    import requests.auth
    from stix2validator import ValidationOptions, validate_instance
    from taxii2client.exceptions import TAXIIServiceException
    from taxii2client.v21 import Server, as_pages
except ImportError as exc:  # pragma: no cover - environment problem
    sys.exit(f"missing package ({exc}); install interop/requirements.txt into a venv")

TAXII = "application/taxii+json;version=2.1"
TLP_TITLES = ["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"]
TLP_GREEN_MARKING = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
APT31 = "intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b"


# --- bookkeeping ---------------------------------------------------------------------

class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.warnings: list[str] = []

    def ok(self, msg: str) -> None:
        print(f"  ok    {msg}", flush=True)

    def info(self, msg: str) -> None:
        print(f"        {msg}", flush=True)

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)
        print(f"  WARN  {msg}", flush=True)

    def fail(self, msg: str) -> None:
        msg = " ".join(msg.split())  # server error pages can be multi-line HTML
        msg = msg if len(msg) <= 400 else msg[:397] + "..."
        self.failures.append(msg)
        print(f"  FAIL  {msg}", flush=True)

    def check(self, cond: bool, ok_msg: str, fail_msg: str) -> bool:
        (self.ok if cond else self.fail)(ok_msg if cond else fail_msg)
        return cond


class HeaderAuth(requests.auth.AuthBase):
    """`Authorization: <scheme> <token>` on every request."""

    def __init__(self, scheme: str, token: str) -> None:
        self.value = f"{scheme} {token}"

    def __call__(self, r):
        r.headers["Authorization"] = self.value
        return r


def credentials(args, token: str) -> dict[str, Any]:
    """Keyword arguments for taxii2-client's Server(...)."""
    if args.auth == "basic":
        return {"user": args.user, "password": token}
    return {"auth": HeaderAuth("Bearer" if args.auth == "bearer" else "ApiKey", token)}


def requests_auth(args, token: str | None):
    if token is None:
        return None
    if args.auth == "basic":
        return (args.user, token)
    return HeaderAuth("Bearer" if args.auth == "bearer" else "ApiKey", token)


def http_error(exc: Exception) -> str:
    resp = getattr(exc, "response", None)
    if resp is not None:
        return f"HTTP {resp.status_code} {resp.reason}: {resp.text[:200]}"
    return f"{type(exc).__name__}: {exc}"


def stix_now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# --- steps ---------------------------------------------------------------------------

def discover(rep: Report, args, token: str):
    print("\n== discovery, API root, collections")
    url = args.base_url.rstrip("/") + "/taxii2/"
    server = Server(url, **credentials(args, token))
    rep.info(f"GET {url}")
    rep.info(f"title={server.title!r} default={getattr(server.default, 'url', None)!r}")
    roots = server.api_roots
    rep.info(f"api_roots={[r.url for r in roots]}")
    if not roots:
        rep.fail("discovery lists no api_roots")
        return None, []
    root = server.default or roots[0]
    if server.default is None:
        rep.warn("discovery has no `default` API root (or it is not one of api_roots)")
    if not root.url.endswith("/taxii2/api/"):
        rep.warn(f"API root is {root.url}, the contract says /taxii2/api/")
    rep.info(f"api root title={root.title!r} versions={root.versions} "
             f"max_content_length={root.max_content_length}")
    rep.check(TAXII in [v.replace(" ", "") for v in root.versions],
              "API root advertises application/taxii+json;version=2.1",
              f"API root versions {root.versions} lack {TAXII}")
    colls = root.collections
    print(f"  {len(colls)} collections:")
    for c in colls:
        print(f"    {c.id}  read={str(c.can_read):<5} write={str(c.can_write):<5} "
              f"{c.title!r}  {c.media_types}")
    if args.expect_tlp:
        titles = {c.title for c in colls}
        present = [t for t in TLP_TITLES if t in titles]
        if not present:
            rep.fail(f"no TLP collection (titles {TLP_TITLES})")
        else:
            rep.ok(f"TLP collections: {present}")
            missing = [t for t in TLP_TITLES if t not in titles]
            if missing:
                rep.warn(f"TLP collections not listed for this token: {missing}")
    return root, colls


def pick(colls, title_re: str):
    """Collections whose title matches title_re; a title spelling ATT&CK first, then
    the shortest (the dataset's own collection rather than a derived one)."""
    found = [c for c in colls if re.search(title_re, c.title or "", re.IGNORECASE)]
    found.sort(key=lambda c: ("att&ck" not in c.title.lower(), len(c.title)))
    return found


def page_objects(rep: Report, coll, per_request: int) -> list[dict[str, Any]]:
    print(f"\n== paging {coll.title!r} with as_pages(get_objects, per_request={per_request})")
    objects: list[dict[str, Any]] = []
    page_times: list[float] = []
    started = time.perf_counter()
    t0 = started
    for envelope in as_pages(coll.get_objects, per_request=per_request):
        page_times.append(time.perf_counter() - t0)
        batch = envelope.get("objects", [])
        if envelope.get("more") and not batch:
            rep.fail("a page said more=true with no objects (as_pages would loop forever)")
            break
        if envelope.get("more") and not envelope.get("next"):
            rep.fail("a page said more=true without `next` (as_pages would re-read page one forever)")
            break
        if len(page_times) > 1 and len(batch) > per_request:
            rep.fail(f"page {len(page_times)} holds {len(batch)} objects for limit={per_request}")
        objects.extend(batch)
        if len(page_times) > 100_000:
            rep.fail("more than 100000 pages; giving up")
            break
        t0 = time.perf_counter()
    total = time.perf_counter() - started
    n_pages = len(page_times)
    rep.info(f"{len(objects)} objects in {n_pages} pages, {total:.3f} s "
             f"({total / max(n_pages, 1):.4f} s/page, slowest {max(page_times or [0]):.4f} s, "
             f"{len(objects) / total if total else 0:.0f} objects/s)")
    if not objects:
        rep.fail(f"collection {coll.title!r} returned no objects")
        return objects
    keys = collections.Counter((o.get("id"), o.get("modified") or o.get("created")) for o in objects)
    dupes = [k for k, n in keys.items() if n > 1]
    rep.check(not dupes, "no object repeated across pages",
              f"{len(dupes)} (id, version) pairs came twice, e.g. {dupes[:3]} (paging overlaps)")
    ids = collections.Counter(o.get("id") for o in objects)
    multi = [i for i, n in ids.items() if n > 1]
    if multi and not dupes:
        rep.warn(f"{len(multi)} ids come in several versions (default match[version] is 'last')")
    types = collections.Counter(o.get("type") for o in objects)
    rep.info("types: " + ", ".join(f"{t} {n}" for t, n in types.most_common()))
    no_spec = [o["id"] for o in objects if "created" in o and o.get("spec_version") != "2.1"]
    rep.check(not no_spec, "every SDO/SRO says spec_version 2.1",
              f"{len(no_spec)} objects lack spec_version '2.1' (STIX 2.0 content in a TAXII 2.1 "
              f"collection), e.g. {no_spec[:3]}")
    return objects


def validate(rep: Report, objects: list[dict[str, Any]], sample: int, validate_all: bool) -> None:
    if validate_all:
        chosen = objects
    else:
        chosen_ids: dict[str, dict[str, Any]] = {}
        for o in objects:  # one of each type first
            chosen_ids.setdefault(o.get("type"), o)
        picked = list(chosen_ids.values())
        step = max(1, len(objects) // max(1, sample - len(picked)))
        picked += objects[::step]
        seen: set[int] = set()
        chosen = [o for o in picked if not (id(o) in seen or seen.add(id(o)))][:max(sample, len(chosen_ids))]
    print(f"\n== stix2-validator, STIX 2.1, {len(chosen)} of {len(objects)} objects")
    opts = ValidationOptions(version="2.1", silent=True)
    started = time.perf_counter()
    bad: list[tuple[str, str]] = []
    warn_codes: collections.Counter = collections.Counter()
    for o in chosen:
        try:
            res = validate_instance(o, opts)
        except Exception as exc:  # noqa: BLE001 - the validator raises on non-objects
            bad.append((str(o.get("id")), f"{type(exc).__name__}: {exc}"))
            continue
        if not res.is_valid:
            for e in res.errors:
                bad.append((str(o.get("id")), str(getattr(e, "message", e))))
        for w in res.warnings:
            m = re.search(r"\{(\d+)\}", w)
            warn_codes[m.group(1) if m else w[:40]] += 1
    rep.info(f"validated in {time.perf_counter() - started:.1f} s")
    if bad:
        by_msg = collections.Counter(re.sub(r"^\S+--[0-9a-f-]+: ", "", m)[:120] for _, m in bad)
        rep.fail(f"{len(bad)} STIX 2.1 validation errors in {len({i for i, _ in bad})} objects; "
                 f"most common: " + " | ".join(f"{n}x {m}" for m, n in by_msg.most_common(3)))
        for oid, m in bad[:5]:
            rep.info(f"{oid}: {m[:200]}")
    else:
        rep.ok("no validation errors")
    if warn_codes:
        rep.info("warnings by check code (401 custom property, 302 external reference hash, ...): "
                 + ", ".join(f"{c}: {n}" for c, n in warn_codes.most_common(8)))


def check_headers(rep: Report, args, token: str, coll) -> None:
    print("\n== response headers (raw GET of one page)")
    url = coll.url + "objects/"
    r = requests.get(url, params={"limit": 2}, headers={"Accept": TAXII},
                     auth=requests_auth(args, token), timeout=60)
    if r.status_code != 200:
        rep.fail(f"GET {url}?limit=2: HTTP {r.status_code}: {r.text[:200]}")
        return
    ctype = r.headers.get("Content-Type", "")
    tokens = ctype.replace(" ", "").split(";")
    rep.check(tokens[0] == "application/taxii+json" and "version=2.1" in tokens,
              f"Content-Type {ctype!r}",
              f"Content-Type {ctype!r}: taxii2-client requires application/taxii+json;version=2.1")
    first, last = r.headers.get("X-TAXII-Date-Added-First"), r.headers.get("X-TAXII-Date-Added-Last")
    if first and last:
        rep.ok(f"X-TAXII-Date-Added-First {first}, -Last {last}")
    else:
        rep.warn("no X-TAXII-Date-Added-First/Last headers (TAXII 2.1 5.3; taxii2-client ignores them)")
    # an Accept the server cannot satisfy should get 406
    r = requests.get(url, params={"limit": 1}, headers={"Accept": "application/xml"},
                     auth=requests_auth(args, token), timeout=60)
    if r.status_code == 406:
        rep.ok("Accept: application/xml answered 406")
    else:
        rep.warn(f"Accept: application/xml answered {r.status_code} (TAXII 2.1: 406)")


def check_object_endpoints(rep: Report, coll, objects: list[dict[str, Any]], per_request: int):
    print("\n== one object, its versions, the manifest, filters")
    by_id = {o["id"]: o for o in objects}
    target = by_id.get(APT31) or next((o for o in objects if o.get("type") == "intrusion-set"), objects[0])
    oid = target["id"]
    version = target.get("modified") or target.get("created")
    try:
        env = coll.get_object(oid)
        got = env.get("objects", [])
        rep.check(any(o.get("id") == oid for o in got),
                  f"get_object({oid}) -> {len(got)} object(s), {got[0].get('name', '') if got else ''!r}",
                  f"get_object({oid}) did not return it: {str(env)[:200]}")
        if got and (got[0].get("modified") or got[0].get("created")) != version:
            rep.warn(f"get_object returned version {got[0].get('modified')}, the listing had {version}")
    except (requests.RequestException, TAXIIServiceException) as exc:
        rep.fail(f"get_object({oid}): {http_error(exc)}")
    try:
        env = coll.object_versions(oid)
        versions = env.get("versions", [])
        rep.check(version in versions, f"object_versions -> {versions[:5]}",
                  f"object_versions({oid}) -> {versions[:5]}, lacks {version}")
    except (requests.RequestException, TAXIIServiceException) as exc:
        rep.fail(f"object_versions({oid}): {http_error(exc)}")
    try:
        missing = coll.get_object("intrusion-set--00000000-0000-4000-8000-000000000000")
        rep.fail(f"an unknown object id answered 200: {str(missing)[:120]}")
    except requests.HTTPError as exc:
        code = exc.response.status_code if exc.response is not None else None
        (rep.ok if code == 404 else rep.warn)(f"unknown object id: HTTP {code} (TAXII: 404)")
    except TAXIIServiceException as exc:
        rep.warn(f"unknown object id: {exc}")

    # manifest
    manifest: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        for env in as_pages(coll.get_manifest, per_request=per_request):
            page = env.get("objects", [])
            if env.get("more") and (not page or not env.get("next")):
                rep.fail("manifest page with more=true but no records or no next")
                break
            manifest.extend(page)
    except (requests.RequestException, TAXIIServiceException) as exc:
        rep.fail(f"get_manifest: {http_error(exc)}")
    rep.info(f"manifest: {len(manifest)} records in {time.perf_counter() - started:.3f} s")
    if manifest:
        lacking = [m for m in manifest if not all(k in m for k in ("id", "date_added", "version"))]
        rep.check(not lacking, "manifest records carry id, date_added, version",
                  f"{len(lacking)} manifest records lack id/date_added/version, e.g. {lacking[:1]}")
        if not all("media_type" in m for m in manifest):
            rep.warn("some manifest records lack media_type")
        rep.check({m.get("id") for m in manifest} == set(by_id),
                  "manifest ids are the object ids",
                  f"manifest ids differ from the objects: {len({m.get('id') for m in manifest} - set(by_id))} "
                  f"only in manifest, {len(set(by_id) - {m.get('id') for m in manifest})} only in objects")
        # added_after on the manifest: strictly later date_added only
        dates = sorted(m["date_added"] for m in manifest if "date_added" in m)
        pivot = dates[len(dates) // 2]
        want = sum(1 for d in dates if d > pivot)
        try:
            got = sum(len(env.get("objects", [])) for env in
                      as_pages(coll.get_manifest, per_request=per_request, added_after=pivot))
            (rep.ok if got == want else rep.fail)(
                f"added_after={pivot}: {got} manifest records (expected {want}, those added later)")
        except (requests.RequestException, TAXIIServiceException) as exc:
            rep.fail(f"added_after: {http_error(exc)}")

    # match[type], match[id]
    want_type = target.get("type")
    expected = sum(1 for o in objects if o.get("type") == want_type)
    try:
        got_objs = [o for env in as_pages(coll.get_objects, per_request=per_request, type=want_type)
                    for o in env.get("objects", [])]
        rep.check(len(got_objs) == expected and all(o.get("type") == want_type for o in got_objs),
                  f"match[type]={want_type}: {len(got_objs)} objects",
                  f"match[type]={want_type}: {len(got_objs)} objects "
                  f"({sum(o.get('type') != want_type for o in got_objs)} of other types), expected {expected}")
        env = coll.get_objects(id=oid)
        got_ids = [o.get("id") for o in env.get("objects", [])]
        rep.check(got_ids == [oid], f"match[id]: {got_ids}", f"match[id]={oid}: got {got_ids[:5]}")
    except (requests.RequestException, TAXIIServiceException) as exc:
        rep.fail(f"filters: {http_error(exc)}")
    return target


def check_refusals(rep: Report, args, token: str, coll) -> None:
    print("\n== refusals")
    url = coll.url + "objects/"
    r = requests.get(url, params={"limit": 1}, headers={"Accept": TAXII}, timeout=60)
    if r.status_code == 401:
        rep.ok("no credentials: 401" + (f" ({r.headers.get('WWW-Authenticate')})"
                                        if r.headers.get("WWW-Authenticate") else ""))
    elif r.status_code in (403, 404):
        rep.warn(f"no credentials: HTTP {r.status_code} (TAXII 2.1 says 401 for missing credentials)")
    else:
        rep.fail(f"no credentials: HTTP {r.status_code} (objects readable without a token)")
    wrong = "not-" + token[::-1]
    r = requests.get(url, params={"limit": 1}, headers={"Accept": TAXII},
                     auth=requests_auth(args, wrong), timeout=60)
    rep.check(r.status_code in (401, 403), f"wrong token: HTTP {r.status_code}",
              f"wrong token: HTTP {r.status_code} (expected 401/403)")


def envelope_for(target: dict[str, Any] | None) -> tuple[dict[str, Any], str]:
    now = stix_now()
    ident = f"identity--{uuid.uuid4()}"
    ind = f"indicator--{uuid.uuid4()}"
    domain = f"interop-{uuid.uuid4().hex[:12]}.example"
    objs: list[dict[str, Any]] = [
        {
            "type": "identity", "spec_version": "2.1", "id": ident,
            "created": now, "modified": now,
            "name": "dossier interop test", "identity_class": "system",
            "object_marking_refs": [TLP_GREEN_MARKING],
        },
        {
            "type": "indicator", "spec_version": "2.1", "id": ind,
            "created": now, "modified": now, "created_by_ref": ident,
            "name": f"Test domain {domain}", "indicator_types": ["malicious-activity"],
            "pattern": f"[domain-name:value = '{domain}']", "pattern_type": "stix",
            "valid_from": now, "object_marking_refs": [TLP_GREEN_MARKING],
        },
    ]
    if target is not None and target.get("type") in (
            "intrusion-set", "malware", "tool", "attack-pattern", "campaign", "threat-actor"):
        target_ref = target["id"]
    else:
        target_ref = f"malware--{uuid.uuid4()}"
        objs.append({"type": "malware", "spec_version": "2.1", "id": target_ref,
                     "created": now, "modified": now, "name": "interop test malware",
                     "is_family": True, "object_marking_refs": [TLP_GREEN_MARKING]})
    objs.append({
        "type": "relationship", "spec_version": "2.1", "id": f"relationship--{uuid.uuid4()}",
        "created": now, "modified": now, "created_by_ref": ident,
        "relationship_type": "indicates", "source_ref": ind, "target_ref": target_ref,
        "object_marking_refs": [TLP_GREEN_MARKING],
    })
    return {"objects": objs}, ind


def check_write(rep: Report, args, reader_token: str, analyst_token: str,
                target: dict[str, Any] | None) -> None:
    print("\n== add objects (analyst token)")
    server = Server(args.base_url.rstrip("/") + "/taxii2/", **credentials(args, analyst_token))
    root = server.default or (server.api_roots[0] if server.api_roots else None)
    if root is None:
        rep.fail("the analyst token sees no API root")
        return
    colls = root.collections
    writable = [c for c in colls if c.can_write]
    if args.write_collection:
        writable = [c for c in writable if re.search(args.write_collection, c.title, re.IGNORECASE)]
    if not writable:
        rep.fail("no collection with can_write=true for the analyst token"
                 + (f" matching /{args.write_collection}/" if args.write_collection else ""))
        return
    coll = writable[0]
    rep.info(f"writing to {coll.title!r} ({coll.id}); writable: {[c.title for c in writable]}")
    envelope, indicator_id = envelope_for(target)
    opts = ValidationOptions(version="2.1", silent=True)
    for o in envelope["objects"]:
        res = validate_instance(o, opts)
        if not res.is_valid:
            rep.fail(f"(script bug) the test object {o['id']} is not valid STIX 2.1: "
                     f"{[str(e.message) for e in res.errors]}")
            return

    if reader_token != analyst_token:
        r = requests.post(coll.url + "objects/", json=envelope,
                          headers={"Accept": TAXII, "Content-Type": TAXII},
                          auth=requests_auth(args, reader_token), timeout=60)
        rep.check(r.status_code in (401, 403), f"reader token refused the write: HTTP {r.status_code}",
                  f"reader token: POST answered HTTP {r.status_code} (a reader must not write)")
    started = time.perf_counter()
    try:
        status = coll.add_objects(envelope, wait_for_completion=False)
    except (requests.RequestException, TAXIIServiceException, KeyError) as exc:
        rep.fail(f"add_objects: {http_error(exc) if not isinstance(exc, KeyError) else 'status lacks ' + str(exc)}")
        return
    rep.info(f"POST -> status {status.id} {status.status!r} total={status.total_count} "
             f"success={status.success_count} failure={status.failure_count} "
             f"pending={status.pending_count} ({time.perf_counter() - started:.3f} s)")
    deadline = time.monotonic() + args.status_timeout
    polls = 0
    while status.status != "complete" and time.monotonic() < deadline:
        time.sleep(0.5)
        try:
            status.refresh()
        except (requests.RequestException, TAXIIServiceException) as exc:
            rep.fail(f"GET status {status.url}: {http_error(exc)}")
            return
        polls += 1
    rep.info(f"status after {polls} polls: {status.status!r} success={status.success_count} "
             f"failure={status.failure_count} pending={status.pending_count}")
    n = len(envelope["objects"])
    if not rep.check(status.status == "complete", f"status complete ({status.url})",
                     f"status still {status.status!r} after {args.status_timeout:.0f} s"):
        return
    rep.check(status.success_count == n and status.failure_count == 0,
              f"{status.success_count} of {n} objects added",
              f"success_count={status.success_count}, failure_count={status.failure_count} for {n} objects; "
              f"failures: {status.failures[:3]}")
    try:
        again = root.get_status(status.id)
        rep.check(again.id == status.id, "status also readable through ApiRoot.get_status",
                  f"ApiRoot.get_status returned {again.id}")
    except (requests.RequestException, TAXIIServiceException) as exc:
        rep.fail(f"ApiRoot.get_status({status.id}): {http_error(exc)}")
    if coll.can_read:
        try:
            env = coll.get_object(indicator_id)
            rep.check(any(o.get("id") == indicator_id for o in env.get("objects", [])),
                      f"the new indicator reads back from {coll.title!r}",
                      f"the new indicator is not in {coll.title!r}: {str(env)[:160]}")
        except (requests.RequestException, TAXIIServiceException) as exc:
            rep.fail(f"reading back {indicator_id}: {http_error(exc)}")
    green = next((c for c in colls if c.title == "TLP:GREEN"), None)
    if green is not None and green.id != coll.id and green.can_read:
        try:
            env = green.get_object(indicator_id)
            ok = any(o.get("id") == indicator_id for o in env.get("objects", []))
        except requests.HTTPError:
            ok = False
        (rep.ok if ok else rep.warn)(
            "the TLP:GREEN-marked indicator is in the TLP:GREEN collection" if ok else
            "the TLP:GREEN-marked indicator is not in the TLP:GREEN collection")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("base_url", help="server root, e.g. http://127.0.0.1:8080 (discovery at /taxii2/)")
    ap.add_argument("token", help="reader token")
    ap.add_argument("analyst_token", nargs="?", help="analyst token: enables the write checks")
    ap.add_argument("--user", default="dossier", help="HTTP Basic user name (any; default dossier)")
    ap.add_argument("--auth", choices=("basic", "bearer", "apikey"), default="basic")
    ap.add_argument("--collection-title", default=r"att&ck|attack",
                    help="regular expression for the collection to page (default att&ck|attack)")
    ap.add_argument("--per-request", type=int, default=1000)
    ap.add_argument("--sample", type=int, default=300, help="objects to validate (default 300)")
    ap.add_argument("--validate-all", action="store_true", help="validate every object (~60 s for ATT&CK)")
    ap.add_argument("--write-collection", help="regular expression for the collection to write to")
    ap.add_argument("--no-expect-tlp", dest="expect_tlp", action="store_false",
                    help="do not require TLP:... collections (e.g. against medallion)")
    ap.add_argument("--status-timeout", type=float, default=60.0)
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="give up (exit 1) after this many seconds in all (default 1800)")
    args = ap.parse_args()

    def watchdog() -> None:
        print(f"\nFAILED: no answer within {args.timeout:.0f} s (a request hung?)", flush=True)
        os._exit(1)

    timer = threading.Timer(args.timeout, watchdog)
    timer.daemon = True
    timer.start()

    rep = Report()
    print(f"taxii2-client against {args.base_url} (auth {args.auth})")
    try:
        root, colls = discover(rep, args, args.token)
        if root is not None:
            found = pick(colls, args.collection_title)
            if not found:
                rep.fail(f"no collection title matches /{args.collection_title}/i")
            else:
                coll = found[0]
                if len(found) > 1:
                    rep.info(f"several match, using {coll.title!r}: {[c.title for c in found]}")
                if not coll.can_read:
                    rep.fail(f"{coll.title!r} says can_read=false for this token")
                else:
                    objects = page_objects(rep, coll, args.per_request)
                    target = None
                    if objects:
                        validate(rep, objects, args.sample, args.validate_all)
                        check_headers(rep, args, args.token, coll)
                        target = check_object_endpoints(rep, coll, objects, args.per_request)
                        check_refusals(rep, args, args.token, coll)
                    if args.analyst_token:
                        check_write(rep, args, args.token, args.analyst_token, target)
    except requests.ConnectionError as exc:
        rep.fail(f"cannot reach {args.base_url}: {exc}")
    except (requests.RequestException, TAXIIServiceException) as exc:
        rep.fail(f"taxii2-client failed: {http_error(exc)}")
    timer.cancel()
    print()
    if rep.warnings:
        print(f"{len(rep.warnings)} warning(s)")
    if rep.failures:
        print(f"FAILED: {len(rep.failures)} check(s):")
        for f in rep.failures:
            print(f"  - {f}")
        return 1
    print("OK: taxii2-client read, filtered" + (" and wrote" if args.analyst_token else "")
          + " without a failed check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
