"""openapi_sync.py -- the HTTP API document is part of the code: every
route row in src/ (method + path) must be documented in
docs/api/openapi.yaml, every documented path must exist, and every
machine error code of src/core/err.h must appear in the document. TAP."""
import glob
import os
import re
import sys

top = os.environ.get("XJ_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(top, "docs", "api", "openapi.yaml"), encoding="utf-8") as f:
    doc = f.read()

routes = set()
for path in glob.glob(os.path.join(top, "src", "**", "*.c"), recursive=True):
    with open(path, encoding="utf-8") as f:
        for m in re.finditer(r'\{\s*XJ_M_(GET|POST|PUT|PATCH|DELETE),\s*"([^"]+)"', f.read()):
            routes.add((m.group(1).lower(), m.group(2)))

# the document's paths and their methods (a small YAML reader for this shape)
documented = set()
current = None
for line in doc.splitlines():
    m = re.match(r"^  (/[^:]*):\s*$", line)
    if m:
        current = m.group(1)
        continue
    if re.match(r"^\S", line):
        current = None
    m = re.match(r"^    (get|post|put|patch|delete):\s*$", line)
    if m and current:
        documented.add((m.group(1), current))

with open(os.path.join(top, "src", "core", "err.h"), encoding="utf-8") as f:
    codes = re.findall(r'X\(\w+,\s*\d+,\s*"([a-z0-9_]+)"', f.read())

n = 0
failed = 0


def ok(cond, name):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, name))


for method, path in sorted(routes):
    ok((method, path) in documented, "route %s %s is documented in openapi.yaml" % (method.upper(), path))
for method, path in sorted(documented - routes):
    ok(False, "documented %s %s exists in src/" % (method.upper(), path))
for code in codes:
    ok(re.search(r"\b%s\b" % re.escape(code), doc) is not None,
       "error code %s is documented in openapi.yaml" % code)
ok(len(routes) > 5 and len(codes) > 20, "routes and codes were found at all")
# the session's "may" (issue 14) lists the names of the one access table
with open(os.path.join(top, "src", "school", "scope.c"), encoding="utf-8") as f:
    acts = re.findall(r'ROW\(XJ_ACT_\w+,\s*"(\w+)"', f.read())
m = re.search(r"\n        may:\n.*?enum: \[([^\]]*)\]", doc, re.S)
ok(m is not None and len(acts) > 30 and sorted(re.split(r"[\s,]+", m.group(1).strip())) == sorted(acts),
   "the session's may enum in openapi.yaml is the action names of src/school/scope.c")
import subprocess
r = subprocess.run([sys.executable, os.path.join(top, "scripts", "openapi-codes.py"), "--check"],
                   capture_output=True, text=True, env=dict(os.environ, XJ_SRCDIR=top))
ok(r.returncode == 0, "the error-code enums of openapi.yaml are those of src/core/err.h " + r.stdout.strip())
# the document parses as YAML and every schema in it is one the black-box
# tests can check real answers against (tests/api/apischema.py)
sys.path.insert(0, os.path.join(top, "tests", "api"))
try:
    import apischema
    bad = apischema.Spec(os.path.join(top, "docs", "api", "openapi.yaml")).lint()
    ok(not bad, "every schema uses only keywords tests/api/apischema.py checks " + "; ".join(bad[:5]))
except Exception as e:      # not YAML at all
    ok(False, "openapi.yaml parses as YAML: %s" % e)
print("1..%d" % n)
sys.exit(1 if failed else 0)
