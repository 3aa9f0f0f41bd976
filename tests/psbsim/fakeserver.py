"""fakeserver.py -- Xueji's side of the PSB contract (docs/psb.md), in
memory, for testing the simulator without the real server. Not a model of
the registration state machine: it keeps verification requests, leases,
answers and nonces, and answers exactly as the contract says.

    srv = FakePsbServer(key, lease_seconds=300).start()     # 127.0.0.1, free port
    vid = srv.enqueue(person(7))                           # a pending request
    ... PsbClient(srv.url, key) ...
    srv.answer(vid)     # {"outcome": "match", ...} once a result was applied
    srv.stop()
"""
import hashlib
import hmac
import http.server
import itertools
import json
import re
import threading
import time
import urllib.parse
import uuid

PREFIX = "/callback/psb/v1"
WINDOW = 300
NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
TS_RE = re.compile(r"^[0-9]{1,12}$")
SIG_RE = re.compile(r"^[0-9a-f]{64}$")
OUTCOMES = ("match", "mismatch", "not_found")
FIELDS = ("name", "sex", "birth_date", "id_number")
LINKS = ("parent", "household", "none", "unknown")     # protocol 2
VERIFICATION_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

ERRORS = {
    "bad_signature": (401, "签名无效", "the request signature is missing or invalid"),
    "stale_timestamp": (401, "请求时间戳超出允许范围", "the request timestamp is outside the allowed window"),
    "replayed_nonce": (409, "请求随机数已被使用", "the request nonce was already used"),
    "not_found": (404, "未找到请求的资源", "resource not found"),
    "method_not_allowed": (405, "不支持该请求方法", "method not allowed for this resource"),
    "bad_query": (400, "查询参数不合法", "invalid query parameter"),
    "malformed_json": (400, "请求内容不是合法的 JSON", "request body is not valid JSON"),
    "unsupported_media_type": (415, "请求内容类型必须为 application/json", "content type must be application/json"),
    "body_too_large": (413, "请求内容过大", "request body too large"),
    "validation_failed": (422, "提交的信息有误，请按提示修改", "some fields are invalid, see fields"),
}


class _Req:
    __slots__ = ("rid", "item", "state", "lease_until", "answer", "offers")

    def __init__(self, rid, item):
        self.rid, self.item = rid, item
        self.state = "pending"          # pending | answered | superseded
        self.lease_until = 0.0
        self.answer = None
        self.offers = 0


