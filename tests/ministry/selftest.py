#!/usr/bin/env python3
"""selftest.py -- the ministry simulator's own rules and guarantees, with
no Xueji stack (TAP; a second or two): in-process fake deployments stand
behind Deployment.http, with an outbox pulled by cursor (offering again
what was passed without an acknowledgement, as src/exchange/outbox.c
does), an inbox keyed by MessageId and signed Receipts. What a real
deployment does with the answers is tests/api/ministry_e2e.py's."""
import base64
import json
import os
import shutil
import sys
import tempfile
import traceback
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "psbsim"))

import sim  # noqa: E402
import xchange  # noqa: E402
import population  # noqa: E402

TMP = tempfile.mkdtemp(prefix="xj-moe-self-")
MOE = xchange.Key(TMP, "MOE-1", "MOE")
Q = sim.Q


class Fake(sim.Deployment):
    """A deployment in memory: outbox, inbox, receipts."""

    def __init__(self, org):
        d = os.path.join(TMP, org)
        os.makedirs(d, exist_ok=True)
        self.key = xchange.Key(d, org + "-1", org)
        super().__init__(org, "127.0.0.1", 1, self.key.public, {"1120100001": "天津一小"})
        self.outbox, self.acked, self.inbox, self.passed = [], 0, {}, set()

    def send(self, mtype, payload, raw=None, sig=None):
        raw = raw or xchange.message(mtype, payload, sender=self.org, receiver="MOE")[0]
        self.outbox.append((len(self.outbox) + 1, raw, sig or self.key.sign(raw)))
        return ET.fromstring(raw).find(Q + "Header/" + Q + "MessageId").text

    def http(self, method, path, body=None, headers=None, timeout=60):
        if method == "GET":
            after = int(path.split("after=")[1].split("&")[0])
            again = [m for m in self.outbox if self.acked < m[0] <= after and m[0] in self.passed]
            new = [m for m in self.outbox if m[0] > after]
            self.passed.update(m[0] for m in new)
            msgs = [{"cursor": c, "message_id": ET.fromstring(r).find(
                Q + "Header/" + Q + "MessageId").text, "body": base64.b64encode(r).decode(),
                "signature": g, "redelivered": m in again}
                for m in again + new for c, r, g in [m]]
            return 200, {}, json.dumps({"messages": msgs, "next": max([after] + [m[0] for m in new]),
                                        "more": False}).encode()
        if path == sim.ACK:
            self.acked = max(self.acked, json.loads(body)["upto"])
            return 200, {}, b"{}"
        assert xchange.verify(MOE.public, headers["Xueji-Signature"], body), "MOE signed it"
        root = ET.fromstring(body)
        mid = root.find(Q + "Header/" + Q + "MessageId").text
        self.inbox.setdefault(mid, body)
        rc = xchange.message("Receipt", "<Receipt><Status>accepted</Status></Receipt>",
                             sender=self.org, receiver="MOE", corr=mid)[0]
        return 200, {"content-type": "application/xml", "xueji-signature": self.key.sign(rc)}, rc

    def received(self, mtype):
        return [ET.fromstring(b) for b in self.inbox.values()
                if ET.fromstring(b).find(Q + "Header/" + Q + "MessageType").text == mtype]


def student(ref, no, name, sex, birth, idn, school, county, action="new", doc="1"):
    return ('<Record ref="%s" action="%s"><Student><StudentNo>%s</StudentNo><Name>%s</Name>'
            "<Sex>%s</Sex><BirthDate>%s</BirthDate><IdDocType>%s</IdDocType><IdNumber>%s</IdNumber>"
            "<SchoolCode>%s</SchoolCode><County>%s</County><EntryYear>2026</EntryYear><Level>1</Level>"
            "<Status>in_school</Status></Student></Record>"
            % (ref, action, no, name, sex, birth, doc, idn, school, county))


