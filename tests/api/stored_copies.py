"""Black-box: masking and stored copies (issue 10, part C; review findings
H2, H3, M9, L3). Real answers of the parent and school portals are checked
against the masking criterion of src/domain/mask.h (docs/security.md,
"What parents see"): the numbers consistent with everything an answer
shows -- the masked value's visible characters, the birth date, sex and
the area code -- must be at least min(what the other fields leave, 10^4).
The database is read directly to prove what it does not hold."""
import http.client
import json
import os

from parent import certs, new_child, reg_body, signed_up
from staff import signed_in
from xjtest import SRCDIR, run, test

CY1 = "1110500001"        # 北京市朝阳区第一实验小学 (src/ctl/seed.c)
NONLOCAL_HUKOU = "440305000000"       # 深圳市南山区


def nonlocal_reg(s):
    """(parent, prereg_no) of a non-local family, identity verified (SQL
    standing in for the PSB's match, as in certificates.py)."""
    p = signed_up(s)
    st, h, b = p.register(reg_body(new_child(), hukou=NONLOCAL_HUKOU))
    s.eq(st, 201, "registration: %r" % (b,))
    no = b["prereg_no"]
    s.sql("UPDATE registration SET state = 'id_verified' WHERE prereg_no = '%s'"
          " AND state = 'submitted' AND cert_state = 'none'" % no)
    return p, no


def file_certs(p, no, body=None, headers=None):
    return p.call("POST", "/api/parent/v1/registrations/%s/certificates" % no,
                  body if body is not None else certs(), headers=headers)
W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_char(first17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, W)) % 11]


def consistent(masked, cand):
    """cand agrees with every character the masked value shows."""
    return len(masked) == len(cand) and all(m == "*" or m == c for m, c in zip(masked, cand))


def n_type1(masked, area, birth=None, male=None, cap=10_000):
    """Numbers consistent with the masked value, the area code and, when
    given, the birth date (YYYYMMDD) and sex; counting stops at cap."""
    n = 0
    births = [birth] if birth else ["%04d%02d%02d" % (y, m, d) for y in range(1950, 2009)
                                    for m in range(1, 13) for d in range(1, 29)]
    for b in births:
        for seq in range(1000):
            if male is not None and seq % 2 != male:
                continue
            f17 = area + b + "%03d" % seq
            if consistent(masked, f17 + check_char(f17)):
                n += 1
                if n >= cap:
                    return n
    return n


def assert_child_masked(s, child_obj, id_number, sex):
    """H2 on one answer's child object."""
    m = child_obj["id_number_masked"]
    birth = child_obj["birth_date"].replace("-", "")
    s.eq(birth, id_number[6:14], "the birth date shown beside the number")
    nk = n_type1("*" * 18, id_number[:6], birth, sex == "M")
    n = n_type1(m, id_number[:6], birth, sex == "M")
    s.eq(nk, 500, "birth date + sex + area leave 500 numbers")
    s.ok(n >= min(nk, 10_000), "masked %r + birth date + sex + area leave %d numbers" % (m, n))
    s.ok(id_number not in json.dumps(child_obj), "the full number is not in the answer")


def raw_call(p, method, path, body):
    """(status, headers, raw bytes) of a parent call, nothing decoded."""
    h = {"Content-Type": "application/json", "Cookie": "__Host-xj_parent=" + p.cookie,
         "X-CSRF-Token": p.csrf, "Accept": "application/json"}
    c = http.client.HTTPConnection("127.0.0.1", p.s.stack.port, timeout=30)
    try:
        c.request(method, path, body=json.dumps(body, ensure_ascii=False).encode(), headers=h)
        r = c.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    finally:
        c.close()


# ---- H2 -------------------------------------------------------------------------

@test("H2: no answer of the parent portal lets the masked ID plus the birth date rebuild the number")
def _(s):
    p = signed_up(s)
    child = new_child()
    guardian = "11010519800101003" + check_char("11010519800101003")    # a father
    body = reg_body(child)
    body["guardians"][0].update({"id_doc_type": "1", "id_number": guardian})
    st, h, b = p.register(body)
    s.eq(st, 201, b)
    no = b["prereg_no"]
    st, h, got = p.call("GET", "/api/parent/v1/registrations/" + no)
    s.eq(st, 200, got)
    for ans in (b, got):
        assert_child_masked(s, ans["child"], child.id_number, child.sex)
        g = ans["guardians"][0]
        # no birth date beside a guardian's number: at least 10^4 remain
        s.ok(n_type1(g["id_number_masked"], guardian[:6], male=True) >= 10_000,
             "guardian %r" % g["id_number_masked"])
        s.eq(g["phone_masked"], "1380013****", "the 4 subscriber digits hidden")
        s.ok(guardian not in json.dumps(ans) and "13800138000" not in json.dumps(ans), ans)


