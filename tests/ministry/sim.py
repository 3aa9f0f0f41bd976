#!/usr/bin/env python3
"""sim.py -- the national ministry system, simulated (issue 13 item 8;
tests/ministry/README.md). It plays the ministry's side of the exchange of
docs/xml/README.md against any number of Xueji deployments (one province
each), exactly as tests/../SHARED wire conventions say:

  - it pulls each deployment's outbox by cursor with a signed GET
    (tests/api/exchange_outbox.py), verifies every message's signature with
    that deployment's public key and validates it against
    docs/xml/v1/exchange.xsd (xmllint --nonet): a message that fails either
    is an error (MinistryError), never skipped;
  - it keeps a national registry (sqlite3, in its directory): every record
    any province sent, with province, school, student number, name, sex,
    birth date and identity number; the numbers it issued; national problem
    groups;
  - StudentBatch: each record is checked against the other provinces'
    records, by identity number and by name + sex + birth date (normalised
    as src/domain/person.c); a unique record gets a G number (G + the
    18-digit resident ID number, document type 1 with a valid check
    character) or a J number (area + birth date + sequence + MOD 11-2,
    R-REC-1), answered `Issued` replacing its L number; a duplicate is
    answered `Problem` with the other provinces' records masked, and each
    of those provinces gets a CheckResult for its own record with the same
    group; a `changed` record is checked again (`Passed` when unique);
  - TransferRequest, TransferDecision, Dossier, GraduateMove are relayed:
    the payload unchanged in a new envelope from MOE to the other province,
    CorrelationId = the original's MessageId;
  - answers are POSTed signed as MOE; the Receipt that comes back is
    verified and read (`problems` lists every answer not accepted).

Exactly once on our side: a message is processed in one sqlite
transaction that also stores (sender, MessageId) and the answers it
causes; a message seen again (a redelivery after an unacknowledged pull)
changes nothing. The outbox is acknowledged by cursor only after that
commit, and answers are delivered from their queue (a deployment answers a
resent MessageId with its first receipt), so a crash anywhere loses and
doubles nothing.

Library (what tests call, deterministic):

    m = Ministry(dir, key, [Deployment("110000", "127.0.0.1", port, pem, schools)])
    m.step()            # poll every deployment once, then deliver

CLI (the demo, manual runs): sim.py --conf FILE polls for ever (README).
"""
import argparse
import base64
import configparser
import datetime
import hashlib
import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "api"))

import xchange  # noqa: E402

NS = xchange.NS
Q = "{%s}" % NS
XSD = os.path.join(SRCDIR, "docs", "xml", "v1", "exchange.xsd")
PULL = "/exchange/ministry/v1/outbox"
ACK = "/exchange/ministry/v1/outbox/acknowledgements"
POST = "/exchange/ministry/v1/messages"
CHECK_RESULT_MAX = 20000        # records per CheckResult (docs/xml/README.md)
RELAYED = ("TransferRequest", "TransferDecision", "Dossier", "GraduateMove")
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


class MinistryError(Exception):
    """A message that fails the ministry's checks, or a deployment that
    does not answer as the contract says."""


class Crash(Exception):
    """Raised by step(crash=...) at the named point, as if the process had
    died there (tests: nothing may be lost or doubled)."""


def beijing_now():
    return datetime.datetime.now(BEIJING).strftime("%Y-%m-%dT%H:%M:%S+08:00")


# ---- the national rules -------------------------------------------------------
_SPACES = {0x20, 0x09, 0x0d, 0x0a, 0x0b, 0x0c, 0xa0, 0x3000, 0x202f, 0x205f, 0xfeff}
_SEPARATORS = {0x2e, 0xb7, 0x2022, 0x2027, 0x30fb, 0xff65, 0xff0e}