def outcomes(dep):
    """{ref: (outcome element name, element)} over every CheckResult received."""
    out = {}
    for m in dep.received("CheckResult"):
        for r in m.iter(Q + "Record"):
            out.setdefault(r.get("ref"), []).append((r[0].tag[len(Q):], r[0]))
    return out


_tests = []


def test(name):
    def deco(fn):
        _tests.append((name, fn))
        return fn
    return deco


def fresh():
    a, b = Fake("110000"), Fake("120000")
    d = tempfile.mkdtemp(dir=TMP)
    return sim.Ministry(d, MOE, [a, b]), a, b, d


@test("rules: MOD 11-2 and the ID check agree with population.make_id; names normalise as src/domain/person.c (full-width, spaces, separators, case); the masks")
def rules():
    for i in range(500):
        p = population.person(i)
        assert sim.valid_id(p.id_number), p.id_number
        assert not sim.valid_id(p.id_number[:17] + ("0" if p.id_number[17] != "0" else "1"))
    assert sim.name_norm("Ｍａｒｙ  Ann") == "maryann"
    assert sim.name_norm("阿依古丽.买买提") == sim.name_norm("阿依古丽・买买提") == "阿依古丽·买买提"
    assert sim.name_norm("\u3000王 小明") == "王小明"
    assert sim.mask_name("王小明") == "王**" and sim.mask_name("王") == "王*"
    assert sim.mask_id("11010520190315001X") == "110105************"
    assert sim.mask_id("E1234567") is None


@test("StudentBatch: a unique record gets G + its ID number replacing its L; a record without a resident ID a valid J number; a changed record still unique is Passed")
def numbers():
    m, a, b, _ = fresh()
    p, q = population.person(900001), population.person(900002)
    a.send("StudentBatch", "<StudentBatch>%s%s</StudentBatch>" % (
        student("s1", "L110105201903150001", p.name, p.sex, p.birth_date, p.id_number,
                "1110500001", "110105"),
        student("s2", "L110105201903150002", q.name, q.sex, q.birth_date, "E12345678",
                "1110500001", "110105", doc="3")))
    m.step()
    o = outcomes(a)
    assert o["s1"][0][0] == "Issued"
    assert o["s1"][0][1].find(Q + "StudentNo").text == "G" + p.id_number
    assert o["s1"][0][1].find(Q + "Replaces").text == "L110105201903150001"
    j = o["s2"][0][1].find(Q + "StudentNo").text
    assert j[0] == "J" and j[1:7] == "110105" and j[7:15] == q.birth_date.replace("-", "")
    assert j[18] == sim.mod11_2(j[1:18]), j
    a.send("StudentBatch", "<StudentBatch>%s</StudentBatch>" % student(
        "s1", "G" + p.id_number, p.name, p.sex, p.birth_date, p.id_number, "1110500001",
        "110105", action="changed"))
    m.step()
    assert outcomes(a)["s1"][-1][0] == "Passed"
    assert m.q("SELECT COUNT(*) FROM issued") == [(2,)]


@test("StudentBatch: the same ID number in another province is a Problem for both, with the same group id and the other's record masked; the first keeps its number")
def duplicate():
    m, a, b, _ = fresh()
    p = population.person(900003)
    a.send("StudentBatch", "<StudentBatch>%s</StudentBatch>" % student(
        "s1", "L110105201903150001", p.name, p.sex, p.birth_date, p.id_number, "1110500001",
        "110105"))
    m.step()
    b.send("StudentBatch", "<StudentBatch>%s</StudentBatch>" % student(
        "t9", "L120101201903150001", p.name, p.sex, p.birth_date, p.id_number, "1120100001",
        "120101"))
    m.step()
    (kb, pb), = outcomes(b)["t9"]
    (ka1, _), (ka2, pa) = outcomes(a)["s1"]
    assert (kb, ka1, ka2) == ("Problem", "Issued", "Problem")
    assert pb.get("id") == pa.get("id") and pb.get("kind") == "same_id_number"
    other_b = pb.find(Q + "Other")
    assert other_b.find(Q + "StudentNo").text == "G" + p.id_number
    assert other_b.find(Q + "IdNumber").text == p.id_number[:6] + "*" * 12
    assert other_b.find(Q + "Province").text == "110000"
    assert other_b.find(Q + "Name").text == sim.mask_name(p.name)
    assert pa.find(Q + "Other/" + Q + "SchoolName").text == "天津一小"
    # A's answer is correlated to A's batch
    a_batch = ET.fromstring(a.outbox[0][1]).find(Q + "Header/" + Q + "MessageId").text
    assert all(x.find(Q + "Header/" + Q + "CorrelationId").text == a_batch
               for x in a.received("CheckResult"))
    # the identity number travels only inside the other record's G number
    # (the contract's OtherRecord/StudentNo is the full national number):
    # a deployment masks that number before staff see it (README.md)
    text = b"".join(b.inbox.values()).decode()
    assert p.id_number not in text.replace("<StudentNo>G" + p.id_number, "")


