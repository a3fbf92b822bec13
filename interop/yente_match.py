#!/usr/bin/env python3
"""Drive dossier's yente-compatible `POST /match/{dataset}` with OpenSanctions' own
client, `yente-client` (PyPI), unchanged, and check what comes back.

    python interop/yente_match.py BASE_URL TOKEN [--dataset default] [--auth apikey|bearer]

What it does, in order (a line per check, FAIL or WARN or ok):
  1. GET /algorithms through the client (optional endpoint: WARN if missing).
  2. A batch of screening queries through `Client.match_iter` (the client's batch
     primitive: one single-query request per entity, two in flight): two UN-listed
     records (a person with birth date and nationality, an organisation), two from
     the OFAC SDN list of 2024-05-07 (a person, a bank), and a made-up person who is on no
     list. Each response must parse into the client's pydantic models; every listed
     record must come back as a result with match=true whose name is the query's
     name; the made-up name must have no match=true result.
  3. The same queries as ONE wire-level batch (yente's `queries` map with several
     keys), sent with httpx (the client's HTTP library); every entry of `responses`
     must parse with the client's models, and the raw JSON is held to the field
     list of yente 5.5's EntityMatchResponse (required fields FAIL, optional WARN).
  4. `limit` and `threshold` honoured (results <= limit, response limit echoed,
     match == (score >= threshold), results sorted by score).
  5. Errors: a wrong token must be refused (401/403, raised by the client as
     AuthenticationError); an unknown dataset should be 404; an invalid query should be
     400/422 with a JSON `detail`.

Exit status 0 when no check failed, 1 otherwise (with the failures listed), 2 on usage.
The client sends the token as `Authorization: ApiKey TOKEN` (its only way); --auth bearer
sends `Authorization: Bearer TOKEN` through the client's `headers=` instead.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
from typing import Any

try:
    import httpx
    import yente_client
    from yente_client import (
        APIError,
        AuthenticationError,
        Client,
        Company,
        MatchResponse,
        NotFoundError,
        Organization,
        Person,
        YenteError,
    )
    from pydantic import ValidationError
except ImportError as exc:  # pragma: no cover - environment problem
    sys.exit(f"missing package ({exc}); install interop/requirements.txt into a venv")


# --- the queries ---------------------------------------------------------------------

# (key, entity, expectation, name that must be among a matching result's names)
# Names and details are taken from the lists bundled with dossier:
#   UN Security Council Consolidated List 2026-02-27: KPi.001 YUN HO-JIN (DOB 1944-10-13,
#   DPRK), KPe.001 KOREA MINING DEVELOPMENT TRADING CORPORATION;
#   OFAC SDN 2024-05-07: ent 20157 "KIM, Jong Un" (DOB 08 Jan 1984), ent 25578 BANK MELLI IRAN.
QUERIES: list[tuple[str, Any, str, str | None]] = [
    (
        "un_person",
        Person(name="Yun Ho-jin", birthDate="1944-10-13", nationality="kp"),
        "hit",
        "YUN HO-JIN",
    ),
    (
        "un_organisation",
        Organization(name="Korea Mining Development Trading Corporation", country="kp"),
        "hit",
        "KOREA MINING DEVELOPMENT TRADING CORPORATION",
    ),
    (
        "ofac_person",
        Person(name="Kim Jong Un", birthDate="1984-01-08"),
        "hit",
        "KIM Jong Un",
    ),
    (
        "ofac_company",
        Company(name="Bank Melli Iran", jurisdiction="ir"),
        "hit",
        "BANK MELLI IRAN",
    ),
    (
        "not_listed",
        Person(name="Aurelia Featherstonehaugh-Quist", birthDate="1987-03-14", nationality="nz"),
        "miss",
        None,
    ),
]


# --- bookkeeping ---------------------------------------------------------------------

class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.warnings: list[str] = []

    def ok(self, msg: str) -> None:
        print(f"  ok    {msg}")

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)
        print(f"  WARN  {msg}")

    def fail(self, msg: str) -> None:
        msg = " ".join(msg.split())  # server error pages can be multi-line HTML
        msg = msg if len(msg) <= 400 else msg[:397] + "..."
        self.failures.append(msg)
        print(f"  FAIL  {msg}")

    def check(self, cond: bool, ok_msg: str, fail_msg: str) -> bool:
        if cond:
            self.ok(ok_msg)
        else:
            self.fail(fail_msg)
        return cond


def norm(text: str) -> str:
    """Letters and digits only, upper case, accents and punctuation dropped, so that
    'KIM, Jong Un', 'Kim Jong-Un' and 'KIM JONG UN' compare equal."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.findall(r"\w+", text.upper())
    return "".join(sorted(words))