def name_norm(name):
    """src/domain/person.c xj_person_name_norm: full-width ASCII folded,
    spaces dropped, dot-like separators made U+00B7, ASCII lower-cased."""
    out = []
    for ch in name:
        c = ord(ch)
        if 0xff01 <= c <= 0xff5e and c != 0xff0e:
            c -= 0xfee0
        if c in _SPACES or 0x2000 <= c <= 0x200b:
            continue
        if c in _SEPARATORS:
            out.append("\u00b7")
        elif c < 0x80:
            out.append(chr(c + 32) if 0x41 <= c <= 0x5a else chr(c))
        else:
            out.append(chr(c))
    return "".join(out)


def person_key(name, sex, birth):
    return "%s\x1f%s\x1f%s" % (name_norm(name), sex, birth)


def mod11_2(body17):
    w = [pow(2, 17 - i, 11) for i in range(17)]
    return "10X98765432"[sum(int(d) * k for d, k in zip(body17, w)) % 11]


def valid_id(idn):
    """A GB 11643 resident ID number: 17 digits, an existing birth date, the
    right check character."""
    if not re.fullmatch(r"[0-9]{17}[0-9X]", idn or ""):
        return False
    try:
        datetime.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
    except ValueError:
        return False
    return mod11_2(idn[:17]) == idn[17]


def mask_id(idn):
    """The project's one mask (src/domain/mask.h) for a GB 11643 shaped
    number: the area code only. None for other documents (the
    MaskedIdNumber type has no other form)."""
    if re.fullmatch(r"[0-9]{17}[0-9X]", idn or ""):
        return idn[:6] + "*" * 12
    return None


def mask_name(name):
    """The surname (first character) shown, each other character a star."""
    return name[:1] + "*" * max(1, len(name) - 1)


# ---- the registry -------------------------------------------------------------
SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    sender TEXT NOT NULL, message_id TEXT NOT NULL, sha256 TEXT NOT NULL,
    type TEXT NOT NULL, cursor INTEGER, processed_at TEXT NOT NULL,
    PRIMARY KEY (sender, message_id));
