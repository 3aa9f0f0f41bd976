"""staff.py -- helpers for school-portal black-box tests: a staff client
with its own cookie (xj_staff) and CSRF token, like parent.py's Parent,
and fresh staff accounts cloned from the demo ones (src/ctl/seed.c), so
that each test owns its account: a lockout or a second login in one test
never touches another."""
import random

from xjtest import Failure

DEMO_PASSWORD = "xueji-demo"
SESSION = "/api/school/v1/session"

_seq = [random.randrange(1, 10_000_000)]


def new_account(s, like, role=None):
    """A new login in the org of the demo account `like` (e.g.
    "110105.reviewer"), with its role or `role`, and the demo password."""
    _seq[0] += 1
    login = "t%d.%s" % (_seq[0], like)
    s.sql("INSERT INTO staff_account (org_id, login, display_name, role, pw_hash)"
          " SELECT org_id, '%s', display_name, %s, pw_hash FROM staff_account"
          " WHERE login = '%s'" % (login, "'%s'" % role if role else "role", like))
    if s.sql("SELECT COUNT(*) FROM staff_account WHERE login = '%s'" % login)[0][0] != "1":
        raise Failure("no demo account %r to clone" % like)
    return login


class Staff:
    """A browser-like staff member: keeps the session cookie and CSRF token."""

    def __init__(self, s, login, password=DEMO_PASSWORD):
        self.s = s
        self.login_name = login
        self.password = password
        self.cookie = None
        self.csrf = None

    def call(self, method, path, body=None, headers=None, raw=None, csrf=True):
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = "__Host-xj_staff=" + self.cookie
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        st, hdr, b = self.s.http(method, path, body=body, headers=h, raw=raw)
        self._take_cookie(hdr)
        if isinstance(b, dict) and b.get("csrf_token"):
            self.csrf = b["csrf_token"]
        return st, hdr, b

    def _take_cookie(self, hdr):
        for part in hdr.get("set-cookie", "").split(", "):
            if part.startswith("__Host-xj_staff="):
                self.cookie = part.split(";", 1)[0][len("__Host-xj_staff="):] or None

    def login(self, password=None):
        return self.call("POST", SESSION, {"login": self.login_name,
                                           "password": password or self.password})


def signed_in(s, like, role=None):
    """A staff client signed in with a fresh clone of demo account `like`."""
    st = Staff(s, new_account(s, like, role))
    code, h, b = st.login()
    s.eq(code, 200, "staff login: %r" % (b,))
    return st