@test("H2: no answer of the school portal lets the masked ID plus the birth date rebuild the number")
def _(s):
    p = signed_up(s)
    child = new_child()
    # the family chooses the school, which may then see it (review M5)
    st, h, b = p.register(reg_body(child, school_code=CY1))
    s.eq(st, 201, b)
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, ap = clerk.call("GET", "/api/school/v1/applicants/" + b["prereg_no"])
    s.eq(st, 200, ap)
    assert_child_masked(s, ap["child"], child.id_number, child.sex)
    # the certificate review shows the child's birth date beside the
    # filing, whose permit number is a citizen ID number (M9)
    p2, no2 = nonlocal_reg(s)
    st, h, fb = file_certs(p2, no2)
    s.eq(st, 200, fb)
    rev = signed_in(s, "110105.reviewer")
    st, h, r = rev.call("GET", "/api/school/v1/certificate-reviews/" + no2)
    s.eq(st, 200, r)
    pm = r["details"]["residence_permit"]["permit_no"]
    s.ok(n_type1(pm, "110105", male=True) >= 10_000, "permit number %r" % pm)


# ---- H3 -------------------------------------------------------------------------

@test("H3: after a registration with Idempotency-Key, idempotency_key holds no name, birth date "
      "or masked ID; the replay answers the same registration with Idempotent-Replayed")
def _(s):
    p = signed_up(s)
    child = new_child()
    body = reg_body(child)
    st1, h1, b1 = p.register(body, headers={"Idempotency-Key": "h3-key-1"})
    s.eq(st1, 201, b1)
    no = b1["prereg_no"]
    pid = s.sql("SELECT parent_id FROM registration WHERE prereg_no = '%s'" % no)[0][0]
    rows = s.sql("SELECT scope, status, response, HEX(response) FROM idempotency_key"
                 " WHERE owner_id = %s" % pid)
    s.eq([r[:3] for r in rows], [["registration", "201", no]], "status and a pointer only")
    dump = " ".join(" ".join(r) for r in s.sql(
        "SELECT owner_id, scope, status, response, created_at FROM idempotency_key"
        " WHERE owner_id = %s" % pid))
    for secret in (child.name, child.birth_date, child.birth_date.replace("-", ""),
                   child.id_number[:6] + "*", "北京市朝阳区建国路", "王建国"):
        s.ok(secret not in dump, "%r stored with the key: %r" % (secret, dump))
    st2, h2, b2 = p.register(body, headers={"Idempotency-Key": "h3-key-1"})
    s.eq((st2, h2.get("idempotent-replayed"), h2.get("location")),
         (201, "true", "/api/parent/v1/registrations/" + no))
    # the same answer while nothing changed; the times are the database's
    # now, the first answer took the worker's clock (a second apart at most)
    untimed = lambda b: {k: v for k, v in b.items() if k not in ("created_at", "updated_at")}
    s.eq(untimed(b2), untimed(b1), "the same answer while nothing changed")
    # changed since: the replay answers the registration as it is now
    st, h, c = p.call("POST", "/api/parent/v1/registrations/%s/cancel" % no)
    s.eq(st, 200, c)
    st3, h3, b3 = p.register(body, headers={"Idempotency-Key": "h3-key-1"})
    s.eq((st3, h3.get("idempotent-replayed"), b3["prereg_no"], b3["state"]),
         (201, "true", no, "cancelled"), b3)


@test("H3: a certificate filing with Idempotency-Key keeps the number, not the filing; the replay "
      "answers the filing")
def _(s):
    p, no = nonlocal_reg(s)
    st1, h1, b1 = file_certs(p, no, headers={"Idempotency-Key": "h3-certs"})
    s.eq(st1, 200, b1)
    pid = s.sql("SELECT parent_id FROM registration WHERE prereg_no = '%s'" % no)[0][0]
    s.eq(s.sql("SELECT scope, status, response FROM idempotency_key WHERE owner_id = %s"
               " AND scope = 'certificates'" % pid), [["certificates", "200", no]])
    st2, h2, b2 = file_certs(p, no, headers={"Idempotency-Key": "h3-certs"})
    s.eq((st2, h2.get("idempotent-replayed")), (200, "true"), b2)
    s.eq(b2, b1)


