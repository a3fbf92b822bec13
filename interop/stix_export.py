"""Every TAXII collection of a dossier server, read with taxii2-client, checked with the
OASIS stix2-validator as STIX 2.1: up to N objects per collection (spread over the
collection), or all with --all. Errors fail; warnings (custom properties, open
vocabularies) are counted.

    python interop/stix_export.py BASE_URL TOKEN [--per-collection N | --all]
"""

import argparse
import sys
from collections import Counter

from stix2validator import ValidationOptions, validate_instance
from taxii2client.v21 import Server, as_pages

p = argparse.ArgumentParser()
p.add_argument("base")
p.add_argument("token")
p.add_argument("--per-collection", type=int, default=400)
p.add_argument("--all", action="store_true")
a = p.parse_args()

server = Server(a.base.rstrip("/") + "/taxii2/", user="interop", password=a.token)
root = server.api_roots[0]
opts = ValidationOptions(version="2.1")
failed = 0
for c in root.collections:
    objects = [o for env in as_pages(c.get_objects, per_request=5000) for o in env.get("objects", [])]
    step = 1 if a.all or len(objects) <= a.per_collection else len(objects) // a.per_collection
    sample = objects[::step]
    errors = Counter()
    warnings = Counter()
    for o in sample:
        r = validate_instance(o, opts)
        for e in r.errors:
            errors[f"{o.get('type')}: {str(e.message)[:140]}"] += 1
        for w in r.warnings:
            warnings[str(w)[:5]] += 1
    print(f"{c.title}: {len(objects)} objects, {len(sample)} validated, "
          f"{sum(errors.values())} errors, warnings {dict(warnings)}")
    for e, n in errors.most_common(5):
        print(f"   ERROR x{n} {e}")
    failed += sum(errors.values())
if failed:
    print(f"FAIL: {failed} validation errors")
    sys.exit(1)
print("OK: every validated object is valid STIX 2.1")