@test("crash after processing, before acknowledging: the restarted ministry is offered the message again and processes and answers it once")
def crash():
    m, a, b, d = fresh()
    p = population.person(900004)
    a.send("StudentBatch", "<StudentBatch>%s</StudentBatch>" % student(
        "s1", "L110105201903150001", p.name, p.sex, p.birth_date, p.id_number, "1110500001",
        "110105"))
    try:
        m.step(crash="before_ack")
        raise AssertionError("no crash")
    except sim.Crash:
        pass
    assert a.acked == 0 and a.inbox == {}
    m = sim.Ministry(d, MOE, [a, b])
    m.step()
    assert a.acked == 1
    assert len(a.received("CheckResult")) == 1
    assert m.q("SELECT COUNT(*) FROM seen") == [(1,)]
    assert m.q("SELECT COUNT(*) FROM record") == [(1,)]
    m.step()
    assert len(a.received("CheckResult")) == 1


@test("relay: a TransferRequest goes to the province of From/County, a Dossier to the TransferId's; payload unchanged, CorrelationId = the original MessageId")
def relay():
    m, a, b, _ = fresh()
    req = ("<TransferRequest><TransferId>110000-T7</TransferId><Student><StudentNo>G%s</StudentNo>"
           "<Name>张三</Name></Student><From><School>1120100001</School><County>120101</County>"
           "</From><To><School>1110500003</School><County>110105</County></To><Reason>搬家</Reason>"
           "<Requested>2026-12-06T10:00:00+08:00</Requested></TransferRequest>"
           % population.person(5).id_number)
    mid = a.send("TransferRequest", req)
    m.step()
    (got,) = b.received("TransferRequest")
    h = lambda x: got.find(Q + "Header/" + Q + x).text
    assert (h("Sender"), h("Receiver"), h("CorrelationId")) == ("MOE", "120000", mid)
    assert req.encode() in b.inbox[h("MessageId")]
    dec = ("<TransferDecision><TransferId>110000-T7</TransferId><Step>sending_school</Step>"
           "<Decision>rejected</Decision><RefusalCode>2001</RefusalCode>"
           "<Decided>2026-12-06T10:00:00+08:00</Decided></TransferDecision>")
    b.send("TransferDecision", dec)
    m.step()
    assert len(a.received("TransferDecision")) == 1
    assert [r[0] for r in m.q("SELECT type FROM relay ORDER BY id")] == ["TransferRequest",
                                                                         "TransferDecision"]


