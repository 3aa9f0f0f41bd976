"""Black-box: evidence files of student records (佐证材料, issue 12 item
3, R-DUP-2): DOC, RAR or JPG of at most 2 MB, recognised by their bytes,
stored once, encrypted, within per-record limits, read only by staff in
scope and audited. The corroboration and change that need them:
tests/api/problems.py."""
import http.client
import os
import re
import subprocess
import urllib.parse

import samplefiles as f
from staff import signed_in
from wfcases import API, CHAOYANG, CY1, CY2, HAIDIAN, HD1, admitted, q1
from xjtest import key_ring, run, test

MAX_FILES = 4


def files_of(sid):
    return "%s/students/%d/evidence-files" % (API, sid)


def upload(staff, sid, data, name=None):
    h = {"Content-Type": "application/octet-stream"}
    if name is not None:
        h["X-File-Name"] = urllib.parse.quote(name)
    return staff.call("POST", files_of(sid), raw=data, headers=h)


def download(s, staff, fid):
    """(status, headers, bytes): the file as a browser gets it."""
    conn = http.client.HTTPConnection("127.0.0.1", s.stack.port, timeout=30)
    try:
        conn.request("GET", "%s/evidence-files/%d" % (API, fid),
                     headers={"Cookie": "__Host-xj_staff=" + staff.cookie})
        r = conn.getresponse()
        h = {}
        for k, v in r.getheaders():
            h[k.lower()] = h[k.lower()] + ", " + v if k.lower() in h else v
        return r.status, h, r.read()
    finally:
        conn.close()


def rows(s, table):
    return int(q1(s, "SELECT COUNT(*) FROM %s" % table))


@test("R-DUP-2 a JPEG, a Word document and a RAR archive are accepted by their content; the record lists them with kind, size and name")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, CY1 + ".clerk")
    got = []
    for data, name, kind in ((f.jpeg(), "出生证明.jpg", "jpg"), (f.doc(), "情况说明.doc", "doc"),
                             (f.rar(), "材料.rar", "rar")):
        st, h, b = upload(clerk, sid, data, name)
        s.eq(st, 201, "upload %s: %r" % (name, b))
        s.eq((b["duplicate"], b["file"]["kind"], b["file"]["size"], b["file"]["name"]),
             (False, kind, len(data), name))
        got.append(b["file"]["id"])
    st, h, b = clerk.call("GET", files_of(sid))
    s.eq(st, 200)
    s.eq([(x["id"], x["kind"]) for x in b["items"]], list(zip(got, ["jpg", "doc", "rar"])))
    s.ok(all(x["uploaded_at"] and x["uploaded_by_org"] for x in b["items"]), "who and when")
    s.eq(b["max_file_bytes"], 2 * 1024 * 1024)


@test("R-DUP-2 wrong types are refused by content: PDF, PNG, DOCX (a ZIP), an Excel workbook, an executable named .jpg, an empty body; nothing is stored")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, CY1 + ".clerk")
    before = (rows(s, "evidence_blob"), rows(s, "evidence_file"))
    for data, name in ((f.pdf(), "a.pdf"), (f.png(), "a.png"), (f.docx(), "a.docx"),
                       (f.xls(), "a.xls"), (f.exe(), "photo.jpg")):
        st, h, b = upload(clerk, sid, data, name)
        e = s.error_body(b, "validation_failed", 422, st)
        s.eq(e["fields"], [{"field": "file", "code": "evidence_file_type",
                            "message": e["fields"][0]["message"],
                            "message_en": e["fields"][0]["message_en"]}], name)
    st, h, b = upload(clerk, sid, b"")
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq(e["fields"][0]["code"], "required")
    s.eq((rows(s, "evidence_blob"), rows(s, "evidence_file")), before, "nothing stored")


