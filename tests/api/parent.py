"""parent.py -- helpers for parent-portal black-box tests: a parent
client with its own cookie and CSRF token, and valid registration bodies
for children of the PSB simulator's fixture population."""
import http.client
import itertools
import json
import os
import random
import sys

from xjtest import SRCDIR

sys.path.insert(0, os.path.join(SRCDIR, "tests", "psbsim"))
import population  # noqa: E402

# children drawn from a random stretch of the population, so that test
# files never collide even if they shared a database. itertools.count:
# next() on it is one step under the GIL, where "_next[0] += 1" was a read,
# an add and a store that two load threads could interleave -- the same
# child twice, a 409 duplicate_child the Galera test G2 once took for the
# server's
_next = itertools.count(random.randrange(1000, 10_000_000) + 1)


def new_child():
    return population.person(next(_next))


_phones = itertools.count(random.randrange(10_000_000, 99_999_999) + 1)


def new_phone():
    return "139%08d" % next(_phones)


def reg_body(p, district="110105", hukou="110105000000", **over):
    body = {
        "district": district,
        "child": {
            "name": p.name, "sex": p.sex, "birth_date": p.birth_date,
            "id_doc_type": "1", "id_number": p.id_number, "ethnicity": "01",
            "nationality": "中国", "hukou_nature": "resident",
            "hukou_location": hukou, "birthplace": "北京市朝阳区",
            "native_place": "北京市", "current_address": "北京市朝阳区建国路1号院2号楼301",
            "home_address": "北京市朝阳区建国路1号院2号楼301",
            "contact_address": "北京市朝阳区建国路1号院2号楼301",
        },
        "guardians": [{"relation": "父", "name": "王建国", "phone": "13800138000",
                       "employer": "北京某科技有限公司"}],
        "left_behind": False, "migrant_worker_child": False, "distance_km": 1.5,
        # M12: the privacy notice accepted (GET /api/ref/v1/privacy-notice)
        "privacy_notice_version": 1,
    }
    for k, v in over.items():
        if k.startswith("child_"):
            body["child"][k[6:]] = v
        else:
            body[k] = v
    return body


class Parent:
    """A browser-like parent: keeps the session cookie and CSRF token."""

    def __init__(self, s, phone=None, password="Secret123"):
        self.s = s
        self.phone = phone or new_phone()
        self.password = password
        self.cookie = None
        self.csrf = None

    def call(self, method, path, body=None, headers=None, raw=None, csrf=True):
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = "__Host-xj_parent=" + self.cookie
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        st, hdr, b = self.s.http(method, path, body=body, headers=h, raw=raw)
        self._take_cookie(hdr)
        if isinstance(b, dict) and b.get("csrf_token"):
            self.csrf = b["csrf_token"]
        return st, hdr, b

    def _take_cookie(self, hdr):
        sc = hdr.get("set-cookie", "")
        for part in sc.split(", "):
            if part.startswith("__Host-xj_parent="):
                val = part.split(";", 1)[0][len("__Host-xj_parent="):]
                self.cookie = val or None

    def request_code(self, purpose="signup"):
        """POST /sms-codes for this phone: (status, headers, body)."""
        return self.call("POST", "/api/parent/v1/sms-codes",
                         {"phone": self.phone, "purpose": purpose})

    def code(self, purpose="signup"):
        """Ask for a code and read it from the phone (the SMS simulator)."""
        before = len(self.s.sms_messages(self.phone))
        st, h, b = self.request_code(purpose)
        self.s.eq(st, 202, "code request: %r" % (b,))
        self.s.sms_deliver()
        msgs = self.s.sms_wait(self.phone, before + 1)
        self.s.eq(msgs[-1]["template"], "XJ_CODE", "a code arrived, not a notice")
        return msgs[-1]["params"]["code"]

    def signup(self):
        code = self.code("signup")
        st, h, b = self.call("POST", "/api/parent/v1/accounts",
                             {"phone": self.phone, "code": code, "password": self.password})
        self.s.eq(st, 201, "sign-up: %r" % (b,))
        return self

    def reset_password(self, new_password):
        """Reset by code (ends every session); the new password is kept."""
        code = self.code("reset")
        st, h, b = self.call("POST", "/api/parent/v1/password-reset",
                             {"phone": self.phone, "code": code, "new_password": new_password})
        if st == 204:
            self.password = new_password
        return st, h, b

    def login(self, password=None):
        return self.call("POST", "/api/parent/v1/session",
                         {"phone": self.phone, "password": password or self.password})

    def register(self, body, headers=None):
        return self.call("POST", "/api/parent/v1/registrations", body, headers=headers)


def certs(**over):
    """A non-local family's five-certificate filing (R-COL-9) with valid
    values; a member given in over replaces that item."""
    body = {
        "work_in_city": {"employer": "北京某科技有限公司", "permit_or_contract_no": "HT-2024-0815",
                         "since": "2023-03-01"},
        "residence_in_city": {"address": "北京市朝阳区望京西园三区305号楼1单元601",
                              "proof_no": "京(2022)朝阳区不动产权第0012345号"},
        "hukou_book": {"holder_name": "王建国", "book_no": "440305123456"},
        "residence_permit": {"permit_no": "110105199001011234", "valid_until": "2099-12-31"},
        "no_guardian_at_home": {"certificate_no": "南山街道〔2026〕第88号",
                                "issued_by": "深圳市南山区南山街道办事处"},
        "rental_verification": {"contract_no": "ZL-2024-5566",
                                "address": "北京市朝阳区望京西园三区305号楼1单元601"},
    }
    body.update(over)
    return body


def signed_up(s):
    return Parent(s).signup()


def prereg_with_check(first15):
    """A pre-registration number's 16th character (src/domain/prereg.c:
    ISO 7064 MOD 11-2 over the first 15 digits)."""
    total = 0
    for ch in first15[:15]:
        total = (total + int(ch)) * 2 % 11
    return first15[:15] + "10X98765432"[total]
