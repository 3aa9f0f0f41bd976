"""Black-box: contested claims (issue 10 "Claims and accounts" 3-5; review
H1 and M1a, docs/security.md): a squatter's registration is found by the
district the real family chose and voided by the holding county, whose
form stops printing, and the real family registers the child; claims left
in id_mismatch are released by `xuejictl jobs --once claim-release` after
[claims] mismatch_release_days; who may void; the PSB guardian-child link
(protocol 2) from the simulator, shown at the documents check and counted
in the statistics; no duplicate answer names a district."""
import json
import os
import subprocess

from parent import new_child, reg_body, signed_up
import population
from population import Population
from psbclient import PsbClient, load_key, RESULTS_PATH
from psbsim import Simulator
from staff import new_account, signed_in, Staff
from xjtest import test, run

VOID = "/api/school/v1/registrations/%s/void"
LOOKUP = "/api/school/v1/claims/lookup"
APPL = "/api/school/v1/applicants/"
STATS = "/api/school/v1/statistics"
CHAOYANG, HAIDIAN = "110105", "110108"
CY1 = "1110500001"                                       # src/ctl/seed.c
ERROR_MEMBERS = {"code", "message", "message_en", "field", "request_id", "fields"}
EVERYONE = Population(count=21_000_000)                  # the whole fixture population


def psb(s):
    return PsbClient(s.stack.base_url, load_key(s.stack.path("secrets", "psb.key"), warn=False))


def answer_all(s, protocol=2):
    """The PSB gateway answers every pending request truthfully."""
    return Simulator(psb(s), EVERYONE, max_batch=500, protocol=protocol).drain()


def reg_state(s, no):
    return s.sql("SELECT state FROM registration WHERE prereg_no = '%s'" % no)[0][0]


def claimed_by(s, no):
    return s.sql("SELECT COUNT(*) FROM child_claim c JOIN registration r ON r.id = c.registration_id"
                 " WHERE r.prereg_no = '%s'" % no)[0][0] == "1"


def audits(s, action, target, actor_type="staff"):
    return int(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND target_id = '%s'"
                     " AND actor_type = '%s'" % (action, target, actor_type))[0][0])


def history(p, no):
    st, h, b = p.call("GET", "/api/parent/v1/registrations/%s/status" % no)
    return [(e["event"], e["state"], e["detail"]) for e in b["history"]]


def no_district(s, st, b, *districts):
    """M1a: a duplicate answer is the plain error, naming no district."""
    e = s.error_body(b, "duplicate_child", 409, st)
    text = json.dumps(b, ensure_ascii=False)
    s.ok(set(e) <= ERROR_MEMBERS, "only the Error schema's members: %r" % sorted(e))
    for d in districts:
        s.ok(d not in text, "district %s not named: %s" % (d, text))
    s.ok("朝阳" not in text and "海淀" not in text, "no district name: %s" % text)


def lookup(staff, child):
    return staff.call("POST", LOOKUP, {"id_doc_type": "1", "id_number": child.id_number})


def guardian(p, relation):
    return dict(p.as_guardian(), relation=relation, phone="13800138000", employer="")


# ---- H1: the squat undone ------------------------------------------------------

