#!/usr/bin/env python3
"""psbsim.py -- the public-security (公安) identity-verification gateway,
simulated: pulls pending verification requests from Xueji, answers each
from a fixture population (population.py) and posts the results back
(contract: docs/psb.md).

    psbsim.py --url http://127.0.0.1:8080 --key-file secrets/psb.key --once
    psbsim.py --url ... --key-file ... --loop --interval 0.2 --duration 30 \\
              --population 100000 --unknown 110105201901011234

As a module:

    from psbsim import Simulator
    from psbclient import PsbClient, load_key
    from population import Population
    sim = Simulator(PsbClient(url, key), Population(count=1000))
    summary = sim.run_once()      # {"pulled": .., "applied": .., ...}

Prints one JSON summary on stdout. Exit status: 0, or 1 when a call
failed (HTTP status other than 200, connection error), 2 on bad usage.
"""
import argparse
import json
import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from population import Population, DEFAULT_YEAR, FIELDS  # noqa: E402
from psbclient import PsbClient, PsbError, encode_body, load_key, load_key_id, MAX_BATCH  # noqa: E402

# Results are split into posts that stay under this many bytes (--max-body).
# Xueji takes up to 128 KiB per post (docs/psb.md §8); the default stays
# under 64 KiB, what a proxy in between commonly allows.
DEFAULT_MAX_BODY = 60000


def new_summary():
    return {"batches": 0, "pulled": 0, "posted": 0,
            "match": 0, "mismatch": 0, "not_found": 0,
            "applied": 0, "duplicate": 0, "refused": 0,
            "refused_by_code": {}, "dropped": 0, "resent": 0,
            "http_errors": 0, "errors": [], "elapsed_s": 0.0}


def merge(into, s):
    for k, v in s.items():
        if k == "refused_by_code":
            for c, n in v.items():
                into[k][c] = into[k].get(c, 0) + n
        elif k == "errors":
            into[k].extend(v)
            del into[k][:-20]           # keep the last 20
        elif k == "elapsed_s":
            into[k] = round(into[k] + v, 3)
        else:
            into[k] += v
    return into


class Simulator:
    """One gateway. decide(request) -> result dict may be replaced (e.g. a
    test that wants a fixed outcome); drop_rate leaves some requests
    unanswered (exercises the lease re-offer); resend_rate posts some
    results twice (exercises duplicate handling)."""

    def __init__(self, client, population, max_batch=100, max_body=DEFAULT_MAX_BODY,
                 drop_rate=0.0, resend_rate=0.0, seed=0, decide=None, log=None,
                 protocol=2):
        if not 1 <= max_batch <= MAX_BATCH:
            raise ValueError("max_batch must be 1..%d" % MAX_BATCH)
        self.client = client
        self.population = population
        self.max_batch = max_batch
        self.max_body = max_body
        self.drop_rate = drop_rate
        self.resend_rate = resend_rate
        self.rnd = random.Random(seed)
        # protocol 1: a gateway that predates guardian_link (docs/psb.md §4)
        self.decide = decide or (lambda q: population.decide(q, protocol=protocol))
        self.log = log                      # callable(str) or None
        self.last_results = []              # (result, status) pairs of the last run_once
        self.totals = new_summary()

    def _say(self, msg):
        if self.log:
            self.log(msg)

    def _chunks(self, results):
        """Split into posts of at most 500 results and max_body bytes."""
        chunk, size = [], len(b'{"results":[]}')
        for r in results:
            n = len(encode_body(r)) + 1
            if chunk and (len(chunk) == MAX_BATCH or size + n > self.max_body):
                yield chunk
                chunk, size = [], len(b'{"results":[]}')
            chunk.append(r)
            size += n
        if chunk:
            yield chunk

    def post_results(self, results, s):
        """Post results (any number), counting the statuses into s."""
        for chunk in self._chunks(results):
            statuses = self.client.post(chunk)
            s["posted"] += len(chunk)
            if len(statuses) != len(chunk):
                s["errors"].append("posted %d results, got %d statuses"
                                   % (len(chunk), len(statuses)))
            for r, st in zip(chunk, statuses):
                self.last_results.append((r, st))
                if st.get("verification_id") != r["verification_id"]:
                    s["errors"].append("status for %r answers %r"
                                       % (r["verification_id"], st.get("verification_id")))
                kind = st.get("status")
                if kind in ("applied", "duplicate", "refused"):
                    s[kind] += 1
                else:
                    s["errors"].append("unknown status %r" % (kind,))
                if kind == "refused":
                    code = st.get("code") or "?"
                    s["refused_by_code"][code] = s["refused_by_code"].get(code, 0) + 1
                    self._say("refused %s: %s" % (r["verification_id"], code))

    def run_once(self):
        """One cycle: pull one batch, decide, post. Returns the summary of
        this cycle (also added to self.totals)."""
        s = new_summary()
        t0 = time.monotonic()
        self.last_results = []
        try:
            reqs = self.client.pull(self.max_batch)
            s["batches"] = 1
            s["pulled"] = len(reqs)
            results = []
            for q in reqs:
                if self.drop_rate and self.rnd.random() < self.drop_rate:
                    s["dropped"] += 1
                    continue
                r = self.decide(q)
                s[r["outcome"]] += 1
                results.append(r)
            if self.resend_rate:
                again = [r for r in results if self.rnd.random() < self.resend_rate]
                s["resent"] = len(again)
                results += again
            if results:
                self.post_results(results, s)
            self._say("pulled %d, posted %d" % (s["pulled"], s["posted"]))
        except PsbError as e:
            s["http_errors"] += 1
            s["errors"].append(str(e))
            self._say("error: %s" % e)
        except OSError as e:
            s["http_errors"] += 1
            s["errors"].append("%s: %s" % (type(e).__name__, e))
            self._say("error: %s" % e)
        s["elapsed_s"] = round(time.monotonic() - t0, 3)
        merge(self.totals, s)
        return s

    def drain(self, max_cycles=100000):
        """Cycles until a pull comes back empty (or a call fails)."""
        s = new_summary()
        for _ in range(max_cycles):
            one = self.run_once()
            merge(s, one)
            if one["pulled"] == 0 or one["http_errors"]:
                break
        return s

    def loop(self, interval=0.2, duration=None, stop=lambda: False):
        """Cycles for `duration` seconds (None: until stop()); a full batch
        is followed at once by the next pull, otherwise wait `interval`."""
        s = new_summary()
        end = None if duration is None else time.monotonic() + duration
        while not stop() and (end is None or time.monotonic() < end):
            one = self.run_once()
            merge(s, one)
            if one["pulled"] < self.max_batch or one["http_errors"]:
                left = interval if end is None else min(interval, end - time.monotonic())
                if left > 0:
                    time.sleep(left)
        return s


