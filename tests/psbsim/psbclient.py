"""psbclient.py -- the PSB gateway's side of the wire (docs/psb.md).

Every call is signed: X-PSB-Timestamp, X-PSB-Nonce and X-PSB-Signature =
lower-case hex HMAC-SHA256(key, ts "\\n" nonce "\\n" METHOD "\\n"
path_with_query "\\n" body). Stdlib only.

    c = PsbClient("http://127.0.0.1:8080", load_key("psb.key"))
    reqs = c.pull(100)                       # list of request items
    statuses = c.post([{"verification_id": ..., "outcome": "match"}])
    st, hdrs, body = c.call("GET", "/callback/psb/v1/requests?max=1",
                            ts=int(time.time()) - 301)      # forged: stale

call() never raises on an HTTP status; pull() and post() raise PsbError on
anything but 200.
"""
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import ssl
import stat
import sys
import time
import urllib.parse

PREFIX = "/callback/psb/v1"
REQUESTS_PATH = PREFIX + "/requests"
RESULTS_PATH = PREFIX + "/results"
MAX_BATCH = 500
NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class PsbError(Exception):
    """A call answered with something other than 200."""

    def __init__(self, status, body, headers=None):
        self.status, self.body, self.headers = status, body, headers or {}
        code = body.get("error", {}).get("code") if isinstance(body, dict) else None
        self.code = code
        super().__init__("HTTP %s %s" % (status, code or repr(body)[:200]))


def string_to_sign(ts, nonce, method, path, body=b""):
    """The exact bytes the signature covers."""
    head = "%s\n%s\n%s\n%s\n" % (ts, nonce, method.upper(), path)
    return head.encode("utf-8") + (body or b"")


def sign(key, ts, nonce, method, path, body=b""):
    """Lower-case hex HMAC-SHA256 over string_to_sign()."""
    return hmac.new(key, string_to_sign(ts, nonce, method, path, body),
                    hashlib.sha256).hexdigest()


def new_nonce():
    """32 characters of [A-Za-z0-9_-] from the OS's CSPRNG."""
    return secrets.token_urlsafe(24)


def load_key_ring(path, warn=True):
    """The PSB key file as {key id: key bytes}: "ID HEX" lines (the
    server's key-ring format, docs/operations.md "Keys"), or one bare line
    of 64 hex digits, which is key id 1."""
    st = os.stat(path)
    if warn and stat.S_IMODE(st.st_mode) & 0o077:
        print("psbclient: warning: %s is readable by group/others (want 0600)" % path,
              file=sys.stderr)
    with open(path, "rb") as f:
        lines = [l.strip() for l in f.read().decode("ascii", "replace").splitlines()]
    lines = [l for l in lines if l and not l.startswith("#")]
    if len(lines) == 1 and re.fullmatch(r"[0-9A-Fa-f]{64}", lines[0]):
        return {1: bytes.fromhex(lines[0])}
    ring = {}
    for l in lines:
        m = re.fullmatch(r"([1-9][0-9]*)\s+([0-9A-Fa-f]{64})", l)
        if not m:
            raise ValueError("%s: a PSB key file holds 'ID HEX' lines" % path)
        ring[int(m.group(1))] = bytes.fromhex(m.group(2))
    if not ring:
        raise ValueError("%s: no key" % path)
    return ring


def load_key(path, warn=True):
    """The current (highest id) PSB key's bytes; its id is load_key_id()."""
    ring = load_key_ring(path, warn)
    return ring[max(ring)]


def load_key_id(path):
    """The id of the current PSB key, sent as X-PSB-Key-Id."""
    return max(load_key_ring(path, warn=False))