CREATE TABLE IF NOT EXISTS position (
    org TEXT PRIMARY KEY, read_upto INTEGER NOT NULL DEFAULT 0,
    acked_upto INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS record (
    id INTEGER PRIMARY KEY, province TEXT NOT NULL, ref TEXT NOT NULL,
    batch TEXT NOT NULL, school TEXT NOT NULL, county TEXT NOT NULL,
    student_no TEXT NOT NULL, replaced TEXT, name TEXT NOT NULL,
    person_key TEXT NOT NULL, sex TEXT NOT NULL, birth_date TEXT NOT NULL,
    id_doc_type TEXT NOT NULL, id_number TEXT NOT NULL, outcome TEXT,
    UNIQUE (province, ref));
CREATE INDEX IF NOT EXISTS record_idn ON record (id_doc_type, id_number);
CREATE INDEX IF NOT EXISTS record_person ON record (person_key);
CREATE TABLE IF NOT EXISTS issued (
    number TEXT PRIMARY KEY, record_id INTEGER NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jseq (prefix TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS grp (id TEXT PRIMARY KEY, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS member (
    group_id TEXT NOT NULL, record_id INTEGER NOT NULL,
    PRIMARY KEY (group_id, record_id));
CREATE TABLE IF NOT EXISTS outgoing (
    id INTEGER PRIMARY KEY, receiver TEXT NOT NULL, message_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL, corr TEXT, body BLOB NOT NULL, signature TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
    receipt_status TEXT, receipt_detail TEXT);
CREATE TABLE IF NOT EXISTS relay (
    id INTEGER PRIMARY KEY, transfer_id TEXT NOT NULL, type TEXT NOT NULL,
    sender TEXT NOT NULL, receiver TEXT NOT NULL, in_mid TEXT NOT NULL,
    out_mid TEXT NOT NULL);
"""


class Deployment:
    """One province's Xueji: its org code, where its nginx answers, its
    public key (PEM path), and its school names (code -> name: the
    ministry's own register of schools, for the masked records)."""

    def __init__(self, org, host, port, public_pem, schools=None, message_limit=8 << 20,
                 max_nodes=200000):
        self.org, self.host, self.port, self.public_pem = org, host, int(port), public_pem
        self.schools = schools or {}
        # the deployment's [exchange] message_limit and xml_max_nodes: no
        # answer of ours may exceed them (a CheckResult of 20,000 problem
        # records would: it is split further)
        self.message_limit, self.max_nodes = message_limit, max_nodes

    def http(self, method, path, body=None, headers=None, timeout=60):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()


def load_key(private_pem, kid, org="MOE", alg="ecdsa-p256-sha256"):
    """An existing key pair as an xchange.Key (which makes new ones)."""
    k = xchange.Key.__new__(xchange.Key)
    k.kid, k.org, k.alg, k.private = kid, org, alg, private_pem
    k.public = os.path.splitext(private_pem)[0] + ".pem"
    return k


def validate(raw):
    """None when raw is valid against exchange.xsd, else xmllint's words."""
    with tempfile.NamedTemporaryFile(suffix=".xml") as f:
        f.write(raw)
        f.flush()
        r = subprocess.run(["xmllint", "--noout", "--nonet", "--schema", XSD, f.name],
                           capture_output=True, text=True)
    if r.returncode == 0:
        return None
    return (r.stderr or r.stdout).strip().replace(f.name, "message")[:600]


def envelope(mtype, payload, receiver, corr=None, mid=None):
    """(bytes, message id) of a message from MOE."""
    mid = mid or "MOE-" + uuid.uuid4().hex
    c = "<CorrelationId>%s</CorrelationId>" % corr if corr else ""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Message xmlns="%s" schemaVersion="1.0">'
            "<Header><MessageId>%s</MessageId><MessageType>%s</MessageType><Sender>MOE</Sender>"
            "<Receiver>%s</Receiver><Created>%s</Created>%s</Header><Body>%s</Body></Message>"
            % (NS, mid, mtype, receiver, beijing_now(), c, payload)).encode(), mid


def _t(el, path):
    x = el.find(path.replace("x:", Q))
    return x.text if x is not None and x.text is not None else None


class Ministry:
    def __init__(self, directory, key, deployments, log=None):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.key = key
        self.deps = {d.org: d for d in deployments}
        self.log = log or (lambda msg: None)
        self.db = sqlite3.connect(os.path.join(directory, "registry.sqlite3"),
                                  isolation_level=None)
        self.db.executescript(SCHEMA)
        # answers not accepted: (message id, receiver, type, status, detail)
        self.problems = []
        self.check_result_max = CHECK_RESULT_MAX
        # deployments pulled at least once: the log says the first pull of
        # each and then only pulls that bring messages (the CLI's log is
        # the demo's evidence that the ministry reaches the deployment)
        self.pulled = set()

    # ---- registry reads for tests --------------------------------------
    def q(self, sql, *args):
        return self.db.execute(sql, args).fetchall()

    # ---- one round ------------------------------------------------------
    def step(self, crash=None):
        """Poll every deployment once (all pages), process, acknowledge,
        then deliver every queued answer. crash = "before_ack": raise Crash
        after processing and before acknowledging (and delivering)."""
        done = 0
        for d in self.deps.values():
            done += self.poll(d)
        if crash == "before_ack":
            raise Crash("before_ack")
        for d in self.deps.values():
            self.acknowledge(d)
        return done + self.deliver()

    def signed(self, method, path, query="", body=b""):
        date = beijing_now()
        data = ("%s\n%s\n%s\n%s\n" % (method, path, query, date)).encode() + body
        return {"Xueji-Signature": self.key.sign(data), "Xueji-Date": date}

    def _position(self, org):
        self.db.execute("INSERT OR IGNORE INTO position (org) VALUES (?)", (org,))
        return self.db.execute("SELECT read_upto, acked_upto FROM position WHERE org = ?",
                               (org,)).fetchone()

    def poll(self, d):
        """Pull d's outbox from our read position until `more` is false;
        process each message. The number of messages processed."""
        n = 0
        while True:
            after = self._position(d.org)[0]
            query = "after=%d&limit=100" % after
            st, h, body = d.http("GET", PULL + "?" + query, headers=self.signed("GET", PULL, query))
            if st != 200:
                raise MinistryError("%s: pull %s: %d %r" % (d.org, query, st, body[:300]))
            page = json.loads(body)
            if page["messages"] or d.org not in self.pulled:
                self.log("pull %s after=%d: %d messages%s" % (
                    d.org, after, len(page["messages"]), ", more" if page["more"] else ""))
                self.pulled.add(d.org)
            for m in page["messages"]:
                n += self.take(d, m)
            if page["messages"]:
                self.db.execute("UPDATE position SET read_upto = MAX(read_upto, ?) WHERE org = ?",
                                (page["next"], d.org))
            if not page["more"]:
                return n

    def acknowledge(self, d):
        read, acked = self._position(d.org)
        if read <= acked:
            return
        body = ('{"upto": %d}' % read).encode()
        h = self.signed("POST", ACK, "", body)
        h["Content-Type"] = "application/json"
        st, hd, out = d.http("POST", ACK, body=body, headers=h)
        if st != 200:
            raise MinistryError("%s: acknowledge %d: %d %r" % (d.org, read, st, out[:300]))
        self.db.execute("UPDATE position SET acked_upto = ? WHERE org = ?", (read, d.org))

    # ---- one message ----------------------------------------------------
    def take(self, d, m):
        raw = base64.b64decode(m["body"])
        if not xchange.verify(d.public_pem, m["signature"], raw):
            raise MinistryError("%s: message %s: the signature does not verify with %s's key"
                                % (d.org, m.get("message_id"), d.org))
        bad = validate(raw)
        if bad:
            raise MinistryError("%s: message %s is not valid against exchange.xsd: %s"
                                % (d.org, m.get("message_id"), bad))
        root = ET.fromstring(raw)
        mid = _t(root, "x:Header/x:MessageId")
        mtype = _t(root, "x:Header/x:MessageType")
        sender = _t(root, "x:Header/x:Sender")
        receiver = _t(root, "x:Header/x:Receiver")
        payload = root.find(Q + "Body")[0]
        if payload.tag != Q + mtype:
            raise MinistryError("%s: message %s: MessageType %s, payload %s"
                                % (d.org, mid, mtype, payload.tag))
        if sender != d.org or receiver != "MOE":
            raise MinistryError("%s: message %s from %s to %s: a province's outbox holds its own"
                                " messages to MOE" % (d.org, mid, sender, receiver))
        sha = hashlib.sha256(raw).hexdigest()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute("SELECT sha256 FROM seen WHERE sender = ? AND message_id = ?",
                                  (sender, mid)).fetchone()
            if row is not None:
                self.db.execute("ROLLBACK")
                if row[0] != sha:
                    raise MinistryError("%s: message id %s seen before with other bytes"
                                        % (d.org, mid))
                self.log("%s %s seen before (cursor %s): nothing to do" % (sender, mid,
                                                                         m.get("cursor")))
                return 0
            if mtype == "StudentBatch":
                self.on_batch(sender, mid, payload)
            elif mtype in RELAYED:
                self.relay(sender, mid, mtype, payload, raw)
            elif mtype == "Receipt":
                pass        # a province's receipt of an answer of ours: nothing to do
            else:
                raise MinistryError("%s: message %s: the ministry takes no %s"
                                    % (d.org, mid, mtype))
            self.db.execute("INSERT INTO seen (sender, message_id, sha256, type, cursor,"
                            " processed_at) VALUES (?, ?, ?, ?, ?, ?)",
                            (sender, mid, sha, mtype, m.get("cursor"), beijing_now()))
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        self.log("%s %s %s processed" % (sender, mtype, mid))
        return 1

    # ---- StudentBatch ---------------------------------------------------
    def on_batch(self, province, mid, batch):
        answers = {}        # (receiver, correlation) -> [outcome xml]
        mine = answers.setdefault((province, mid), [])
        for rec in batch.findall(Q + "Record"):
            ref, action = rec.get("ref"), rec.get("action")
            st = rec.find(Q + "Student")
            f = {k: _t(st, "x:" + k) for k in ("StudentNo", "Name", "Sex", "BirthDate",
                                               "IdDocType", "IdNumber", "SchoolCode", "County")}
            rid = self._upsert(province, ref, mid, f)
            mine.append(self._check(rid, action, province, answers))
        for (receiver, corr), outs in answers.items():
            for part in self.parts(self.deps[receiver], outs):
                self.queue(receiver, "CheckResult", "<CheckResult>%s</CheckResult>" % part, corr)

    def parts(self, d, outs):
        """The outcomes in messages of at most check_result_max records
        that stay within d's size and node limits (with room for the
        envelope; a node per '<' is what an element and its text cost)."""
        budget_b, budget_n = d.message_limit - 2048, int(d.max_nodes * 0.9) - 32
        cur, b, n = [], 0, 0
        for o in outs:
            ob, on = len(o.encode()), 2 * o.count("<")
            if cur and (len(cur) >= self.check_result_max or b + ob > budget_b or
                        n + on > budget_n):
                yield "".join(cur)
                cur, b, n = [], 0, 0
            cur.append(o)
            b, n = b + ob, n + on
        if cur:
            yield "".join(cur)

    def _upsert(self, province, ref, mid, f):
        row = self.db.execute("SELECT id, student_no FROM record WHERE province = ? AND ref = ?",
                              (province, ref)).fetchone()
        key = person_key(f["Name"], f["Sex"], f["BirthDate"])
        vals = (mid, f["SchoolCode"], f["County"], f["Name"], key, f["Sex"], f["BirthDate"],
                f["IdDocType"], f["IdNumber"])
        if row is None and f["StudentNo"][0] in "GJ":
            # a record that moved here from another province (a Dossier
            # relayed): the receiving province's first batch names it
            row = self.db.execute("SELECT id, student_no FROM record WHERE province = ? AND"
                                  " student_no = ? AND ref LIKE 'moved:%'",
                                  (province, f["StudentNo"])).fetchone()
            if row is not None:
                self.db.execute("UPDATE record SET ref = ? WHERE id = ?", (ref, row[0]))
        if row is None:
            cur = self.db.execute(
                "INSERT INTO record (batch, school, county, name, person_key, sex, birth_date,"
                " id_doc_type, id_number, province, ref, student_no) VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", vals + (province, ref, f["StudentNo"]))
            return cur.lastrowid
        # the number stays the national one once issued (a changed record
        # sends its G/J number; a resent one may still carry its L)
        no = row[1] if row[1][0] in "GJ" else f["StudentNo"]
        self.db.execute("UPDATE record SET batch = ?, school = ?, county = ?, name = ?,"
                        " person_key = ?, sex = ?, birth_date = ?, id_doc_type = ?,"
                        " id_number = ?, student_no = ? WHERE id = ?", vals + (no, row[0]))
        return row[0]

    def _rec(self, rid):
        r = self.db.execute("SELECT id, province, ref, batch, school, county, student_no, name,"
                            " person_key, sex, birth_date, id_doc_type, id_number FROM record"
                            " WHERE id = ?", (rid,)).fetchone()
        return dict(zip(("id", "province", "ref", "batch", "school", "county", "student_no",
                         "name", "person_key", "sex", "birth_date", "id_doc_type",
                         "id_number"), r))

    def _duplicates(self, r):
        """(kind, [other provinces' record ids]) or (None, [])."""
        ids = [x[0] for x in self.db.execute(
            "SELECT id FROM record WHERE id_doc_type = ? AND id_number = ? AND province <> ?",
            (r["id_doc_type"], r["id_number"], r["province"]))]
        if ids:
            return "same_id_number", ids
        ids = [x[0] for x in self.db.execute(
            "SELECT id FROM record WHERE person_key = ? AND province <> ?",
            (r["person_key"], r["province"]))]
        return ("same_name_sex_birth", ids) if ids else (None, [])

    def _check(self, rid, action, province, answers):
        r = self._rec(rid)
        kind, others = self._duplicates(r)
        if kind:
            gid = self._group(kind, [rid] + others)
            self.db.execute("UPDATE record SET outcome = 'problem' WHERE id IN (%s)"
                            % ",".join("?" * (len(others) + 1)), [rid] + others)
            # every other province hears of its own record in the group
            # (a record that moved there and was not batched there yet has
            # no batch of that province to answer: it hears with its batch)
            for o in others:
                orec = self._rec(o)
                if orec["ref"].startswith("moved:"):
                    continue
                answers.setdefault((orec["province"], orec["batch"]), []).append(
                    self._problem_xml(orec, gid, kind))
            return self._problem_xml(r, gid, kind)
        # unique now (a changed name, sex or birth date): out of any group
        self.db.execute("DELETE FROM member WHERE record_id = ?", (rid,))
        if r["student_no"][0] in "GJ":
            self.db.execute("UPDATE record SET outcome = 'passed' WHERE id = ?", (rid,))
            if action == "changed":
                return '<Record ref="%s"><Passed/></Record>' % escape(r["ref"])
            return self._issued_xml(r["ref"], r["student_no"], None)
        no = self._issue(r)
        self.db.execute("UPDATE record SET student_no = ?, replaced = ?, outcome = 'issued'"
                        " WHERE id = ?", (no, r["student_no"], rid))
        return self._issued_xml(r["ref"], no, r["student_no"])

    def _issue(self, r):
        """A G number for a valid resident ID number not yet used for one,
        else a J number: area + birth date + sequence + MOD 11-2."""
        at = beijing_now()
        if r["id_doc_type"] == "1" and valid_id(r["id_number"]):
            g = "G" + r["id_number"]
            if self.db.execute("SELECT 1 FROM issued WHERE number = ?", (g,)).fetchone() is None:
                self.db.execute("INSERT INTO issued (number, record_id, at) VALUES (?, ?, ?)",
                                (g, r["id"], at))
                return g
        prefix = r["county"] + r["birth_date"].replace("-", "")
        while True:
            row = self.db.execute("SELECT last FROM jseq WHERE prefix = ?", (prefix,)).fetchone()
            seq = (row[0] if row else 0) + 1
            if seq > 999:
                raise MinistryError("J sequences of %s exhausted" % prefix)
            self.db.execute("INSERT OR REPLACE INTO jseq (prefix, last) VALUES (?, ?)",
                            (prefix, seq))
            body = "%s%03d" % (prefix, seq)
            j = "J" + body + mod11_2(body)
            if self.db.execute("SELECT 1 FROM issued WHERE number = ?", (j,)).fetchone() is None:
                self.db.execute("INSERT INTO issued (number, record_id, at) VALUES (?, ?, ?)",
                                (j, r["id"], at))
                return j

    def _group(self, kind, ids):
        """The national group of kind holding any of ids, or a new one;
        every id a member."""
        marks = ",".join("?" * len(ids))
        row = self.db.execute("SELECT g.id FROM grp g JOIN member m ON m.group_id = g.id"
                              " WHERE g.kind = ? AND m.record_id IN (%s) ORDER BY g.id LIMIT 1"
                              % marks, [kind] + ids).fetchone()
        if row:
            gid = row[0]
        else:
            n = self.db.execute("SELECT COUNT(*) FROM grp").fetchone()[0] + 1
            gid = "NG-%08d" % n
            self.db.execute("INSERT INTO grp (id, kind) VALUES (?, ?)", (gid, kind))
        for i in ids:
            self.db.execute("INSERT OR IGNORE INTO member (group_id, record_id) VALUES (?, ?)",
                            (gid, i))
        return gid

    def _school_name(self, r):
        d = self.deps.get(r["province"])
        return (d.schools.get(r["school"]) if d else None) or r["school"]

    def _problem_xml(self, r, gid, kind):
        """The outcome for record r: the group with the members of other
        provinces than r's, masked."""
        others = [self._rec(x[0]) for x in self.db.execute(
            "SELECT m.record_id FROM member m JOIN record o ON o.id = m.record_id"
            " WHERE m.group_id = ? AND o.province <> ? ORDER BY m.record_id LIMIT 64",
            (gid, r["province"]))]
        xs = []
        for o in others:
            idm = mask_id(o["id_number"])
            xs.append("<Other><StudentNo>%s</StudentNo><Name>%s</Name><Sex>%s</Sex>"
                      "<BirthDate>%s</BirthDate>%s<Province>%s</Province>"
                      "<SchoolName>%s</SchoolName></Other>"
                      % (o["student_no"], escape(mask_name(o["name"])), o["sex"],
                         o["birth_date"], "<IdNumber>%s</IdNumber>" % idm if idm else "",
                         o["province"], escape(self._school_name(o)[:200])))
        return '<Record ref="%s"><Problem id="%s" kind="%s">%s</Problem></Record>' % (
            escape(r["ref"]), gid, kind, "".join(xs))

    @staticmethod
    def _issued_xml(ref, no, replaces):
        rep = "<Replaces>%s</Replaces>" % replaces if replaces and replaces[0] == "L" else ""
        return '<Record ref="%s"><Issued><StudentNo>%s</StudentNo>%s</Issued></Record>' % (
            escape(ref), no, rep)

    # ---- transfers ------------------------------------------------------
    @staticmethod
    def other_side(mtype, payload):
        if mtype == "TransferRequest":
            return _t(payload, "x:From/x:County")[:2] + "0000"
        if mtype == "GraduateMove":
            return _t(payload, "x:GraduatedFrom/x:County")[:2] + "0000"
        return _t(payload, "x:TransferId").split("-", 1)[0]

    def relay(self, sender, mid, mtype, payload, raw):
        to = self.other_side(mtype, payload)
        if to not in self.deps or to == sender:
            raise MinistryError("%s %s %s: no other province %s to relay to"
                                % (sender, mtype, mid, to))
        # the payload's exact bytes when the writer used the default
        # namespace (ours and Xueji's do); else the element re-serialised
        # with its namespace declared on it
        text = raw.decode("utf-8")
        mm = re.search(r"<Body>(.*)</Body>", text, re.S)
        if mm and mm.group(1).lstrip().startswith("<" + mtype):
            inner = mm.group(1)
        else:
            ET.register_namespace("", NS)
            payload.tail = None
            inner = ET.tostring(payload, encoding="unicode")
        out = self.queue(to, mtype, inner, mid)
        if mtype == "Dossier":
            self._moved(sender, to, payload)
        self.db.execute("INSERT INTO relay (transfer_id, type, sender, receiver, in_mid, out_mid)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (_t(payload, "x:TransferId"), mtype, sender, to, mid, out))

    def _moved(self, sender, to, dossier):
        """The national record follows its Dossier (调档) to the receiving
        province: so the receiving province's next batch of it is that
        record (not a national duplicate of the record it left behind).
        A record the ministry never saw (numbered before this registry)
        is registered from the Dossier."""
        tid = _t(dossier, "x:TransferId")
        st = dossier.find(Q + "Student")
        f = {k: _t(st, "x:" + k) for k in ("StudentNo", "Name", "Sex", "BirthDate", "IdDocType",
                                           "IdNumber", "SchoolCode", "County")}
        row = self.db.execute("SELECT id FROM record WHERE province = ? AND student_no = ?",
                              (sender, f["StudentNo"])).fetchone()
        if row is not None:
            self.db.execute("UPDATE record SET province = ?, ref = ? WHERE id = ?",
                            (to, "moved:" + tid, row[0]))
            return
        self.db.execute(
            "INSERT INTO record (batch, school, county, name, person_key, sex, birth_date,"
            " id_doc_type, id_number, province, ref, student_no, outcome) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'moved')",
            (tid, f["SchoolCode"], f["County"], f["Name"],
             person_key(f["Name"], f["Sex"], f["BirthDate"]), f["Sex"], f["BirthDate"],
             f["IdDocType"], f["IdNumber"], to, "moved:" + tid, f["StudentNo"]))

    # ---- answers --------------------------------------------------------
    def queue(self, receiver, mtype, payload, corr):
        raw, mid = envelope(mtype, payload, receiver, corr)
        bad = validate(raw)
        if bad:     # the simulator's own mistake: as loud as a province's
            raise MinistryError("MOE %s to %s is not valid: %s" % (mtype, receiver, bad))
        self.db.execute("INSERT INTO outgoing (receiver, message_id, type, corr, body, signature)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (receiver, mid, mtype, corr, raw, self.key.sign(raw)))
        return mid

    def deliver(self):
        """POST every pending answer; read its signed Receipt. A transport
        failure or an `internal` refusal stays pending (the same MessageId
        again: the deployment applies it once). The number delivered."""
        n = 0
        for oid, receiver, mid, mtype, raw, sig in self.db.execute(
                "SELECT id, receiver, message_id, type, body, signature FROM outgoing"
                " WHERE state = 'pending' ORDER BY id").fetchall():
            d = self.deps[receiver]
            self.db.execute("UPDATE outgoing SET attempts = attempts + 1 WHERE id = ?", (oid,))
            try:
                st, h, body = d.http("POST", POST, body=bytes(raw),
                                     headers={"Content-Type": "application/xml",
                                              "Xueji-Signature": sig})
            except OSError as e:
                self.log("deliver %s to %s: %s (kept)" % (mid, receiver, e))
                continue
            if not h.get("content-type", "").startswith(("application/xml", "text/xml")):
                self.log("deliver %s to %s: %d %r (kept)" % (mid, receiver, st, body[:200]))
                continue
            if not xchange.verify(d.public_pem, h.get("xueji-signature"), body):
                raise MinistryError("%s: the receipt of %s does not verify" % (receiver, mid))
            bad = validate(body)
            if bad:
                raise MinistryError("%s: the receipt of %s is not valid: %s" % (receiver, mid, bad))
            rc = xchange.parse_receipt(body)
            if rc["category"] == "internal":
                self.log("deliver %s to %s: internal, kept" % (mid, receiver))
                continue
            detail = json.dumps({"code": rc["code"], "records": {k: list(v) for k, v in
                                                                  rc["records"].items()
                                                                  if v[0] != "accepted"}})
            self.db.execute("UPDATE outgoing SET state = 'delivered', receipt_status = ?,"
                            " receipt_detail = ? WHERE id = ?", (rc["status"], detail, oid))
            if rc["status"] != "accepted":
                self.problems.append((mid, receiver, mtype, rc["status"], detail))
                self.log("deliver %s %s to %s: %s %s" % (mtype, mid, receiver, rc["status"],
                                                         detail))
            n += 1
        return n


# ---- the CLI ------------------------------------------------------------------
def schools_csv(path):
    """code -> name from the official school list's CSV (xuejictl org import)."""
    import csv
    if not path:
        return {}
    with open(path, encoding="utf-8") as f:
        return {r["code"]: r["name"] for r in csv.DictReader(f)}


def from_conf(path, log=None):
    cp = configparser.ConfigParser()
    cp.read(path)
    m = cp["ministry"]
    key = load_key(m["key_file"], m.get("key_id", "MOE-1"), "MOE",
                   m.get("alg", "ecdsa-p256-sha256"))
    deps = []
    for sec in cp.sections():
        if sec.startswith("deployment "):
            c = cp[sec]
            deps.append(Deployment(sec.split()[1], c.get("host", "127.0.0.1"), c["port"],
                                   c["public_key"], schools_csv(c.get("schools_csv")),
                                   int(c.get("message_limit", 8 << 20)),
                                   int(c.get("xml_max_nodes", 200000))))
    return Ministry(m["dir"], key, deps, log=log), float(m.get("interval", "5"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--conf", required=True, help="the simulator's INI file (README.md)")
    ap.add_argument("--once", action="store_true", help="one step, then exit")
    a = ap.parse_args()
    say = lambda msg: print("%s %s" % (beijing_now(), msg), flush=True)
    sim, interval = from_conf(a.conf, log=say)
    while True:
        try:
            n = sim.step()
            if n:
                say("step: %d messages processed or delivered" % n)
        except (MinistryError, OSError) as e:
            say("error: %s" % e)
            if a.once:
                return 1
        if a.once:
            return 0
        time.sleep(interval)


if __name__ == "__main__":
    sys.exit(main())