@test("H3: the column refuses an answer body; the purge job deletes keys past "
      "idempotency_retention (48 h) and keeps the others")
def _(s):
    try:
        s.sql("INSERT INTO idempotency_key VALUES (7, 'registration', REPEAT('z', 32),"
              " REPEAT('y', 32), 201, '{\"child\":{\"name\":\"张三\"}}', UTC_TIMESTAMP(6))")
        refused = False
    except Exception:
        refused = True
    s.ok(refused, "a body is refused by the CHECK of 0011")
    s.sql("INSERT INTO idempotency_key VALUES"
          " (7, 'h3-purge', REPEAT('a', 32), REPEAT('b', 32), 201, '2611010565951835',"
          "  UTC_TIMESTAMP(6) - INTERVAL 49 HOUR),"
          " (7, 'h3-purge', REPEAT('c', 32), REPEAT('d', 32), 201, '2611010565951835',"
          "  UTC_TIMESTAMP(6) - INTERVAL 47 HOUR)")
    r = s.stack.xuejictl("jobs", "--once", "idempotency-purge")
    s.ok("job idempotency-purge:" in r, r)
    s.eq(s.sql("SELECT HEX(key_hash) FROM idempotency_key WHERE scope = 'h3-purge'"),
         [["63" * 32]], "the 49-hour-old key went, the 47-hour-old one stays")


def migration_statements(table):
    """The statements of sql/0011 (before its procedure) touching table."""
    with open(os.path.join(SRCDIR, "sql", "0011_stored_copies.sql"), encoding="utf-8") as f:
        text = f.read().split("DELIMITER")[0]
    text = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    return [st.strip() for st in text.split(";") if table in st]


@test("H3: migration 0011 turns answers stored before into their number and deletes the rest")
def _(s):
    body = json.dumps({"prereg_no": "2611010565951835", "child": {"name": "张三",
                       "birth_date": "2020-07-22", "id_number_masked": "110107********8763"}},
                      ensure_ascii=False)
    s.sql("ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_pointer_only")
    s.sql("INSERT INTO idempotency_key VALUES (8, 'h3-mig', REPEAT('a', 32), REPEAT('b', 32), 201,"
          " '%s', UTC_TIMESTAMP(6)), (8, 'h3-mig', REPEAT('c', 32), REPEAT('d', 32), 200, '{}',"
          " UTC_TIMESTAMP(6))" % body)
    stmts = migration_statements("idempotency_key")
    s.eq(len(stmts), 4, stmts)
    for st in stmts:
        s.sql(st)
    s.eq(s.sql("SELECT status, response FROM idempotency_key WHERE scope = 'h3-mig'"),
         [["201", "2611010565951835"]], "the body became its number, the other row went")
    s.ok(s.sql("SELECT COUNT(*) FROM information_schema.check_constraints WHERE"
               " constraint_name = 'idempotency_pointer_only'")[0][0] == "1", "CHECK back")


# ---- M9 -------------------------------------------------------------------------

@test("M9: cert_review in the database holds no permit or hukou book number in clear; "
      "reviewer and parent see them masked")
def _(s):
    p, no = nonlocal_reg(s)
    body = certs(residence_permit={"permit_no": "110105199001015678", "valid_until": "2099-12-31"},
                 hukou_book={"holder_name": "王建国", "book_no": "440305987654"})
    st, h, b = file_certs(p, no, body)
    s.eq(st, 200, b)
    row = s.sql("SELECT c.details, LENGTH(c.details_ct), HEX(c.details_ct) FROM cert_review c"
                " JOIN registration r ON r.id = c.registration_id WHERE r.prereg_no = '%s'" % no)[0]
    s.eq(row[0], "", "no clear details")
    s.ok(int(row[1]) > 100, "details encrypted: %r" % row[1])
    everything = " ".join(" ".join(r) for r in s.sql(
        "SELECT c.state, c.details, c.reason, c.county_code, HEX(c.details_ct) FROM cert_review c"
        " JOIN registration r ON r.id = c.registration_id WHERE r.prereg_no = '%s'" % no))
    for clear in ("110105199001015678", "440305987654", "望京西园", "ZL-2024-5566"):
        s.ok(clear not in everything, "%r in clear in the database" % clear)
    rev = signed_in(s, "110105.reviewer")
    st, h, r = rev.call("GET", "/api/school/v1/certificate-reviews/" + no)
    s.eq(st, 200, r)
    for ans in (r, b):
        d = ans["details"]
        s.eq(d["residence_permit"]["permit_no"], "110105" + "*" * 12)
        s.eq(d["hukou_book"]["book_no"], "4**********4")
        # what reviewers check with the issuing offices stays readable
        s.eq(d["rental_verification"]["contract_no"], "ZL-2024-5566")
        s.ok("110105199001015678" not in json.dumps(ans, ensure_ascii=False), ans)


