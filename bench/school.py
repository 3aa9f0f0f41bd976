#!/usr/bin/env python3
"""school.py -- scenario (e) of the bench (docs/benchmarks.md): school
staff ticking and counties approving, run by bench/bench.py beside wrk's
mixed first-morning profile (d).

    python3 bench/school.py PORT SECS PLANFILE [BATCH]

PLANFILE (JSON, written by bench.py) is a list of schools:
  {"school": code, "clerk": [cookie, csrf], "reviewer": [cookie, csrf],
   "county": [cookie, csrf], "children": [prereg_no, ...]}
Every school gets its own printable children of its district (no two
schools ever tick one child, so no 409 already_ticked is expected). One
thread per school loops, closed loop, until SECS have passed or its
children run out: the clerk ticks BATCH (default 10) children, the school's reviewer
submits the list (POST admission-lists), the county reviewer approves it
(decision approve). Sessions are logged in by bench.py before the run, so
no password hash is computed here.

Prints one line "XJRESULT {json}" in the format of bench/lua/xj.lua's
done() (requests, duration, latency percentiles over every request,
statuses) plus: ticks, lists, approved (children approved, from the
decisions' "approved" counts), per-kind counts and errors (every answer
outside 2xx, with its code and body prefix, at most 20 kept)."""
import http.client
import json
import sys
import threading
import time

BATCH = 10
APPL = "/api/school/v1/applicants/"
LISTS = "/api/school/v1/admission-lists"


def main():
    global BATCH
    port, secs, plan = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    if len(sys.argv) > 4:
        BATCH = int(sys.argv[4])
    with open(plan) as f:
        schools = json.load(f)
    lock = threading.Lock()
    agg = {"lat": [], "statuses": {}, "ticks": 0, "lists": 0, "decisions": 0, "approved": 0,
           "exhausted": 0, "errors": [], "sock": 0, "seen": []}
    t_end = time.monotonic() + secs

    def worker(sc):
        conn = [http.client.HTTPConnection("127.0.0.1", port, timeout=30)]
        lat, statuses, errs, bykind = [], {}, [], {}
        ticks = lists = decisions = approved = sock = 0
        # every list this thread submitted: [id, the decision's last
        # status, its "approved", 202s before it] (bench.py's student
        # check compares them with the database when they disagree)
        seen = []

        def call(kind, who, method, path, body=None):
            nonlocal sock
            h = {"Accept": "application/json", "Cookie": "__Host-xj_staff=" + who[0],
                 "X-CSRF-Token": who[1]}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                h["Content-Type"] = "application/json"
            t0 = time.monotonic()
            try:
                conn[0].request(method, path, body=data, headers=h)
                resp = conn[0].getresponse()
                raw = resp.read()
                st = resp.status
            except (OSError, http.client.HTTPException) as e:
                sock += 1
                conn[0].close()
                conn[0] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                if len(errs) < 20:
                    errs.append("%s %s: %r" % (method, path, e))
                return 0, None
            lat.append(time.monotonic() - t0)
            bykind.setdefault(kind, []).append(lat[-1])
            statuses[str(st)] = statuses.get(str(st), 0) + 1
            if not 200 <= st < 300 and len(errs) < 20:
                errs.append("%s %s: %d %s" % (method, path, st, raw[:200].decode("utf-8", "replace")))
            try:
                return st, json.loads(raw) if raw else None
            except ValueError:
                return st, None

        kids = list(sc["children"])
        i = 0
        while time.monotonic() < t_end:
            batch = kids[i:i + BATCH]
            i += BATCH
            if not batch:
                with lock:
                    agg["exhausted"] = 1
                break
            n = 0
            for no in batch:
                st, _ = call("tick", sc["clerk"], "POST", APPL + no + "/tick")
                if st == 200:
                    ticks += 1
                    n += 1
            if not n:
                continue
            st, b = call("submit", sc["reviewer"], "POST", LISTS)
            if st != 201 or not b:
                continue
            lists += 1
            st, d = call("decide", sc["county"], "POST", "%s/%d/decision" % (LISTS, b["id"]),
                         {"decision": "approve"})
            # 202: the time budget ran out with children pending; the
            # same decision again goes on (docs/api/openapi.yaml)
            n202 = 0
            while st == 202 and d:
                n202 += 1
                st, d = call("decide", sc["county"], "POST", "%s/%d/decision" % (LISTS, b["id"]),
                             {"decision": "approve"})
            seen.append([b["id"], st, int(d.get("approved", 0)) if st == 200 and d else None, n202])
            if st == 200 and d:
                decisions += 1
                approved += int(d.get("approved", 0))
        conn[0].close()
        with lock:
            agg["lat"] += lat
            for k, v in bykind.items():
                agg.setdefault("bykind", {}).setdefault(k, []).extend(v)
            for k, v in statuses.items():
                agg["statuses"][k] = agg["statuses"].get(k, 0) + v
            agg["ticks"] += ticks
            agg["lists"] += lists
            agg["decisions"] += decisions
            agg["approved"] += approved
            agg["sock"] += sock
            agg["errors"] += errs
            agg["seen"] += seen

    t0 = time.monotonic()
    ths = [threading.Thread(target=worker, args=(sc,)) for sc in schools]
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    dur = time.monotonic() - t0
    lat = sorted(agg["lat"])

    def pct(p, lat=lat):
        if not lat:
            return 0
        return int(lat[min(len(lat) - 1, int(len(lat) * p / 100.0))] * 1e6)
    kinds = {}
    for k, v in agg.get("bykind", {}).items():
        v.sort()
        kinds[k] = {"n": len(v), "p50_ms": pct(50, v) / 1e3, "p99_ms": pct(99, v) / 1e3}
    out = {"requests": len(lat), "duration_us": int(dur * 1e6), "connect": 0, "read": agg["sock"],
           "write": 0, "status_errors": 0, "timeout": 0, "p50_us": pct(50), "p99_us": pct(99),
           "p999_us": pct(99.9), "max_us": int(lat[-1] * 1e6) if lat else 0,
           "exhausted": agg["exhausted"], "statuses": agg["statuses"], "ticks": agg["ticks"],
           "lists": agg["lists"], "decisions": agg["decisions"], "approved": agg["approved"],
           "schools": len(schools), "errors": agg["errors"], "kinds": kinds,
           "batch": BATCH, "lists_seen": sorted(agg["seen"])}
    print("XJRESULT " + json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