def result_names(result: Any) -> list[str]:
    """Caption plus the string values of the name-like properties of a parsed result."""
    names = [result.caption]
    for prop in ("name", "alias", "weakAlias", "previousName", "firstName", "lastName"):
        for value in result.properties.get(prop, []):
            if isinstance(value, str):
                names.append(value)
    # a first + last name pair also counts as the full name
    firsts = [v for v in result.properties.get("firstName", []) if isinstance(v, str)]
    lasts = [v for v in result.properties.get("lastName", []) if isinstance(v, str)]
    names += [f"{f} {l}" for f in firsts for l in lasts]
    return names


def describe(result: Any) -> str:
    datasets = ",".join(result.datasets) or "-"
    return (f"{result.score:.3f} {'MATCH' if result.match else 'no   '} {result.schema_:<13} "
            f"{result.caption!r} id={result.id} datasets={datasets}")


# --- the checks ----------------------------------------------------------------------

def check_response(rep: Report, key: str, expect: str, want_name: str | None,
                   resp: MatchResponse, threshold: float, limit: int) -> None:
    print(f"  [{key}] total={resp.total.value} ({resp.total.relation}) "
          f"limit={resp.limit} results={len(resp.results)}")
    for r in resp.results:
        print(f"      {describe(r)}")
        contributing = {k: round(v.score, 3) for k, v in r.explanations.items() if v.score}
        if contributing:
            print(f"        explanations: {contributing}")
    # semantics shared by every query
    if len(resp.results) > limit:
        rep.fail(f"[{key}] {len(resp.results)} results for limit={limit}")
    if resp.limit != limit:
        rep.fail(f"[{key}] response limit={resp.limit}, request limit={limit}")
    scores = [r.score for r in resp.results]
    if scores != sorted(scores, reverse=True):
        rep.fail(f"[{key}] results not sorted by score descending: {scores}")
    for r in resp.results:
        if not 0.0 <= r.score <= 1.0:
            rep.fail(f"[{key}] score {r.score} of {r.id} outside [0, 1]")
        if r.match != (r.score >= threshold):
            rep.fail(f"[{key}] {r.id}: match={r.match} but score={r.score} and "
                     f"threshold={threshold} (yente sets match = score >= threshold)")
    if resp.total.value < len(resp.results):
        rep.fail(f"[{key}] total.value={resp.total.value} < {len(resp.results)} results")
    if not resp.query or resp.query.get("schema") is None:
        rep.fail(f"[{key}] response 'query' does not echo the query (schema missing): {resp.query}")
    # the expectation
    matches = [r for r in resp.results if r.match]
    if expect == "hit":
        want = norm(want_name or "")
        named = [r for r in matches if want in {norm(n) for n in result_names(r)}]
        if named:
            rep.ok(f"[{key}] listed record found: {named[0].caption!r} "
                   f"score={named[0].score:.3f} datasets={named[0].datasets}")
            if not named[0].datasets:
                rep.warn(f"[{key}] the hit names no dataset (yente fills `datasets`)")
        elif matches:
            rep.fail(f"[{key}] expected {want_name!r} among the matches, got "
                     f"{[m.caption for m in matches]}")
        else:
            rep.fail(f"[{key}] expected hit {want_name!r} missing: no result with match=true "
                     f"({len(resp.results)} results below threshold {threshold})")
    else:
        rep.check(not matches, f"[{key}] no match for a name on no list",
                  f"[{key}] a name on no list matched: {[m.caption for m in matches]}")