@test("M9: a filing stored in clear before 0011 reads the same and is encrypted by "
      "cert-details-encrypt")
def _(s):
    p, no = nonlocal_reg(s)
    st, h, b = file_certs(p, no)
    s.eq(st, 200, b)
    legacy = json.dumps(dict(certs(), rental_verification=None), ensure_ascii=False,
                        separators=(",", ":")).replace("'", "''")
    s.sql("UPDATE cert_review c JOIN registration r ON r.id = c.registration_id"
          " SET c.details = '%s', c.details_ct = NULL WHERE r.prereg_no = '%s'" % (legacy, no))
    rev = signed_in(s, "110105.reviewer")
    st, h, before = rev.call("GET", "/api/school/v1/certificate-reviews/" + no)
    s.eq(st, 200, before)
    s.eq(before["details"]["residence_permit"]["permit_no"], "110105" + "*" * 12)
    r = s.stack.xuejictl("jobs", "--once", "cert-details-encrypt")
    s.ok("job cert-details-encrypt:" in r and " 0 done" not in r, r)
    s.eq(s.sql("SELECT c.details, c.details_ct IS NOT NULL FROM cert_review c JOIN registration r"
               " ON r.id = c.registration_id WHERE r.prereg_no = '%s'" % no), [["", "1"]])
    st, h, after = rev.call("GET", "/api/school/v1/certificate-reviews/" + no)
    s.eq((st, after["details"]), (200, before["details"]))


# ---- L3 -------------------------------------------------------------------------

@test("L3: a long non-ASCII passport number is stored whole, the answer is valid UTF-8, two "
      "numbers sharing 39 bytes do not collide")
def _(s):
    p = signed_up(s)
    a = "Q" + "护" * 20 + "AAA"        # 64 bytes, 24 characters
    st, h, raw = raw_call(p, "POST", "/api/parent/v1/registrations",
                          reg_body(new_child(), child_id_doc_type="A", child_id_number=a))
    s.eq(st, 201, raw[:300])
    b = json.loads(raw.decode("utf-8", "strict"))   # raises on invalid UTF-8
    s.eq(b["child"]["id_number_masked"], "Q" + "*" * 22 + "A")
    no = b["prereg_no"]
    s.eq(s.sql("SELECT LENGTH(id_number_ct) FROM registration WHERE prereg_no = '%s'" % no),
         [[str(33 + len(a.encode()))]], "the whole number encrypted (33 bytes of GCM framing)")
    other = signed_up(s)
    st, h, b2 = other.register(reg_body(new_child(), child_id_doc_type="A",
                                        child_id_number="Q" + "护" * 20 + "BBB"))
    s.eq(st, 201, "the first 63 bytes shared, not the same passport: %r" % (b2,))
    st, h, b3 = other.register(reg_body(new_child(), child_id_doc_type="A", child_id_number=a))
    s.error_body(b3, "duplicate_child", 409, st)
    # 32 characters of 4 bytes: 128 bytes, stored whole too
    wide = "\U00020000" * 32
    st, h, raw = raw_call(p, "POST", "/api/parent/v1/registrations",
                          reg_body(new_child(), child_id_doc_type="A", child_id_number=wide))
    s.eq(st, 201, raw[:300])
    b4 = json.loads(raw.decode("utf-8", "strict"))
    s.eq(b4["child"]["id_number_masked"], "\U00020000" + "*" * 30 + "\U00020000")
    s.eq(s.sql("SELECT LENGTH(id_number_ct) FROM registration WHERE prereg_no = '%s'"
               % b4["prereg_no"]), [["161"]])
    st, h, b5 = p.register(reg_body(new_child(), child_id_doc_type="A",
                                    child_id_number="\U00020000" * 33))
    s.error_body(b5, "validation_failed", 422, st)


run()