@test("R-DUP-2 a renamed file is what its bytes say: a JPEG named .doc is a jpg, a PDF named .jpg is refused; the declared type is not asked")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, b = clerk.call("POST", files_of(sid), raw=f.jpeg(),
                          headers={"Content-Type": "application/msword", "X-File-Name": "scan.doc"})
    s.eq((st, b["file"]["kind"]), (201, "jpg"))
    st, h, b = clerk.call("POST", files_of(sid), raw=f.pdf(),
                          headers={"Content-Type": "image/jpeg", "X-File-Name": "scan.jpg"})
    s.eq(st, 422)


@test("R-DUP-2 at most 2 MB: exactly 2 MiB is accepted, one byte more is 413 body_too_large and stores nothing")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, b = upload(clerk, sid, f.jpeg(size=2 * 1024 * 1024))
    s.eq((st, b.get("file", {}).get("size")), (201, 2 * 1024 * 1024), "2 MiB: %r" % (b,))
    n = rows(s, "evidence_blob")
    st, h, b = upload(clerk, sid, f.jpeg(size=2 * 1024 * 1024 + 1))
    s.error_body(b, "body_too_large", 413, st)
    s.eq(rows(s, "evidence_blob"), n)


@test("issue 12 item 3: the same file twice for one record is that file again (200, duplicate); for another record it is stored once")
def _(s):
    a, b2 = admitted(s, 2)
    clerk = signed_in(s, CY1 + ".clerk")
    data = f.jpeg()
    st, h, first = upload(clerk, a, data, "a.jpg")
    s.eq(st, 201)
    blobs, files = rows(s, "evidence_blob"), rows(s, "evidence_file")
    st, h, again = upload(clerk, a, data, "again.jpg")
    s.eq((st, again["duplicate"], again["file"]["id"]), (200, True, first["file"]["id"]))
    st, h, other = upload(clerk, b2, data)
    s.eq((st, other["duplicate"]), (201, False))
    s.ok(other["file"]["id"] != first["file"]["id"], "a file of the other record")
    s.eq((rows(s, "evidence_blob"), rows(s, "evidence_file")), (blobs, files + 1),
         "one copy of the bytes, two files")


@test("issue 12 item 3: a record holds at most [evidence] max_files files; the next is 409 evidence_limit, a duplicate still answers")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, CY1 + ".clerk")
    data = [f.jpeg() for _ in range(MAX_FILES)]
    for d in data:
        st, h, b = upload(clerk, sid, d)
        s.eq(st, 201)
    st, h, b = upload(clerk, sid, f.jpeg())
    s.error_body(b, "evidence_limit", 409, st)
    st, h, b = upload(clerk, sid, data[0])
    s.eq((st, b["duplicate"]), (200, True))


@test("issue 12 item 3: a download gives the bytes back with the kind's type, as an attachment with a neutral name; audited; the bytes and the name are stored encrypted")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, CY1 + ".clerk")
    data = f.doc(b"plain text marker 4711")
    st, h, b = upload(clerk, sid, data, "张三户口本说明.doc")
    fid = b["file"]["id"]
    reader = signed_in(s, CHAOYANG + ".reviewer")
    st, h, body = download(s, reader, fid)
    s.eq(st, 200)
    s.eq(body, data, "the bytes")
    s.eq(h["content-type"], "application/msword")
    s.eq(h["content-disposition"], 'attachment; filename="evidence-%d.doc"' % fid)
    s.eq(h["x-content-type-options"], "nosniff")
    s.ok("sandbox" in h.get("content-security-policy", ""), "sandboxed: %r" % h)
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'evidence.read' AND target_id = '%d'"
              % fid), "1", "the read is audited")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'evidence.upload'"
              " AND target_id = '%d'" % sid), "1", "the upload is audited")
    s.eq(q1(s, "SELECT INSTR(content, 'plain text marker') FROM evidence_blob b"
              " JOIN evidence_file f ON f.blob_id = b.id WHERE f.id = %d" % fid), "0",
         "no plaintext in the blob")
    s.eq(q1(s, "SELECT INSTR(name_ct, '户口本') FROM evidence_file WHERE id = %d" % fid), "0",
         "no plaintext name")