def run_client_batch(rep: Report, client: Client, dataset: str,
                     threshold: float, limit: int) -> None:
    print(f"\n== batch through Client.match_iter (dataset {dataset!r}, "
          f"threshold={threshold}, limit={limit})")
    by_key = {k: (exp, name) for k, _, exp, name in QUERIES}
    started = time.perf_counter()
    got: dict[str, Any] = {}
    for key, result in client.match_iter(
        [(k, e) for k, e, _, _ in QUERIES],
        workers=2,
        datasets=[dataset],
        threshold=threshold,
        limit=limit,
        on_error="collect",
    ):
        got[key] = result
    elapsed = time.perf_counter() - started
    print(f"  {len(got)} queries in {elapsed * 1000:.0f} ms")
    for key, _, _, _ in QUERIES:
        res = got.get(key)
        if res is None:
            rep.fail(f"[{key}] no response came back from match_iter")
            continue
        if isinstance(res, yente_client.MatchError):
            exc = res.exception
            if isinstance(exc, ValidationError):
                rep.fail(f"[{key}] the client could not parse the response: "
                         f"{format_validation_error(exc)}")
            elif isinstance(exc, KeyError):
                rep.fail(f"[{key}] the client could not unwrap the response: missing key "
                         f"{exc} (it reads responses['q'].query/results/total and the "
                         f"top-level limit)")
            else:
                rep.fail(f"[{key}] request failed: {type(exc).__name__}: {exc}")
            continue
        exp, name = by_key[key]
        check_response(rep, key, exp, name, res, threshold, limit)


def format_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{loc}: {err.get('msg')} (got {str(err.get('input'))[:60]!r})")
    more = f" (+{exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
    return "; ".join(parts) + more


# Field list of yente 5.5.0 yente/data/common.py EntityMatchResponse -> EntityMatches ->
# ScoredEntityResponse (required: present in every response yente sends).
RESULT_REQUIRED = {"id": str, "caption": str, "schema": str, "properties": dict,
                   "score": (int, float), "match": bool, "explanations": dict}
RESULT_OPTIONAL = {"datasets": list, "referents": list, "target": bool,
                   "first_seen": (str, type(None)), "last_seen": (str, type(None)),
                   "last_change": (str, type(None))}