@test("H1 squat: the real family gets 409 without a district, its district looks the claim up, the holding county voids it, the void form is refused, the real family registers the child")
def _(s):
    child = new_child()
    # the squatter knows the number and the name: PSB answers match
    attacker = signed_up(s)
    st, h, b = attacker.register(reg_body(child))
    s.eq(st, 201, "squat: %r" % (b,))
    no = b["prereg_no"]
    answer_all(s)
    s.eq(reg_state(s, no), "printable")
    s.eq(attacker.call("GET", "/api/parent/v1/registrations/%s/form" % no)[0], 200,
         "the squatter holds a printable form")
    # the real family, in the district where it lives
    family = signed_up(s)
    st, h, b = family.register(reg_body(child, district=HAIDIAN, hukou=HAIDIAN + "000000"))
    no_district(s, st, b, CHAOYANG, HAIDIAN, no)
    s.ok("您选择的区" in b["error"]["message"], b["error"]["message"])
    # the Haidian bureau the family went to looks the claim up
    hd = signed_in(s, HAIDIAN + ".reviewer")
    st, h, b = lookup(hd, child)
    s.eq(st, 200, "lookup: %r" % (b,))
    c = b["claim"]
    s.eq((c["prereg_no"], c["district"], c["district_name"], c["state"]),
         (no, CHAOYANG, "朝阳区", "printable"))
    s.eq(c["child_name_masked"], child.name[0] + "*" * (len(child.name) - 1))
    s.ok(c["registered_at"].endswith("+08:00") and c["updated_at"].endswith("+08:00"), c)
    s.ok(child.id_number not in json.dumps(b) and child.name not in json.dumps(b, ensure_ascii=False),
         "masked data only")
    s.eq(audits(s, "claim.lookup", no), 1, "the look-up is audited")
    # Haidian cannot void a Chaoyang registration: it does not exist for it
    st, h, b = hd.call("POST", VOID % no, {"reason": "冒名登记"})
    s.error_body(b, "not_found", 404, st)
    # the holding county voids it, with a reason
    cy = signed_in(s, CHAOYANG + ".reviewer")
    reason = "经核查户口簿，登记人不是该儿童的监护人（冒名登记）"
    st, h, b = cy.call("POST", VOID % no, {"reason": reason})
    s.eq(st, 200, "void: %r" % (b,))
    s.eq((b["prereg_no"], b["state"], b["reason"], b["claim_released"]), (no, "void", reason, True))
    s.eq(reg_state(s, no), "void")
    s.ok(not claimed_by(s, no), "the claim is released")
    s.eq(audits(s, "registration.void", no), 1, "the void is audited")
    # again: nothing left to void
    st, h, b = cy.call("POST", VOID % no, {"reason": reason})
    s.error_body(b, "invalid_transition", 409, st)
    # the squatter's form is refused, and it reads why
    st, h, b = attacker.call("GET", "/api/parent/v1/registrations/%s/form" % no)
    s.error_body(b, "registration_void", 410, st)
    st, h, b = attacker.call("GET", "/api/parent/v1/registrations/" + no)
    s.eq(b["state"], "void")
    s.eq(history(attacker, no)[-1], ("county_void", "void", reason))
    st, h, b = attacker.call("GET", "/api/parent/v1/registrations/%s/status" % no)
    s.ok("作废" in b["history"][-1]["zh"] and "void" in b["state_text"]["en"], b)
    # the real family registers the child
    st, h, b = family.register(reg_body(child, district=HAIDIAN, hukou=HAIDIAN + "000000"))
    s.eq(st, 201, "the real family registers: %r" % (b,))
    new_no = b["prereg_no"]
    st, h, b = lookup(hd, child)
    s.eq((b["claim"]["prereg_no"], b["claim"]["district"]), (new_no, HAIDIAN),
         "the claim is the real family's now")


@test("H1 the county voids from id_mismatch and id_rejected too; a registration a school accepted is refused")
def _(s):
    cy = signed_in(s, CHAOYANG + ".reviewer")
    # id_mismatch: a wrong name
    child = new_child()
    p = signed_up(s)
    st, h, b = p.register(reg_body(child, child_name="冒名"))
    no = b["prereg_no"]
    answer_all(s)
    s.eq(reg_state(s, no), "id_mismatch")
    st, h, b = cy.call("POST", VOID % no, {"reason": "冒名"})
    s.eq((st, b.get("state")), (200, "void"), b)
    s.eq(s.sql("SELECT COUNT(*) FROM psb_request q JOIN registration r ON r.id = q.registration_id"
               " WHERE r.prereg_no = '%s' AND q.state IN ('pending', 'offered')" % no)[0][0], "0")
    # id_rejected keeps the claim until the county voids it (docs/psb.md §12.7)
    child2 = new_child()
    p2 = signed_up(s)
    no2 = p2.register(reg_body(child2))[2]["prereg_no"]
    s.sql("UPDATE registration SET state = 'id_rejected' WHERE prereg_no = '%s'" % no2)
    s.eq(signed_up(s).register(reg_body(child2))[0], 409, "the rejected claim still holds")
    s.eq(cy.call("POST", VOID % no2, {"reason": "公安核查无此人，经家长申请重新登记"})[0], 200)
    s.eq(signed_up(s).register(reg_body(child2))[0], 201, "released")
    # accepted by a school: the school unticks first
    child3 = new_child()
    p3 = signed_up(s)
    no3 = p3.register(reg_body(child3, school_code=CY1))[2]["prereg_no"]
    answer_all(s)
    school = signed_in(s, CY1 + ".reviewer")
    s.eq(school.call("POST", APPL + no3 + "/tick")[0], 200)
    st, h, b = cy.call("POST", VOID % no3, {"reason": "x"})
    s.error_body(b, "registration_accepted", 409, st)
    s.eq(reg_state(s, no3), "school_accepted")
    # a reason is required
    st, h, b = cy.call("POST", VOID % no3, {})
    s.error_body(b, "validation_failed", 422, st)