class FakePsbServer:
    def __init__(self, key, lease_seconds=300, window=WINDOW, max_body=65536,
                 clock=time.time):
        self.key = key
        self.lease_seconds = lease_seconds
        self.window = window
        self.max_body = max_body
        self.clock = clock
        self.lock = threading.Lock()
        self.reqs = {}                   # rid -> _Req, in enqueue order
        self.nonces = {}                 # nonce -> expiry (unix s)
        self.log = []                    # what the server logged (see docs/psb.md)
        self.calls = []                  # (method, path, status) per call
        self._seq = itertools.count(1)
        self._httpd = None
        self._thread = None

    # ---- test API ------------------------------------------------------
    def enqueue(self, p, verification_id=None, guardian=None):
        """Queue a verification request for a Person or a dict with name,
        sex, birth_date, id_doc_type, id_number; guardian: the first
        guardian (a Person or {name, id_doc_type, id_number}) or None.
        Returns its verification_id."""
        d = p.as_dict() if hasattr(p, "as_dict") else dict(p)
        rid = verification_id or "vr-%06d-%s" % (next(self._seq), uuid.uuid4().hex[:12])
        if guardian is None:
            guardian = d.get("guardian")
        elif hasattr(guardian, "as_guardian"):
            guardian = guardian.as_guardian()
        item = {"verification_id": rid, "name": d["name"], "sex": d["sex"],
                "birth_date": d["birth_date"], "id_doc_type": d.get("id_doc_type", "1"),
                "id_number": d["id_number"], "guardian": guardian}
        with self.lock:
            self.reqs[rid] = _Req(rid, item)
        return rid

    def correct(self, rid, **changes):
        """The parent corrected the registration: the old request is
        superseded, a new one (returned) carries the corrected data."""
        with self.lock:
            old = self.reqs[rid]
            old.state = "superseded"
            item = dict(old.item)
        item.update(changes)
        item.pop("verification_id")
        return self.enqueue(item)

    def answer(self, rid):
        with self.lock:
            r = self.reqs.get(rid)
            return None if r is None or r.answer is None else dict(r.answer)

    def state(self, rid):
        with self.lock:
            return self.reqs[rid].state

    def offers(self, rid):
        with self.lock:
            return self.reqs[rid].offers

    def pending(self):
        with self.lock:
            return [r.rid for r in self.reqs.values() if r.state == "pending"]

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self._httpd.server_address[1]

    def start(self):
        srv = self

        class Handler(_Handler):
            server_ref = srv
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(5)
            self._httpd = None

    # ---- the contract ----------------------------------------------------
    def authenticate(self, method, target, headers, body, http_id, client):
        """None when the call may proceed, else the error code. Order:
        signature (which also covers malformed or missing headers), then
        the clock window, then the nonce -- so an unsigned request can
        neither probe nor burn nonces."""
        ts = headers.get("X-PSB-Timestamp")
        nonce = headers.get("X-PSB-Nonce")
        sig = headers.get("X-PSB-Signature")
        code = None
        if (ts is None or nonce is None or sig is None or not TS_RE.match(ts)
                or not NONCE_RE.match(nonce) or not SIG_RE.match(sig)):
            code = "bad_signature"
        else:
            msg = ("%s\n%s\n%s\n%s\n" % (ts, nonce, method, target)).encode() + body
            want = hmac.new(self.key, msg, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(want, sig):
                code = "bad_signature"
        now = int(self.clock())
        if code is None and abs(int(ts) - now) > self.window:
            code = "stale_timestamp"
        if code is None:
            with self.lock:
                for n in [n for n, exp in self.nonces.items() if exp < now]:
                    del self.nonces[n]
                if nonce in self.nonces:
                    code = "replayed_nonce"
                else:
                    # kept until no timestamp it could carry is acceptable
                    self.nonces[nonce] = int(ts) + self.window + 1
        if code:
            # reason, HTTP request id, client address; never the body
            self.log.append({"event": "psb_auth_refused", "reason": code,
                             "http_request_id": http_id, "client": client,
                             "method": method, "path": target.split("?")[0]})
        return code

    def pull(self, query):
        """(status, body) of GET .../requests."""
        q = urllib.parse.parse_qs(query, keep_blank_values=True)
        if set(q) - {"max"} or len(q.get("max", [])) > 1:
            return "bad_query", "max"
        n = 100
        if "max" in q:
            v = q["max"][0]
            if not re.fullmatch(r"[0-9]{1,3}", v) or not 1 <= int(v) <= 500:
                return "bad_query", "max"
            n = int(v)
        now = self.clock()
        out = []
        with self.lock:
            for r in self.reqs.values():
                if len(out) == n:
                    break
                if r.state == "pending" and r.lease_until <= now:
                    r.lease_until = now + self.lease_seconds
                    r.offers += 1
                    out.append(dict(r.item))
        return None, {"requests": out, "lease_seconds": self.lease_seconds, "version": 2}

    @staticmethod
    def validate(doc):
        """Field errors of a results body: [(field, code)]."""
        errs = []
        if not isinstance(doc, dict):
            return [(None, "wrong_type")]
        for k in doc:
            if k != "results":
                errs.append((k, "unknown_field"))
        res = doc.get("results")
        if res is None:
            return errs + [("results", "required")]
        if not isinstance(res, list):
            return errs + [("results", "wrong_type")]
        if len(res) > 500:
            return errs + [("results", "too_many_items")]
        for i, r in enumerate(res):
            p = "results[%d]" % i
            if not isinstance(r, dict):
                errs.append((p, "wrong_type"))
                continue
            for k in r:
                if k not in ("verification_id", "outcome", "mismatched_fields", "guardian_link"):
                    errs.append(("%s.%s" % (p, k), "unknown_field"))
            rid = r.get("verification_id")
            if rid is None:
                errs.append((p + ".verification_id", "required"))
            elif not isinstance(rid, str):
                errs.append((p + ".verification_id", "wrong_type"))
            elif not VERIFICATION_ID_RE.match(rid):
                errs.append((p + ".verification_id", "bad_format"))
            oc = r.get("outcome")
            if oc is None:
                errs.append((p + ".outcome", "required"))
            elif oc not in OUTCOMES:
                errs.append((p + ".outcome", "unknown_code"))
            mf = r.get("mismatched_fields")
            q = p + ".mismatched_fields"
            if mf is not None and not isinstance(mf, list):
                errs.append((q, "wrong_type"))
                mf = []
            for k, f in enumerate(mf or []):
                if not isinstance(f, str):
                    errs.append(("%s[%d]" % (q, k), "wrong_type"))
                elif f not in FIELDS:
                    errs.append(("%s[%d]" % (q, k), "unknown_code"))
            if oc == "mismatch":
                if not mf:
                    errs.append((q, "required"))
                elif len(set(map(str, mf))) != len(mf):
                    errs.append((q, "duplicate_item"))
            elif r.get("mismatched_fields") is not None and oc in OUTCOMES:
                errs.append((q, "not_allowed"))
            gl = r.get("guardian_link")
            if gl is not None:
                if gl not in LINKS:
                    errs.append((p + ".guardian_link", "unknown_code"))
                elif oc == "not_found":
                    errs.append((p + ".guardian_link", "not_allowed"))
        return errs

    def apply(self, results, http_id):
        """Per-result statuses. Precedence: unknown_request; an answered
        request compares answers (duplicate / conflicting_result) even when
        superseded since, so a retried delivery is still 'duplicate';
        then stale_request; else applied."""
        out = []
        with self.lock:
            for res in results:
                rid = res["verification_id"]
                ans = {"outcome": res["outcome"]}
                if res["outcome"] == "mismatch":
                    ans["mismatched_fields"] = sorted(res["mismatched_fields"])
                if res.get("guardian_link") is not None:
                    ans["guardian_link"] = res["guardian_link"]
                r = self.reqs.get(rid)
                if r is None:
                    st, code = "refused", "unknown_request"
                elif r.answer is not None:
                    st, code = (("duplicate", None) if r.answer == ans
                                else ("refused", "conflicting_result"))
                elif r.state == "superseded":
                    st, code = "refused", "stale_request"
                else:
                    r.answer, r.state = ans, "answered"
                    st, code = "applied", None
                if st == "refused":
                    # the reason and the opaque request id; no personal data
                    self.log.append({"event": "psb_result_refused", "reason": code,
                                     "verification_id": rid, "http_request_id": http_id})
                out.append({"verification_id": rid, "status": st, "code": code})
        return out


class _Handler(http.server.BaseHTTPRequestHandler):
    server_ref = None
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):      # quiet
        pass

    def _send(self, status, doc, extra=None):
        data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        srv = self.server_ref
        with srv.lock:          # before the answer leaves: the client may look at once
            srv.calls.append((self._method, self.path, status))
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", self.http_id)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, code, field=None, fields=None, extra=None):
        st, zh, en = ERRORS[code]
        e = {"code": code, "message": zh, "message_en": en, "field": field,
             "request_id": self.http_id}
        if fields is not None:
            e["fields"] = [{"field": f, "code": c, "message": c, "message_en": c}
                           for f, c in fields]
        self._send(st, {"error": e}, extra)
        return st

    def _handle(self, method):
        srv = self.server_ref
        self.http_id = uuid.uuid4().hex
        target = self.path
        path, _, query = target.partition("?")
        n = int(self.headers.get("Content-Length") or 0)
        if n > srv.max_body:
            # read it anyway (as nginx's lingering close does), so the
            # client sees the answer rather than a reset connection
            left = min(n, 16 << 20)
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
            self.close_connection = True
            return self._error("body_too_large")
        body = self.rfile.read(n) if n else b""
        routes = {PREFIX + "/requests": "GET", PREFIX + "/results": "POST"}
        if path not in routes:
            return self._error("not_found")
        if method != routes[path]:
            return self._error("method_not_allowed", extra={"Allow": routes[path]})
        code = srv.authenticate(method, target, self.headers, body, self.http_id,
                                self.client_address[0])
        if code:
            return self._error(code)
        if method == "GET":
            if body:
                return self._error("body_too_large")
            err, doc = srv.pull(query)
            if err:
                return self._error(err, field=doc)
            self._send(200, doc)
            return 200
        if query:
            return self._error("bad_query")
        ctype = self.headers.get("Content-Type", "")
        if ctype.split(";")[0].strip().lower() != "application/json":
            return self._error("unsupported_media_type")
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self._error("malformed_json")
        errs = srv.validate(doc)
        if errs:
            return self._error("validation_failed", field=errs[0][0], fields=errs)
        self._send(200, {"results": srv.apply(doc["results"], self.http_id)})
        return 200

    def _dispatch(self, method):
        self._method = method
        self._handle(method)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")
