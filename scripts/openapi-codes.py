#!/usr/bin/env python3
"""openapi-codes.py -- regenerate the ErrorCode and FieldErrorCode schemas
of docs/api/openapi.yaml from the error table in src/core/err.h (codes,
HTTP statuses, English messages), plus nginx's own codes. With --check,
change nothing and exit 1 when the document is out of date (make check
runs that through tests/openapi_sync.py)."""
import os
import re
import sys

TOP = os.environ.get("XJ_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NGINX = [
    ("rate_limited", "429", "nginx: too many requests"),
    ("upstream_unavailable", "502, 504", "nginx: no worker reachable, or no answer in time"),
    ("client_certificate_required", "400", "nginx, exchange server: no client certificate"),
    ("client_certificate_invalid", "400", "nginx, exchange server: certificate failed verification"),
]


def table():
    with open(os.path.join(TOP, "src", "core", "err.h"), encoding="utf-8") as f:
        text = f.read()
    rows = re.findall(r'X\((\w+),\s*(\d+),\s*"([a-z0-9_]+)",\s*"(?:[^"\\]|\\.)*",\s*"((?:[^"\\]|\\.)*)"\)', text)
    req = [(c, st, en) for name, st, c, en in rows if not name.startswith("F_")]
    fld = [(c, st, en) for name, st, c, en in rows if name.startswith("F_")]
    return req, fld


def schema(name, intro, rows, with_status):
    out = ["    %s:" % name, "      type: string", "      description: |", "        %s" % intro, ""]
    if with_status:
        out += ["        | code | status | meaning |", "        |---|---|---|"]
        out += ["        | %s | %s | %s |" % (c, st, en.replace("|", "/")) for c, st, en in rows]
    else:
        out += ["        | code | meaning |", "        |---|---|"]
        out += ["        | %s | %s |" % (c, en.replace("|", "/")) for c, st, en in rows]
    out.append("      enum:")
    out += ["        - %s" % c for c, st, en in rows]
    return "\n".join(out) + "\n"


def render(doc):
    req, fld = table()
    mine = {c for c, st, en in req}
    # a code both answer (rate_limited) is listed once, with the worker's row
    new_req = schema("ErrorCode", "Machine codes of `error.code` (generated from src/core/err.h by "
                     "scripts/openapi-codes.py; nginx's own last):",
                     req + [r for r in NGINX if r[0] not in mine], True)
    new_fld = schema("FieldErrorCode", "Machine codes of `fields[].code` (generated from the "
                     "field-level group of src/core/err.h):", fld, False)
    pat = re.compile(r"^    ErrorCode:\n.*?(?=^    FieldErrorCode:\n)", re.S | re.M)
    doc, n1 = pat.subn(lambda m: new_req, doc)
    pat = re.compile(r"^    FieldErrorCode:\n.*?(?=^    \S)", re.S | re.M)
    doc, n2 = pat.subn(lambda m: new_fld, doc)
    if n1 != 1 or n2 != 1:
        sys.exit("openapi-codes: ErrorCode/FieldErrorCode schemas not found")
    return doc


def main():
    path = os.path.join(TOP, "docs", "api", "openapi.yaml")
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    new = render(doc)
    if "--check" in sys.argv:
        if new != doc:
            print("docs/api/openapi.yaml error codes are stale: run scripts/openapi-codes.py")
            return 1
        return 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