@test("R-ORG-3 evidence scope: the record's school uploads (clerk or reviewer); another school and another county get 404; a bureau may read but not upload (403)")
def _(s):
    (sid,) = admitted(s)
    st, h, b = upload(signed_in(s, CY1 + ".reviewer"), sid, f.jpeg())
    s.eq(st, 201)
    fid = b["file"]["id"]
    for who in (CY2 + ".clerk", HD1 + ".clerk"):
        other = signed_in(s, who)
        st, h, b = upload(other, sid, f.jpeg())
        s.error_body(b, "not_found", 404, st)
        st, h, b = other.call("GET", files_of(sid))
        s.error_body(b, "not_found", 404, st)
        st, h, body = download(s, other, fid)
        s.eq(st, 404, who)
    st, h, b = signed_in(s, HAIDIAN + ".reviewer").call("GET", files_of(sid))
    s.error_body(b, "not_found", 404, st)
    county = signed_in(s, CHAOYANG + ".reviewer")
    st, h, b = upload(county, sid, f.jpeg())
    s.error_body(b, "forbidden", 403, st)
    st, h, b = county.call("GET", files_of(sid))
    s.eq((st, len(b["items"])), (200, 1))
    st, h, b = signed_in(s, CY1 + ".clerk").call("GET", "%s/evidence-files/999999999" % API)
    s.error_body(b, "not_found", 404, st)


@test("issue 12 item 3: the file name is optional; a path is cut to its last part; control characters or a name over 255 bytes are 422 evidence_file_name")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, b = upload(clerk, sid, f.jpeg())
    s.eq((st, b["file"]["name"]), (201, None))
    st, h, b = upload(clerk, sid, f.jpeg(), "C:\\scans\\../证明.jpg")
    s.eq((st, b["file"]["name"]), (201, "证明.jpg"))
    for bad in ("a\nb.jpg", "x" * 256):
        st, h, b = upload(clerk, sid, f.jpeg(), bad)
        e = s.error_body(b, "validation_failed", 422, st)
        s.eq(e["fields"][0]["field"], "name")
        s.eq(e["fields"][0]["code"], "evidence_file_name")


def ctl(s, *args):
    r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file] + list(args),
                       capture_output=True, text=True)
    s.eq(r.returncode, 0, "xuejictl %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
    return r.stdout


@test("M11 issue 12 item 3: after enc.key rotates, xuejictl rekey re-encrypts the files and their names; with the old version gone they still read")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, CY1 + ".clerk")
    big = f.jpeg(size=1024 * 1024)
    st, h, b = upload(clerk, sid, big, "大文件.jpg")
    fid = b["file"]["id"]
    path = s.stack.path("secrets", "enc.key")
    ctl(s, "keygen", "--rotate", path)
    s.stack.stop_workers()
    s.stack.start_workers()
    old = ("SELECT COUNT(*) FROM %s WHERE LENGTH(%s) > 0 AND HEX(LEFT(%s, 5)) <> '0200000002'")
    pending = [int(q1(s, old % (t, c, c))) for t, c in (("evidence_blob", "content"),
                                                        ("evidence_file", "name_ct"))]
    s.ok(all(n >= 1 for n in pending), "values under version 1: %r" % pending)
    out = ctl(s, "rekey")
    s.ok(re.search(r"evidence_blob.content: \d+ values, %d re-encrypted" % pending[0], out), out)
    s.eq([int(q1(s, old % (t, c, c))) for t, c in (("evidence_blob", "content"),
                                                   ("evidence_file", "name_ct"))], [0, 0])
    ring = key_ring(path)
    del ring[min(ring)]
    with open(path, "w") as fh:
        fh.write("".join("%d %s\n" % (i, k.hex()) for i, k in sorted(ring.items())))
    os.chmod(path, 0o600)
    s.stack.stop_workers()
    s.stack.start_workers()
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, body = download(s, clerk, fid)
    s.eq((st, body == big), (200, True), "the bytes under the new key alone")
    st, h, b = clerk.call("GET", files_of(sid))
    s.eq(b["items"][-1]["name"], "大文件.jpg")


run(conf={"evidence": {"max_files": MAX_FILES}})