def encode_body(body):
    """bytes as given; str as UTF-8; anything else as compact JSON."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class PsbClient:
    """One client = one (keep-alive) connection; use one per thread."""

    def __init__(self, base_url, key_bytes, timeout=30, clock_offset=0,
                 cafile=None, certfile=None, keyfile=None, insecure=False,
                 keepalive=True, key_id=None):
        u = urllib.parse.urlsplit(base_url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise ValueError("base_url must be http(s)://host[:port][/prefix]: %r" % base_url)
        self.scheme, self.host = u.scheme, u.hostname
        self.port = u.port or (443 if u.scheme == "https" else 80)
        self.prefix = u.path.rstrip("/")
        self.key = key_bytes
        self.key_id = key_id                 # X-PSB-Key-Id; None: not sent (= key id 1)
        self.timeout = timeout
        self.clock_offset = clock_offset     # simulate a gateway with a skewed clock
        self.keepalive = keepalive
        self.last_nonce = None
        self.last_request = None             # (method, path, headers, body) last sent
        self._conn = None
        self._ssl = None
        if self.scheme == "https":
            ctx = ssl.create_default_context(cafile=cafile)
            if insecure:
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            if certfile:            # mTLS: the gateway's client certificate
                ctx.load_cert_chain(certfile, keyfile)
            self._ssl = ctx

    # ---- transport ---------------------------------------------------
    def _connect(self):
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                               context=self._ssl)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _send(self, method, target, headers, data):
        """One exchange. A kept-alive connection the server closed while
        idle is retried once on a fresh one (nothing reached the server)."""
        for attempt in (0, 1):
            reused = self._conn is not None
            if self._conn is None:
                self._conn = self._connect()
            try:
                self._conn.request(method, target, body=data if data else None,
                                   headers=headers)
                resp = self._conn.getresponse()
                raw = resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError, ConnectionAbortedError):
                self.close()
                if reused and attempt == 0:
                    continue
                raise
            except Exception:
                self.close()
                raise
            if not self.keepalive or resp.will_close:
                self.close()
            return resp, raw

    def call(self, method, path, body=None, ts=None, nonce=None, signature=None,
             headers=None, omit=()):
        """Send one signed request; return (status, headers, parsed JSON or
        text). Forge with ts= (int or any string), nonce= (e.g. a reused
        one: the signature is still valid), signature= (sent as is), omit=
        (header names left out) and headers= (extra or replacing)."""
        method = method.upper()
        target = self.prefix + path
        data = encode_body(body)
        ts = str(int(time.time()) + self.clock_offset) if ts is None else str(ts)
        nonce = new_nonce() if nonce is None else nonce
        if signature is None:
            signature = sign(self.key, ts, nonce, method, target, data)
        h = {"Accept": "application/json",
             "X-PSB-Timestamp": ts, "X-PSB-Nonce": nonce, "X-PSB-Signature": signature}
        if self.key_id is not None:
            h["X-PSB-Key-Id"] = str(self.key_id)
        if data or method == "POST":
            h["Content-Type"] = "application/json; charset=utf-8"
        h.update(headers or {})
        for name in omit:
            for k in [k for k in h if k.lower() == name.lower()]:
                del h[k]
        self.last_nonce = nonce
        self.last_request = (method, target, dict(h), data)
        resp, raw = self._send(method, target, h, data)
        hdrs = {}
        for k, v in resp.getheaders():
            k = k.lower()
            hdrs[k] = hdrs[k] + ", " + v if k in hdrs else v
        text = raw.decode("utf-8", "replace")
        parsed = text
        if "json" in hdrs.get("content-type", "") and text:
            try:
                parsed = json.loads(text)
            except ValueError:
                pass
        return resp.status, hdrs, parsed

    # ---- the two operations ---------------------------------------------
    def pull(self, max=None):
        """Lease up to `max` pending requests (server default 100)."""
        path = REQUESTS_PATH if max is None else "%s?max=%d" % (REQUESTS_PATH, max)
        st, h, b = self.call("GET", path)
        if st != 200 or not isinstance(b, dict) or not isinstance(b.get("requests"), list):
            raise PsbError(st, b, h)
        return b["requests"]

    def post(self, results):
        """Post up to 500 results; return the per-result statuses."""
        results = list(results)
        if len(results) > MAX_BATCH:
            raise ValueError("at most %d results per call" % MAX_BATCH)
        st, h, b = self.call("POST", RESULTS_PATH, {"results": results})
        if st != 200 or not isinstance(b, dict) or not isinstance(b.get("results"), list):
            raise PsbError(st, b, h)
        return b["results"]
