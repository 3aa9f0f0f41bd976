#!/usr/bin/env python3
"""smssim.py -- an SMS gateway simulator speaking the protocol of
docs/sms.md (stdlib only), for the black-box tests and the local instance.

It plays the gateway and the phones: it checks each request's signature
(HMAC-SHA256 over timestamp, nonce, method, path and body under the key of
the credentials file), its timestamp window and nonce, keeps one message
per msg_id (a resent msg_id is answered 200 and not shown twice), renders
the template and prints what the phone would show. Tests read messages
back over HTTP and can make it fail:

    smssim.py --port 9099 --credentials sms.cred [--log FILE]

    POST /sms/v1/send                   the gateway (docs/sms.md)
    GET  /_messages[?phone=P]           [{msg_id, phone, template, params, text, receipts}]
    GET  /_requests                     {"total": n, "by_msg_id": {id: n}, "refused": n}
    POST /_control {"fail": N, "status": 500}    answer the next N sends with status
    POST /_control {"delay": S, "count": N}      answer the next N sends S seconds late
                                                  (the message is kept at once, as a
                                                  real gateway would have sent it)
    POST /_control {"reset": true}               forget messages and failures

The log (stdout or --log) shows each message as the phone would, codes
included: it is the phone's screen, not a log of Xueji.
"""
import argparse
import hashlib
import hmac
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TEMPLATES = {
    "XJ_CODE": "您的验证码为{code}，用于{purpose}，{minutes}分钟内有效。请勿告诉他人。",
    "XJ_REGISTERED": "该手机号已注册学籍登记账号，可直接登录；如忘记密码，请使用“找回密码”。如非本人操作，请忽略本短信。",
}
SEND_PATH = "/sms/v1/send"
WINDOW = 300


class State:
    def __init__(self, app_id, key, log):
        self.app_id = app_id
        self.key = key
        self.log = log
        self.lock = threading.Lock()
        self.messages = []          # in arrival order
        self.by_id = {}
        self.requests = {}          # msg_id -> receipts
        self.total = 0
        self.refused = 0
        self.fail = []              # statuses for the next sends
        self.delays = []            # seconds for the next sends
        self.nonces = {}

    def say(self, line):
        with self.lock:
            self.log.write(time.strftime("%Y-%m-%d %H:%M:%S ") + line + "\n")
            self.log.flush()


def read_credentials(path):
    with open(path) as f:
        parts = f.read().split()
    if len(parts) != 2:
        raise SystemExit("credentials: want 'APP_ID SECRET_HEX'")
    return parts[0], bytes.fromhex(parts[1])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    st = None

    def log_message(self, fmt, *args):  # requests are not the phone's business
        pass

    def answer(self, status, obj):
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        st = self.st
        u = urlparse(self.path)
        if u.path == "/_messages":
            phone = parse_qs(u.query).get("phone", [None])[0]
            with st.lock:
                out = [dict(m, receipts=st.requests.get(m["msg_id"], 0)) for m in st.messages
                       if phone is None or m["phone"] == phone]
            return self.answer(200, out)
        if u.path == "/_requests":
            with st.lock:
                return self.answer(200, {"total": st.total, "by_msg_id": dict(st.requests),
                                         "refused": st.refused})
        return self.answer(404, {"code": "not_found"})

    def do_POST(self):
        st = self.st
        u = urlparse(self.path)
        raw = self.body()
        if u.path == "/_control":
            c = json.loads(raw or b"{}")
            with st.lock:
                if c.get("reset"):
                    st.messages, st.by_id, st.requests = [], {}, {}
                    st.total = st.refused = 0
                    st.fail, st.delays = [], []
                if "fail" in c:
                    st.fail += [int(c.get("status", 500))] * int(c["fail"])
                if "delay" in c:
                    st.delays += [float(c["delay"])] * int(c.get("count", 1))
            return self.answer(200, {"ok": True})
        if u.path != SEND_PATH:
            return self.answer(404, {"code": "not_found"})
        return self.send_sms(u, raw)

    def refuse(self, status, code):
        with self.st.lock:
            self.st.refused += 1
        self.st.say("REFUSED %d %s" % (status, code))
        return self.answer(status, {"code": code})

    def send_sms(self, u, raw):
        st = self.st
        h = self.headers
        app, ts, nonce, sig = (h.get("X-Sms-App-Id"), h.get("X-Sms-Timestamp"),
                               h.get("X-Sms-Nonce"), h.get("X-Sms-Signature"))
        if not (app and ts and nonce and sig):
            return self.refuse(401, "missing_signature")
        if app != st.app_id:
            return self.refuse(401, "unknown_app")
        if not re.fullmatch(r"[0-9]{1,12}", ts) or abs(int(ts) - time.time()) > WINDOW:
            return self.refuse(401, "stale_timestamp")
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", nonce):
            return self.refuse(401, "bad_nonce")
        path = u.path + ("?" + u.query if u.query else "")
        msg = ("%s\n%s\nPOST\n%s\n" % (ts, nonce, path)).encode() + raw
        want = hmac.new(st.key, msg, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, sig.lower()):
            return self.refuse(401, "bad_signature")
        now = time.time()
        with st.lock:
            for n, t in list(st.nonces.items()):
                if t < now - 2 * WINDOW:
                    del st.nonces[n]
            if nonce in st.nonces:
                replay = True
            else:
                replay = False
                st.nonces[nonce] = now
        if replay:
            return self.refuse(409, "replayed_nonce")
        try:
            m = json.loads(raw)
            msg_id, phone, tpl, params = m["msg_id"], m["phone"], m["template"], m["params"]
            sign_name = m["sign_name"]
        except (ValueError, KeyError, TypeError):
            return self.refuse(400, "bad_request")
        if m.get("app_id") != st.app_id:
            return self.refuse(400, "app_id_mismatch")
        if not re.fullmatch(r"1[3-9][0-9]{9}", str(phone)):
            return self.refuse(400, "invalid_phone")
        if tpl not in TEMPLATES or not isinstance(params, dict):
            return self.refuse(400, "unknown_template")
        try:
            text = "【%s】" % sign_name + TEMPLATES[tpl].format(**params)
        except KeyError:
            return self.refuse(400, "missing_param")
        with st.lock:
            st.total += 1
            st.requests[msg_id] = st.requests.get(msg_id, 0) + 1
            dup = msg_id in st.by_id
            if not dup:
                rec = {"msg_id": msg_id, "phone": phone, "template": tpl, "params": params,
                       "text": text, "at": now}
                st.by_id[msg_id] = rec
                st.messages.append(rec)
            status = st.fail.pop(0) if st.fail else 200
            delay = st.delays.pop(0) if st.delays else 0
        if not dup and status == 200:
            st.say("SMS to %s: %s" % (phone, text))
        if delay:
            time.sleep(delay)
        if status != 200:
            # a failing gateway sent nothing: forget it so a retry shows it
            with st.lock:
                if not dup and st.by_id.get(msg_id) is not None and status >= 500:
                    st.messages.remove(st.by_id.pop(msg_id))
            st.say("FAIL %d for msg %s" % (status, msg_id))
            return self.answer(status, {"code": "gateway_error"})
        return self.answer(200, {"code": "ok", "msg_id": msg_id, "duplicate": dup})


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--credentials", required=True)
    ap.add_argument("--log")
    args = ap.parse_args()
    app_id, key = read_credentials(args.credentials)
    log = open(args.log, "a") if args.log else sys.stdout
    Handler.st = State(app_id, key, log)
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    Handler.st.say("smssim listening on 127.0.0.1:%d%s" % (args.port, SEND_PATH))
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