ISO_DT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def check_raw_shape(rep: Report, raw: dict[str, Any], keys: list[str]) -> None:
    if not isinstance(raw, dict):
        rep.fail(f"batch response is not a JSON object: {str(raw)[:200]}")
        return
    for k, t in (("responses", dict), ("limit", int)):
        if not isinstance(raw.get(k), t):
            rep.fail(f"top-level {k!r} missing or not {t.__name__}: {raw.get(k)!r}"[:200])
    for extra in sorted(set(raw) - {"responses", "limit"}):
        print(f"  note  extra top-level key {extra!r} (clients ignore it)")
    responses = raw.get("responses") or {}
    warned: set[str] = set()
    missing = [k for k in keys if k not in responses]
    if missing:
        rep.fail(f"responses lacks the query keys {missing} (yente answers every key it was sent)")
    for key, entry in responses.items():
        if not isinstance(entry, dict):
            rep.fail(f"responses[{key!r}] is not an object")
            continue
        if entry.get("status", 200) != 200:
            rep.fail(f"responses[{key!r}].status = {entry.get('status')!r} (yente: 200)")
        if "status" not in entry:
            rep.warn(f"responses[{key!r}] has no 'status' (yente sends 200)")
        total = entry.get("total")
        if not (isinstance(total, dict) and isinstance(total.get("value"), int)
                and total.get("relation") in ("eq", "gte")):
            rep.fail(f"responses[{key!r}].total must be {{value: int, relation: 'eq'|'gte'}}, "
                     f"got {total!r}")
        query = entry.get("query")
        if not (isinstance(query, dict) and isinstance(query.get("schema"), str)
                and isinstance(query.get("properties"), dict)):
            rep.fail(f"responses[{key!r}].query must echo {{schema, properties}}, got {query!r}"[:240])
        results = entry.get("results")
        if not isinstance(results, list):
            rep.fail(f"responses[{key!r}].results is not a list")
            continue
        for i, res in enumerate(results):
            where = f"responses[{key!r}].results[{i}]"
            if not isinstance(res, dict):
                rep.fail(f"{where} is not an object")
                continue
            for f, t in RESULT_REQUIRED.items():
                if f not in res:
                    rep.fail(f"{where} lacks required field {f!r}")
                elif not isinstance(res[f], t) or (t == (int, float) and isinstance(res[f], bool)):
                    rep.fail(f"{where}.{f} has type {type(res[f]).__name__}")
            for f, t in RESULT_OPTIONAL.items():
                if f not in res:
                    if f not in warned:
                        warned.add(f)
                        rep.warn(f"results lack {f!r} (first: {where}); yente always sends "
                                 f"it, the client defaults it")
                elif not isinstance(res[f], t):
                    rep.fail(f"{where}.{f} has type {type(res[f]).__name__} "
                             f"(null where a list is expected breaks the client)")
                elif f in ("first_seen", "last_seen", "last_change") and res[f] is not None \
                        and not ISO_DT.match(res[f]):
                    rep.warn(f"{where}.{f} = {res[f]!r} is not an ISO date-time "
                             f"(yente sends e.g. 2024-05-27T19:47:02)")
            for prop, values in (res.get("properties") or {}).items():
                if not isinstance(values, list):
                    rep.fail(f"{where}.properties.{prop} is not a list")
                elif any(not isinstance(v, (str, dict)) for v in values):
                    rep.fail(f"{where}.properties.{prop} holds non-string values {values[:3]}")
            for feat, expl in (res.get("explanations") or {}).items():
                if not (isinstance(expl, dict) and isinstance(expl.get("score"), (int, float))):
                    rep.fail(f"{where}.explanations.{feat} must be {{score, detail, ...}}, got {expl!r}"[:200])
                    break
            if "features" in res:
                print(f"  note  {where} carries 'features' (yente <5.4; dropped since)")
            # only report the first result in detail, shapes repeat
            if i >= 4:
                break


