#!/usr/bin/env python3
"""test-summary.py BUILDDIR... -- count the automake .trs results of the
last `make check` in each build directory, show the log of every failed
test, and print the closing line "N passed, N failed" (", N skipped").
Exit 1 when anything failed or nothing ran."""
import os
import sys

passed = failed = skipped = 0
bad_logs = []
for build in sys.argv[1:]:
    for dirpath, _, files in os.walk(build):
        for name in sorted(files):
            if not name.endswith(".trs"):
                continue
            with open(os.path.join(dirpath, name), errors="replace") as f:
                results = [l.split(":", 2)[2].strip() for l in f
                           if l.startswith(":test-result:")]
            for r in results:
                if r in ("PASS", "XFAIL"):
                    passed += 1
                elif r == "SKIP":
                    skipped += 1
                else:
                    failed += 1
            if any(r in ("FAIL", "XPASS", "ERROR") for r in results):
                bad_logs.append(os.path.join(dirpath, name[:-4] + ".log"))
for log in bad_logs:
    print("---- %s" % log)
    try:
        with open(log, errors="replace") as f:
            lines = f.read().splitlines()
        print("\n".join(l for l in lines if not l.startswith("ok "))[-6000:])
    except OSError:
        print("(no log)")
line = "%d passed, %d failed" % (passed, failed)
if skipped:
    line += ", %d skipped" % skipped
print(line)
sys.exit(1 if failed or passed == 0 else 0)