# ---- command line ------------------------------------------------------

def parse_override(text):
    """ID:field=value[,field=value...] -> (id, {field: value})."""
    idn, sep, rest = text.partition(":")
    if not sep or not idn:
        raise argparse.ArgumentTypeError("expected ID:field=value[,field=value]")
    fields = {}
    for part in rest.split(","):
        k, eq, v = part.partition("=")
        if not eq or k not in FIELDS:
            raise argparse.ArgumentTypeError("fields are %s" % ", ".join(FIELDS))
        fields[k] = v
    return idn, fields


def main(argv=None):
    ap = argparse.ArgumentParser(description="Simulated PSB identity-verification gateway.")
    ap.add_argument("--url", required=True, help="base URL of Xueji (nginx), e.g. http://127.0.0.1:8080")
    ap.add_argument("--key-file", required=True, help="PSB key file: 64 hex digits")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="one pull and one post (default)")
    mode.add_argument("--drain", action="store_true", help="cycle until a pull returns nothing")
    mode.add_argument("--loop", action="store_true", help="cycle for --duration seconds")
    ap.add_argument("--interval", type=float, default=0.2, help="pause after a short batch (s)")
    ap.add_argument("--duration", type=float, default=None, help="--loop: seconds (default: until SIGINT/SIGTERM)")
    ap.add_argument("--max", type=int, default=100, help="batch size asked for (1..500)")
    ap.add_argument("--population", type=int, default=10000, help="persons 0..N-1 known to PSB")
    ap.add_argument("--population-start", type=int, default=0, help="first person index known to PSB")
    ap.add_argument("--year", type=int, default=DEFAULT_YEAR, help="enrollment year of the population")
    ap.add_argument("--unknown", nargs="+", action="extend", default=[], metavar="ID",
                    help="ID numbers PSB does not know (answer not_found)")
    ap.add_argument("--override", type=parse_override, action="append", default=[],
                    metavar="ID:field=value", help="PSB's official data for an ID, e.g. 110...:name=王小明")
    ap.add_argument("--drop-rate", type=float, default=0.0, help="share of requests left unanswered")
    ap.add_argument("--resend-rate", type=float, default=0.0, help="share of results posted twice")
    ap.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY, help="largest POST body in bytes")
    ap.add_argument("--seed", type=int, default=0, help="seed of drop/resend choices")
    ap.add_argument("--clock-offset", type=int, default=0, help="seconds added to our timestamps")
    ap.add_argument("--timeout", type=float, default=30, help="HTTP timeout (s)")
    ap.add_argument("--cafile", help="CA bundle for https")
    ap.add_argument("--cert", help="client certificate (mTLS)")
    ap.add_argument("--cert-key", help="client certificate's key (mTLS)")
    ap.add_argument("--insecure", action="store_true", help="https without verifying the server")
    ap.add_argument("--protocol", type=int, choices=(1, 2), default=2,
                    help="1: answer without guardian_link, as a gateway before version 2")
    ap.add_argument("-v", "--verbose", action="store_true", help="log each cycle on stderr")
    a = ap.parse_args(argv)
    if not 1 <= a.max <= MAX_BATCH:
        ap.error("--max must be 1..%d" % MAX_BATCH)

    try:
        key = load_key(a.key_file)
        key_id = load_key_id(a.key_file)
    except (OSError, ValueError) as e:
        print("psbsim: %s" % e, file=sys.stderr)
        return 2
    pop = Population(count=a.population, start=a.population_start, year=a.year)
    for idn in a.unknown:
        pop.mark_unknown(idn)
    for idn, fields in a.override:
        try:
            pop.set_official(idn, **fields)
        except ValueError as e:
            ap.error("--override %s: %s" % (idn, e))
    client = PsbClient(a.url, key, timeout=a.timeout, clock_offset=a.clock_offset,
                       cafile=a.cafile, certfile=a.cert, keyfile=a.cert_key,
                       insecure=a.insecure, key_id=key_id)
    log = (lambda m: print("psbsim: " + m, file=sys.stderr)) if a.verbose else None
    sim = Simulator(client, pop, max_batch=a.max, max_body=a.max_body,
                    drop_rate=a.drop_rate, resend_rate=a.resend_rate, seed=a.seed, log=log,
                    protocol=a.protocol)

    stopping = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.append(1))
    if a.loop:
        s = sim.loop(a.interval, a.duration, stop=lambda: bool(stopping))
    elif a.drain:
        s = sim.drain()
    else:
        s = sim.run_once()
    client.close()
    print(json.dumps(s, ensure_ascii=False, sort_keys=True))
    return 1 if s["http_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