def run_wire_batch(rep: Report, base_url: str, headers: dict[str, str], dataset: str,
                   threshold: float, limit: int) -> None:
    print(f"\n== one wire-level batch of {len(QUERIES)} queries (POST /match/{dataset})")
    body = {"queries": {k: e.to_payload() for k, e, _, _ in QUERIES}}
    params = {"threshold": threshold, "limit": limit, "algorithm": "best"}
    url = f"{base_url.rstrip('/')}/match/{dataset}"
    try:
        resp = httpx.post(url, params=params, json=body, headers=headers, timeout=60.0)
    except httpx.HTTPError as exc:
        rep.fail(f"batch request failed: {exc}")
        return
    if resp.status_code != 200:
        rep.fail(f"batch request: HTTP {resp.status_code}: {resp.text[:300]}")
        return
    ctype = resp.headers.get("content-type", "")
    if not ctype.startswith("application/json"):
        rep.warn(f"Content-Type {ctype!r} (yente: application/json)")
    try:
        raw = resp.json()
    except ValueError:
        rep.fail(f"batch response is not JSON: {resp.text[:200]}")
        return
    check_raw_shape(rep, raw, [k for k, _, _, _ in QUERIES])
    by_key = {k: (exp, name) for k, _, exp, name in QUERIES}
    for key, inner in (raw.get("responses") or {}).items():
        if key not in by_key or not isinstance(inner, dict):
            continue
        try:
            parsed = MatchResponse.model_validate({
                "query": inner.get("query"),
                "results": inner.get("results"),
                "total": inner.get("total"),
                "limit": raw.get("limit"),
            })
        except ValidationError as exc:
            rep.fail(f"[{key}] batch entry does not parse with the client's models: "
                     f"{format_validation_error(exc)}")
            continue
        exp, name = by_key[key]
        hits = [r for r in parsed.results if r.match]
        if exp == "hit":
            want = norm(name or "")
            rep.check(any(want in {norm(n) for n in result_names(r)} for r in hits),
                      f"[{key}] hit in the batch answer too",
                      f"[{key}] expected hit {name!r} missing from the batch answer "
                      f"(single-query answer had it? see above)")
        else:
            rep.check(not hits, f"[{key}] still no match in the batch",
                      f"[{key}] matched in the batch: {[h.caption for h in hits]}")
    batch_size = resp.headers.get("x-batch-size")
    if batch_size is not None and batch_size != str(len(QUERIES)):
        rep.warn(f"x-batch-size header {batch_size} for {len(QUERIES)} queries")


def run_algorithms(rep: Report, client: Client) -> None:
    print("\n== GET /algorithms")
    try:
        algos = client.algorithms()
    except yente_client.TransportError:
        raise
    except NotFoundError:
        rep.warn("/algorithms is not served (404); yente-client's algorithms() and "
                 "`yente-cli algorithms` need it")
        return
    except ValidationError as exc:
        rep.fail(f"/algorithms does not parse with the client's model: {format_validation_error(exc)}")
        return
    except AuthenticationError as exc:
        rep.fail(f"/algorithms refused the token: HTTP {exc.status_code}")
        return
    except YenteError as exc:
        rep.warn(f"/algorithms failed: {exc}")
        return
    names = [a.name for a in algos.algorithms]
    print(f"  algorithms={names} default={algos.default!r} best={algos.best!r}")
    rep.check(algos.best in names or algos.best == "best",
              "`best` names one of the listed algorithms",
              f"best={algos.best!r} is not among {names}")


def run_errors(rep: Report, base_url: str, token: str, auth: str, dataset: str) -> None:
    print("\n== errors")
    # 1. wrong token
    bad = "not-" + token[::-1]
    with make_client(base_url, bad, auth) as c:
        try:
            c.match(Person(name="Yun Ho-jin"), datasets=[dataset])
            rep.fail("a wrong token was accepted: /match answered 200")
        except AuthenticationError as exc:
            rep.ok(f"wrong token refused: HTTP {exc.status_code} ({exc.detail[:80]!r})")
        except APIError as exc:
            rep.fail(f"wrong token: HTTP {exc.status_code}, expected 401 or 403 "
                     f"(the client maps only those to AuthenticationError)")
        except (ValidationError, KeyError) as exc:
            rep.fail(f"wrong token: the server answered something unparsable instead of 401: {exc}")
    # 2. no token at all
    with make_client(base_url, None, auth) as c:
        try:
            c.match(Person(name="Yun Ho-jin"), datasets=[dataset])
            rep.fail("a request without any token was accepted")
        except AuthenticationError as exc:
            rep.ok(f"missing token refused: HTTP {exc.status_code}")
        except APIError as exc:
            rep.fail(f"missing token: HTTP {exc.status_code}, expected 401")
        except (ValidationError, KeyError) as exc:
            rep.fail(f"missing token: unparsable answer instead of 401: {exc}")
    with make_client(base_url, token, auth) as c:
        # 3. unknown dataset
        try:
            c.match(Person(name="Yun Ho-jin"), datasets=["no_such_dataset_xyz"])
            rep.warn("an unknown dataset answered 200 (yente: 404 'No such dataset.')")
        except NotFoundError as exc:
            rep.ok(f"unknown dataset: 404 ({exc.detail[:60]!r})")
        except APIError as exc:
            rep.warn(f"unknown dataset: HTTP {exc.status_code} (yente: 404)")
        # 4. invalid queries, sent raw (the client refuses to build them)
    headers = auth_headers(token, auth)
    url = f"{base_url.rstrip('/')}/match/{dataset}"
    for label, body in (
        ("unknown schema", {"queries": {"a": {"schema": "NoSuchSchema", "properties": {"name": ["x"]}}}}),
        ("no queries", {"queries": {}}),
        ("body without queries", {"weights": {}}),
    ):
        try:
            r = httpx.post(url, json=body, headers=headers, timeout=30.0)
        except httpx.HTTPError as exc:
            rep.fail(f"{label}: request failed: {exc}")
            continue
        detail = None
        try:
            detail = r.json().get("detail")
        except (ValueError, AttributeError):
            pass
        if r.status_code in (400, 422) and detail is not None:
            rep.ok(f"{label}: HTTP {r.status_code} with detail {str(detail)[:70]!r}")
        elif r.status_code in (400, 422):
            rep.warn(f"{label}: HTTP {r.status_code} but no JSON 'detail' (yente-client shows "
                     f"body['detail'] as the error message)")
        else:
            rep.fail(f"{label}: HTTP {r.status_code}, expected 400 or 422: {r.text[:160]}")