@test("H1 access: a school clerk, a county clerk and another county cannot void (403, 403, 404); the city above can")
def _(s):
    child = new_child()
    p = signed_up(s)
    no = p.register(reg_body(child))[2]["prereg_no"]
    body = {"reason": "冒名登记"}
    for like, role, want in ((CY1 + ".clerk", None, 403), (CY1 + ".reviewer", None, 403),
                             (CHAOYANG + ".reviewer", "clerk", 403),
                             (HAIDIAN + ".admin", None, 404), (HAIDIAN + ".reviewer", None, 404)):
        st, h, b = signed_in(s, like, role).call("POST", VOID % no, body)
        s.eq(st, want, "%s %s: %r" % (like, role, b))
    s.eq(reg_state(s, no), "submitted", "nothing voided")
    s.ok(claimed_by(s, no), "the claim holds")
    st, h, b = signed_in(s, "bj.city.admin").call("POST", VOID % no, body)
    s.eq((st, b.get("state")), (200, "void"), b)
    # the look-up is for bureaus' reviewers and administrators
    for like, role in ((CY1 + ".clerk", None), (CHAOYANG + ".reviewer", "clerk")):
        st, h, b = lookup(signed_in(s, like, role), child)
        s.error_body(b, "forbidden", 403, st)


# ---- H1: claims held in id_mismatch are released ----------------------------------

@test("H1 a claim held in id_mismatch past [claims] mismatch_release_days is released by `xuejictl jobs --once claim-release`, audited per registration")
def _(s):
    kids = [new_child() for _ in range(3)]
    nos = []
    for k in kids:
        st, h, b = signed_up(s).register(reg_body(k, child_name="错名"))
        nos.append(b["prereg_no"])
    answer_all(s)
    s.eq([reg_state(s, n) for n in nos], ["id_mismatch"] * 3)
    # 4 and 2 days without a correction, and one corrected long ago
    s.sql("UPDATE registration SET updated_at = UTC_TIMESTAMP(6) - INTERVAL 4 DAY"
          " WHERE prereg_no = '%s'" % nos[0])
    s.sql("UPDATE registration SET updated_at = UTC_TIMESTAMP(6) - INTERVAL 2 DAY"
          " WHERE prereg_no = '%s'" % nos[1])
    s.sql("UPDATE registration SET updated_at = UTC_TIMESTAMP(6) - INTERVAL 9 DAY,"
          " state = 'submitted' WHERE prereg_no = '%s'" % nos[2])
    conf = s.stack.path("etc", "claims-3d.conf")
    with open(s.stack.conf_file) as f, open(conf, "w") as g:
        g.write(f.read() + "\n[claims]\nmismatch_release_days = 3\n")
    r = subprocess.run([s.stack.bin("xuejictl"), "-c", conf, "jobs", "--once", "claim-release"],
                       capture_output=True, text=True)
    s.eq(r.returncode, 0, "jobs: %s %s" % (r.stdout, r.stderr))
    s.eq([reg_state(s, n) for n in nos], ["void", "id_mismatch", "submitted"])
    s.ok(not claimed_by(s, nos[0]) and claimed_by(s, nos[1]) and claimed_by(s, nos[2]), "claims")
    s.eq(audits(s, "registration.claim_release", nos[0], "system"), 1, "audited")
    s.eq(s.sql("SELECT event, detail LIKE '%%3天%%' FROM registration_event e JOIN registration r"
               " ON r.id = e.registration_id WHERE r.prereg_no = '%s' ORDER BY e.id DESC LIMIT 1"
               % nos[0])[0], ["mismatch_expired", "1"])
    # the real family registers the child; a second run has nothing to do
    st, h, b = signed_up(s).register(reg_body(kids[0]))
    s.eq(st, 201, "registered again: %r" % (b,))
    r = subprocess.run([s.stack.bin("xuejictl"), "-c", conf, "jobs", "--once", "claim-release"],
                       capture_output=True, text=True)
    s.eq((r.returncode, r.stdout.strip()), (0, "job claim-release: 0 done"))
    # the default (14 days) keeps the 4-day one of another registration
    s.sql("UPDATE registration SET updated_at = UTC_TIMESTAMP(6) - INTERVAL 4 DAY"
          " WHERE prereg_no = '%s'" % nos[1])
    r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "jobs", "--once",
                        "claim-release"], capture_output=True, text=True)
    s.eq(r.returncode, 0, r.stderr)
    s.eq(reg_state(s, nos[1]), "id_mismatch", "14 days by default")