@test("a Dossier moves the national record to the receiving province: that province's batch of it is the same record (Passed), not a national duplicate of the one it left")
def moved():
    m, a, b, _ = fresh()
    p = population.person(900006)
    b.send("StudentBatch", "<StudentBatch>%s</StudentBatch>" % student(
        "t1", "L120101201903150001", p.name, p.sex, p.birth_date, p.id_number, "1120100001",
        "120101"))
    m.step()
    g = "G" + p.id_number
    assert outcomes(b)["t1"][0][0] == "Issued"
    rec = student("x", g, p.name, p.sex, p.birth_date, p.id_number, "1120100001", "120101")
    rec = rec[rec.index("<Student>"):rec.index("</Record>")]
    b.send("Dossier", "<Dossier><TransferId>110000-T9</TransferId>%s</Dossier>" % rec)
    m.step()
    assert m.q("SELECT province, ref FROM record") == [("110000", "moved:110000-T9")]
    a.send("StudentBatch", "<StudentBatch>%s</StudentBatch>" % student(
        "s77", g, p.name, p.sex, p.birth_date, p.id_number, "1110500003", "110105",
        action="changed"))
    m.step()
    assert [k for k, _ in outcomes(a)["s77"]] == ["Passed"], outcomes(a)
    assert m.q("SELECT province, ref FROM record") == [("110000", "s77")]
    assert m.q("SELECT COUNT(*) FROM grp") == [(0,)]


@test("a batch's answer is split into CheckResults of at most check_result_max records, and further to stay within the receiver's node limit; every part names the batch")
def split():
    m, a, b, _ = fresh()
    m.check_result_max = 3
    recs = []
    for i in range(7):
        p = population.person(910000 + i)
        recs.append(student("s%d" % i, "L110105201903150%03d" % i, p.name, p.sex, p.birth_date,
                            p.id_number, "1110500001", "110105"))
    mid = a.send("StudentBatch", "<StudentBatch>%s</StudentBatch>" % "".join(recs))
    m.step()
    got = a.received("CheckResult")
    sizes = sorted(len(x.findall(".//" + Q + "Record")) for x in got)
    assert sizes == [1, 3, 3], sizes
    assert all(x.find(Q + "Header/" + Q + "CorrelationId").text == mid for x in got)
    assert sorted(outcomes(a)) == ["s%d" % i for i in range(7)]
    m2, a2, _, _ = fresh()
    a2.max_nodes = 200      # an Issued record costs 10 nodes by the estimate: 14 a message
    recs = []
    for i in range(30):
        p = population.person(920000 + i)
        recs.append(student("s%d" % i, "L110105201903150%03d" % i, p.name, p.sex, p.birth_date,
                            p.id_number, "1110500001", "110105"))
    a2.send("StudentBatch", "<StudentBatch>%s</StudentBatch>" % "".join(recs))
    m2.step()
    sizes = sorted(len(x.findall(".//" + Q + "Record")) for x in a2.received("CheckResult"))
    assert sum(sizes) == 30 and max(sizes) <= 20 and len(sizes) >= 2, sizes


@test("a message that does not verify or is not valid against the XSD is an error, not skipped and not acknowledged")
def refused():
    m, a, b, _ = fresh()
    raw = xchange.message("StudentBatch", "<StudentBatch/>", sender="110000", receiver="MOE")[0]
    a.send(None, None, raw=raw)
    try:
        m.step()
        raise AssertionError("an empty batch passed")
    except sim.MinistryError as e:
        assert "not valid" in str(e), e
    assert a.acked == 0
    m2, a2, b2, _ = fresh()
    p = population.person(900005)
    raw = xchange.message("StudentBatch", "<StudentBatch>%s</StudentBatch>" % student(
        "s1", "L110105201903150001", p.name, p.sex, p.birth_date, p.id_number, "1110500001",
        "110105"), sender="110000", receiver="MOE")[0]
    a2.send(None, None, raw=raw, sig=b2.key.sign(raw))
    try:
        m2.step()
        raise AssertionError("another province's signature passed")
    except sim.MinistryError as e:
        assert "signature" in str(e), e
    assert a2.acked == 0 and m2.q("SELECT COUNT(*) FROM record") == [(0,)]


def main():
    failed = 0
    for i, (name, fn) in enumerate(_tests, 1):
        try:
            fn()
            print("ok %d - %s" % (i, name))
        except Exception:
            failed += 1
            print("not ok %d - %s" % (i, name))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
    print("1..%d" % len(_tests))
    shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