def auth_headers(token: str | None, auth: str) -> dict[str, str]:
    if not token:
        return {}
    return {"Authorization": f"{'Bearer' if auth == 'bearer' else 'ApiKey'} {token}"}


def make_client(base_url: str, token: str | None, auth: str) -> Client:
    if auth == "bearer":
        return Client(base_url=base_url, headers=auth_headers(token, auth),
                      app_name="dossier-interop", timeout=60.0)
    return Client(base_url=base_url, api_key=token, app_name="dossier-interop", timeout=60.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base_url", help="e.g. http://127.0.0.1:8080 (the server root, no /match)")
    ap.add_argument("token", help="API token (any role; clearance does not matter for lists)")
    ap.add_argument("--dataset", default="default", help="path dataset (default: default)")
    ap.add_argument("--auth", choices=("apikey", "bearer"), default="apikey",
                    help="how the token is sent (the client's own way is ApiKey)")
    ap.add_argument("--threshold", type=float, default=0.7)
    ap.add_argument("--limit", type=int, default=5)
    ap.add_argument("--skip-errors", action="store_true", help="skip the error checks")
    args = ap.parse_args()

    rep = Report()
    print(f"yente-client {pkg_version()} against {args.base_url} (token sent as {args.auth})")
    try:
        with make_client(args.base_url, args.token, args.auth) as client:
            run_algorithms(rep, client)
            run_client_batch(rep, client, args.dataset, args.threshold, args.limit)
        run_wire_batch(rep, args.base_url, auth_headers(args.token, args.auth), args.dataset,
                       args.threshold, args.limit)
        if not args.skip_errors:
            run_errors(rep, args.base_url, args.token, args.auth, args.dataset)
    except (yente_client.TransportError, httpx.TransportError) as exc:
        rep.fail(f"cannot reach {args.base_url}: {exc}")
    return finish(rep)


def pkg_version() -> str:
    from importlib.metadata import version
    return version("yente-client")


def finish(rep: Report) -> int:
    print()
    if rep.warnings:
        print(f"{len(rep.warnings)} warning(s)")
    if rep.failures:
        print(f"FAILED: {len(rep.failures)} check(s):")
        for f in rep.failures:
            print(f"  - {f}")
        return 1
    print("OK: yente-client parsed every answer and every expected hit was there")
    return 0


if __name__ == "__main__":
    sys.exit(main())