# ---- H1: the guardian-child link (PSB protocol 2) ----------------------------------

def unconfirmed(s, staff, county):
    st, h, b = staff.call("GET", STATS + "?scope=" + county)
    s.eq(st, 200, "statistics: %r" % (b,))
    row = [c for c in b["counties"] if c["code"] == county]
    return (row[0]["guardian_link_unconfirmed"] if row else 0), b["totals"]["guardian_link_unconfirmed"]


@test("H1 PSB guardian link: parent, household and none from the simulator, shown to the school at the documents check and counted in the county's statistics")
def _(s):
    county = signed_in(s, CHAOYANG + ".reviewer")
    before, before_total = unconfirmed(s, county, CHAOYANG)
    kids = [new_child() for _ in range(5)]
    fam = [population.family(k.index) for k in kids]
    stranger = population.family(kids[0].index + 1)["father"]
    firsts = [(fam[0]["mother"], "母"), (fam[1]["grandfather"], "祖父母"), (stranger, "父"),
              None, (fam[4]["father"], "父")]
    nos = []
    for k, g in zip(kids, firsts):
        body = reg_body(k, school_code=CY1)     # the school that checks them (M5)
        if g is not None:
            body["guardians"] = [guardian(*g)]
        st, h, b = signed_up(s).register(body)
        s.eq(st, 201, "registration: %r" % (b,))
        nos.append(b["prereg_no"])
    # the pull carries the first guardian, decrypted
    c = psb(s)
    seen = {}
    for _ in range(20):
        reqs = c.pull(500)
        for q in reqs:
            seen[q["id_number"]] = q
        if not reqs:
            break
    s.eq(seen[kids[0].id_number]["guardian"], fam[0]["mother"].as_guardian())
    s.eq(seen[kids[3].id_number]["guardian"], None, "no number given: null")
    # answered by a version-2 gateway, except the last by a version-1 one
    results = [EVERYONE.decide(seen[k.id_number], protocol=1 if i == 4 else 2)
               for i, k in enumerate(kids)]
    st, h, b = c.call("POST", RESULTS_PATH, {"results": results})
    s.eq([r["status"] for r in b["results"]], ["applied"] * 5, b)
    links = [s.sql("SELECT guardian_link FROM registration WHERE prereg_no = '%s'" % n)[0][0]
             for n in nos]
    s.eq(links, ["parent", "household", "none", "unknown", "unknown"])
    s.eq([reg_state(s, n) for n in nos], ["printable"] * 5, "an unconfirmed link blocks nothing")
    # the school sees it at the documents check
    clerk = signed_in(s, CY1 + ".clerk")
    for n, link in zip(nos, links):
        st, h, b = clerk.call("GET", APPL + n)
        s.eq((st, b["guardian_link"], b["guardian_link_confirmed"]),
             (200, link, link in ("parent", "household")), n)
    st, h, b = clerk.call("POST", APPL + nos[2] + "/documents-checked", {"items": ["hukou_book"]})
    s.eq((st, b["guardian_link"], b["guardian_link_confirmed"]), (200, "none", False), b)
    # the county counts the three unconfirmed ones
    after, after_total = unconfirmed(s, county, CHAOYANG)
    s.eq((after - before, after_total - before_total), (3, 3), "unconfirmed links counted")
    # the link is one of four words, and never comes with not_found
    for res, field, code in (({"outcome": "not_found", "guardian_link": "none"},
                              "results[0].guardian_link", "not_allowed"),
                             ({"outcome": "match", "guardian_link": "aunt"},
                              "results[0].guardian_link", "unknown_code")):
        st, h, b = c.call("POST", RESULTS_PATH, {"results": [dict(res, verification_id="vr-x")]})
        e = s.error_body(b, "validation_failed", 422, st)
        s.eq([(f["field"], f["code"]) for f in e["fields"]], [(field, code)])
    # a correction clears the link until PSB answers again
    kid = new_child()
    mother = population.family(kid.index)["mother"]
    fixer = signed_up(s)
    body = reg_body(kid, child_name="错名", guardians=[guardian(fam[0]["mother"], "母")])
    st, h, b = fixer.register(body)
    no_mis = b["prereg_no"]
    answer_all(s)
    link = "SELECT state, COALESCE(guardian_link, 'NULL') FROM registration WHERE prereg_no = '%s'"
    s.eq(s.sql(link % no_mis)[0], ["id_mismatch", "none"], "another child's mother is not this one's")
    body = reg_body(kid, guardians=[guardian(mother, "母")])
    st, h, b = fixer.call("PUT", "/api/parent/v1/registrations/" + no_mis, body)
    s.eq(st, 200, "correction: %r" % (b,))
    s.eq(s.sql(link % no_mis)[0], ["submitted", "NULL"], "the correction clears the link")
    answer_all(s)
    s.eq(s.sql(link % no_mis)[0], ["printable", "parent"], "answered again")
    # a resend that drops the link is a different answer, not a duplicate
    v1 = dict(results[0])
    v1.pop("guardian_link")
    st, h, b = c.call("POST", RESULTS_PATH, {"results": [v1, results[1]]})
    s.eq([(r["status"], r["code"]) for r in b["results"]],
         [("refused", "conflicting_result"), ("duplicate", None)])


