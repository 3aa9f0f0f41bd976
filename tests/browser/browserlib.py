"""browserlib.py -- what the browser test files (run.py, story.py,
staff_records.py) share:
whether the browser packages are installed (else the file SKIPs, never
fails), and running one of the .mjs drivers in Debian's chromium through
npm playwright-core, its results.json turned into checks."""
import json
import os
import shutil
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CHROMIUM = "/usr/bin/chromium"


def skip_reason():
    if os.environ.get("XJ_NO_BROWSER") == "1":
        return "XJ_NO_BROWSER=1"
    if not os.access(CHROMIUM, os.X_OK):
        return "chromium not installed (scripts/install-deps)"
    if not shutil.which("node"):
        return "node not installed (scripts/install-deps)"
    for m in ("playwright-core", "axe-core"):
        if not os.path.isdir(os.path.join(HERE, "node_modules", m)):
            return "npm package %s not installed (scripts/install-deps)" % m
    return None


def run_driver(script, out, env, timeout=600):
    """node SCRIPT with env (plus XJ_OUT, XJ_CHROMIUM); its results.json
    ({checks: {name: {ok, diag}}, weights}) with "seconds" added. A driver
    that wrote none yields a failed check "run" with its last output."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    env = dict(os.environ, XJ_OUT=out, XJ_CHROMIUM=CHROMIUM, **env)
    t0 = time.monotonic()
    p = subprocess.run(["node", os.path.join(HERE, script)], env=env,
                       capture_output=True, text=True, timeout=timeout)
    res = {"seconds": time.monotonic() - t0}
    try:
        with open(os.path.join(out, "results.json")) as f:
            res.update(json.load(f))
    except (OSError, ValueError):
        res["checks"] = {"run": {"ok": False, "diag": "%s wrote no results (exit %d): %s"
                                 % (script, p.returncode, (p.stderr or p.stdout)[-600:])}}
    if p.returncode != 0 and "run" not in res["checks"]:
        res["checks"]["run"] = {"ok": False, "diag": "%s exit %d: %s"
                                % (script, p.returncode, (p.stderr or p.stdout)[-600:])}
    return res