# ---- M1a: the claim look-up and the duplicate answers ------------------------------

@test("M1a no duplicate answer names a district: same family, another family, a correction to a claimed number")
def _(s):
    child = new_child()
    p = signed_up(s)
    st, h, b = p.register(reg_body(child))
    s.eq(st, 201)
    no = b["prereg_no"]
    st, h, b = p.register(reg_body(child))
    no_district(s, st, b, CHAOYANG, no)
    st, h, b = signed_up(s).register(reg_body(child, district=HAIDIAN, hukou=HAIDIAN + "000000"))
    no_district(s, st, b, CHAOYANG, no)
    other = new_child()
    q = signed_up(s)
    no2 = q.register(reg_body(other, district=HAIDIAN, hukou=HAIDIAN + "000000"))[2]["prereg_no"]
    st, h, b = q.call("PUT", "/api/parent/v1/registrations/" + no2,
                      reg_body(child, district=HAIDIAN, hukou=HAIDIAN + "000000"))
    no_district(s, st, b, CHAOYANG, no)
    with open(os.path.join(s.stack.srcdir, "docs", "api", "openapi.yaml"), encoding="utf-8") as f:
        spec = f.read()
    s.ok("registered_in" not in spec, "the Error schema has no registered_in")


@test("M1a the claim look-up: the ID number only in the body, validated, null for a free child, audited, limited per hour (429 with Retry-After)")
def _(s):
    hd = signed_in(s, HAIDIAN + ".admin")
    free = new_child()
    n0 = audits(s, "claim.lookup", "none")
    st, h, b = lookup(hd, free)
    s.eq((st, b), (200, {"claim": None}))
    s.eq(audits(s, "claim.lookup", "none"), n0 + 1, "a look-up that finds nothing is audited too")
    st, h, b = hd.call("POST", LOOKUP, {"id_doc_type": "1", "id_number": "110105202001010011"})
    s.error_body(b, "validation_failed", 422, st)
    st, h, b = hd.call("POST", LOOKUP, {"id_doc_type": "?", "id_number": "X"})
    s.error_body(b, "validation_failed", 422, st)
    # the hourly quota ([claims] lookup_per_hour, default 60)
    sid = s.sql("SELECT id FROM staff_account WHERE login = '%s'" % hd.login_name)[0][0]
    s.sql("UPDATE claim_lookup_quota SET used = 60 WHERE staff_id = %s" % sid)
    st, h, b = lookup(hd, free)
    s.error_body(b, "lookup_limited", 429, st)
    s.ok(0 < int(h.get("retry-after", "0")) <= 3600, "Retry-After: %r" % h.get("retry-after"))
    s.sql("UPDATE claim_lookup_quota SET window_start = UTC_TIMESTAMP(6) - INTERVAL 61 MINUTE"
          " WHERE staff_id = %s" % sid)
    s.eq(lookup(hd, free)[0], 200, "a new window")
    # no identity number in any log line
    logs = ""
    for name in os.listdir(s.stack.path("log")):
        with open(s.stack.path("log", name), errors="replace") as f:
            logs += f.read()
    s.ok(free.id_number not in logs, "the number is in no log")


if __name__ == "__main__":
    run()
