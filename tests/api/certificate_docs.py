"""Black-box: certificates of student status (学籍证明, R-REC-7, seed 004
第四篇; issue 11 item 9; docs/certificates.md). A school issues one for its
own student with a serial and a counterfoil kept on file, prints it as A4 HTML with
a QR code whose text the deployment signed (Ed25519), and anyone verifies
that text offline with the published public key: `xuejictl verify-document`
or openssl alone, following the documented procedure. Closed schools
(R-ORG-5) read and print, and issue nothing. Scope: the rows of
tests/api/access_matrix.txt that name status-certificates.

Records come from the admission chain (students.admitted); a status other
than in school is set with SQL, standing in for the status-change workflow
(as tests/api/records.py does)."""
import base64
import os
import re
import subprocess
import tempfile

from students import admitted, API, SCHOOL, CHAOYANG
from staff import signed_in
from xjtest import run, test, SRCDIR

CERTS = API + "/status-certificates"
SERIAL = re.compile(r"ZM%s(\d{4})(\d{6})" % SCHOOL)


def full_idn(c):
    """A GB 11643 number of this child: area code, birth date, 3 digits, a
    check character -- not inside the temporary student number, which
    starts with L and the same area code and birth date (R-REC-1)."""
    return r"(?<![0-9A-Z])%s%s\d{3}[\dXx](?![0-9])" % (c["id_number_masked"][:6],
                                                     c["birth_date"].replace("-", ""))


def issue(staff, sid):
    return staff.call("POST", "%s/students/%d/status-certificates" % (API, sid))


def issued(s, sid=None):
    """(student id, counterfoil) of a fresh certificate issued by the school's clerk."""
    if sid is None:
        (sid,) = admitted(s)
    clerk = signed_in(s, SCHOOL + ".clerk")
    st, h, b = issue(clerk, sid)
    s.eq(st, 201, "issue: %r" % (b,))
    return sid, b


def ctl(s, *args, stdin=None):
    r = subprocess.run([s.stack.bin("xuejictl")] + list(args), input=stdin,
                       capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def pubkey(s):
    return s.stack.path("secrets", "doc_verify.pem")


def openssl_verify(pem, text):
    """docs/certificates.md's procedure, word for word: no Xueji code."""
    d = tempfile.mkdtemp(prefix="xj-cert-")
    msg, sig = os.path.join(d, "msg"), os.path.join(d, "sig")
    script = ('qr="$1"; printf \'%s|\' "${qr%|*}" > "$2"; '
              'printf \'%s\' "${qr##*|}" | openssl base64 -d -A > "$3"; '
              'openssl pkeyutl -verify -pubin -inkey "$4" -rawin -in "$2" -sigfile "$3"')
    r = subprocess.run(["sh", "-c", script, "sh", text, msg, sig, pem],
                       capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def other_key():
    """A key pair that is not the deployment's: (private PEM path, public PEM path)."""
    d = tempfile.mkdtemp(prefix="xj-cert-")
    priv, pub = os.path.join(d, "k.pem"), os.path.join(d, "p.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ED25519", "-out", priv], check=True,
                   capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", priv, "-pubout", "-out", pub], check=True,
                   capture_output=True)
    return priv, pub


def key_id(pub):
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", pub, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    import hashlib
    return hashlib.sha256(der[-32:]).hexdigest()[:16]


def resign(text, priv, kid=None):
    """The certificate's message (key id replaced by kid when given),
    signed with the private key priv by openssl."""
    msg = text[:text.rindex("|") + 1]
    if kid is not None:
        fields = msg.split("|")
        fields[-2] = kid
        msg = "|".join(fields)
    d = tempfile.mkdtemp(prefix="xj-cert-")
    with open(os.path.join(d, "m"), "w", encoding="utf-8") as f:
        f.write(msg)
    sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", priv, "-rawin", "-in",
                          os.path.join(d, "m")], check=True, capture_output=True).stdout
    return msg + base64.b64encode(sig).decode()


# ---- issue ----------------------------------------------------------------

@test("R-REC-7 issue: 201 with a ZM serial, the counterfoil on file with its signed text, the identity number masked, audited")
def _(s):
    sid, b = issued(s)
    m = SERIAL.fullmatch(b["serial"])
    s.ok(m, "serial ZM + school code + year + 6 digits: %r" % b["serial"])
    c = b["certifies"]
    s.eq((b["student_id"], b["status"], c["status"], c["school_code"]), (sid, "in_school", "in_school", SCHOOL))
    s.ok(re.fullmatch(r"\d{6}\*{12}", c["id_number_masked"]),
         "the identity number shows its area code only (domain/mask.h): %r" % c["id_number_masked"])
    s.ok(re.fullmatch(r"[0-9a-f]{16}", b["key_id"]), "key id")
    s.ok(b["document"].startswith("XJSC1|" + b["serial"] + "|"), "the QR text: %r" % b["document"][:40])
    s.ok(b["issued_by"]["name"], "the issuer (经办人) is named")
    row = s.sql("SELECT student_id, status, key_id, document, school_org_id = (SELECT id FROM org"
                " WHERE kind = 'school' AND code = '%s') FROM status_certificate WHERE serial = '%s'"
                % (SCHOOL, b["serial"]))
    s.eq(row, [[str(sid), "in_school", b["key_id"], b["document"], "1"]], "the counterfoil (存根) is kept")
    s.ok(not re.search(full_idn(c), b["document"]), "no full identity number in the signed text")
    s.eq(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'status_certificate.issue'"
               " AND target_id = '%s'" % b["serial"])[0][0], "1", "audited")
    # the next one of the same school and year takes the next number
    _, b2 = issued(s, sid)
    m2 = SERIAL.fullmatch(b2["serial"])
    s.eq((m2.group(1), int(m2.group(2))), (m.group(1), int(m.group(2)) + 1), "serials run without gaps")


@test("R-REC-7 read: the counterfoil by serial and in the school's list, each read audited")
def _(s):
    sid, b = issued(s)
    clerk = signed_in(s, SCHOOL + ".clerk")
    st, h, got = clerk.call("GET", "%s/%s" % (CERTS, b["serial"]))
    s.eq(st, 200)
    s.eq(got["document"], b["document"])
    st, h, lst = clerk.call("GET", "%s?student=%d" % (CERTS, sid))
    s.eq(st, 200)
    s.eq([x["serial"] for x in lst["items"]], [b["serial"]], "the student's certificates")
    st, h, lst = clerk.call("GET", "%s?limit=1" % CERTS)
    s.eq(len(lst["items"]), 1)
    s.ok(lst["next_after"], "a full page has a next one")
    s.eq(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'status_certificate.read'"
               " AND target_id = '%s'" % b["serial"])[0][0], "1", "the read is audited")
    st, h, e = clerk.call("GET", "%s?limit=0" % CERTS)
    s.error_body(e, "bad_query", 400, st)
    st, h, e = clerk.call("GET", "%s/ZM00000000002026000001" % CERTS)
    s.error_body(e, "not_found", 404, st)
    st, h, e = clerk.call("GET", "%s/not-a-serial" % CERTS)
    s.error_body(e, "not_found", 404, st)


@test("R-REC-7 print: A4 HTML holding the serial and the QR code, drawn from the counterfoil, no script, audited")
def _(s):
    sid, b = issued(s)
    clerk = signed_in(s, SCHOOL + ".clerk")
    # the record changes after the issue: the reprint shows what was certified
    s.sql("UPDATE student SET name = '改名后' WHERE id = %d" % sid)
    st, h, page = clerk.call("GET", "%s/%s/print" % (CERTS, b["serial"]), headers={"Accept": "text/html"})
    s.eq(st, 200)
    s.ok(h["content-type"].startswith("text/html"), h["content-type"])
    s.ok("script-src" not in h.get("content-security-policy", "x") and
         "default-src 'none'" in h.get("content-security-policy", ""), "a CSP without script")
    s.ok('id="serial">%s<' % b["serial"] in page, "the serial is printed")
    s.ok(page.count("<svg") == 1 and "<path" in page, "one QR code (inline SVG)")
    s.ok("@page{size:A4" in page, "A4")
    s.ok("学籍证明存根" in page and page.count(b["serial"]) >= 3, "the counterfoil part with its serial")
    s.ok(b["certifies"]["name"] in page and "改名后" not in page, "the certified name, not today's")
    s.ok(b["certifies"]["id_number_masked"] in page, "the masked identity number")
    s.ok(not re.search(full_idn(b["certifies"]), page), "no full identity number on paper")
    s.ok("<script" not in page.lower(), "no script")
    s.eq(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'status_certificate.print'"
               " AND target_id = '%s'" % b["serial"])[0][0], "1", "the print is audited")


CHROMIUM = "/usr/bin/chromium"
SHOT = "print: headless Chromium lays the certificate and its counterfoil on one A4 page, and the QR code scanned from it verifies"


def chromium(tmp, html, *args):
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + os.path.join(tmp, "profile")] + list(args) + ["file://" + html],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
                   env=dict(os.environ, HOME=tmp))


# without chromium the TAP line reads "ok N - ... # SKIP chromium not installed"
@test(SHOT if os.path.exists(CHROMIUM) else SHOT + " # SKIP chromium not installed")
def _(s):
    import shutil
    if not os.path.exists(CHROMIUM):
        return
    sid, b = issued(s)
    clerk = signed_in(s, SCHOOL + ".clerk")
    st, h, page = clerk.call("GET", "%s/%s/print" % (CERTS, b["serial"]), headers={"Accept": "text/html"})
    s.eq(st, 200)
    tmp = tempfile.mkdtemp(prefix="xj-cert-")
    try:
        html = os.path.join(tmp, "cert.html")
        with open(html, "w", encoding="utf-8") as f:
            f.write(page)
        pdf = os.path.join(tmp, "cert.pdf")
        chromium(tmp, html, "--print-to-pdf=" + pdf, "--no-pdf-header-footer")
        with open(pdf, "rb") as f:
            pages = len(re.findall(rb"/Type\s*/Page(?!s)", f.read()))
        s.eq(pages, 1, "one A4 sheet: the certificate and its counterfoil")
        png = os.path.join(tmp, "cert.png")
        # twice the pixels of a 150 dpi page: enough for zbarimg to read the modules
        chromium(tmp, html, "--screenshot=" + png, "--window-size=1240,1754",
                 "--force-device-scale-factor=2")
        s.ok(os.path.exists(png), "chromium wrote the screenshot")
        keep = os.path.join(os.environ.get("XJ_BUILDDIR", "."), "tests", "api", "certificate_docs.png")
        shutil.copyfile(png, keep)
        print("# screenshot: %s" % keep)
        if shutil.which("zbarimg"):
            out = subprocess.run(["zbarimg", "--raw", "-q", png], capture_output=True,
                                 timeout=60).stdout.decode("utf-8").strip()
            s.eq(out, b["document"], "the QR code on paper holds the signed text")
            rc, vout = ctl(s, "verify-document", "--key", pubkey(s), out)
            s.eq(rc, 0, "and it verifies: " + vout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- offline verification ----------------------------------------------------------

@test("verify-document: the QR text verifies with the published key (exit 0), by argument and stdin, and openssl alone agrees")
def _(s):
    sid, b = issued(s)
    rc, out = ctl(s, "verify-document", "--key", pubkey(s), b["document"])
    s.eq(rc, 0, out)
    s.ok("verify-document: ok" in out and "serial: " + b["serial"] in out, out)
    s.ok("name: " + b["certifies"]["name"] in out, "it prints what it certifies")
    s.ok("status: in_school (在我校就读)" in out, out)
    rc, out = ctl(s, "verify-document", "--key", pubkey(s), stdin=b["document"] + "\n")
    s.eq(rc, 0, "stdin, with a scanner's newline: " + out)
    rc, out = openssl_verify(pubkey(s), b["document"])
    s.eq(rc, 0, "the documented openssl procedure: " + out)
    s.ok("Signature Verified Successfully" in out, out)


@test("verify-document: a tampered text fails (exit 1), and openssl alone refuses it too")
def _(s):
    sid, b = issued(s)
    doc = b["document"]
    name = b["certifies"]["name"]
    forged = [doc.replace("|in_school|", "|graduated|", 1),
              doc.replace("|" + name + "|", "|" + name + "某|", 1),
              doc[:-6] + ("A" if doc[-6] != "A" else "B") + doc[-5:],
              doc[:-2],
              "XJSC1|" + doc[6:].replace("|", "||", 1)]
    for f in forged:
        s.ok(f != doc, "changed")
        rc, out = ctl(s, "verify-document", "--key", pubkey(s), f)
        s.eq(rc, 1, "tampered %r: %s" % (f[:60], out))
        s.ok("FAILED" in out and "serial:" not in out, "says so, prints nothing certified: " + out)
    rc, out = openssl_verify(pubkey(s), forged[0])
    s.ok(rc != 0, "openssl refuses the changed status: " + out)
    rc, out = ctl(s, "verify-document", "--key", pubkey(s), "\x1b[2J" + doc)
    s.eq(rc, 1, "bytes before the text")


@test("verify-document: a text signed with another key fails, whether it names the deployment's key or its own")
def _(s):
    sid, b = issued(s)
    priv, pub = other_key()
    # the deployment's key id, another key's signature
    forged = resign(b["document"], priv)
    s.ok(forged != b["document"], "re-signed")
    rc, out = ctl(s, "verify-document", "--key", pubkey(s), forged)
    s.eq(rc, 1, out)
    s.ok("signature does not hold" in out, out)
    # its own key id: not a published key
    forged = resign(b["document"], priv, key_id(pub))
    rc, out = ctl(s, "verify-document", "--key", pubkey(s), forged)
    s.eq(rc, 1, out)
    s.ok("not in" in out, out)
    # the check can succeed: with the other key published, its text verifies
    rc, out = ctl(s, "verify-document", "--key", pub, forged)
    s.eq(rc, 0, "the same text under the key that signed it: " + out)


# ---- refusals -------------------------------------------------------------------------

@test("R-ORG-5 a closed school still reads and prints its certificates but issues none: 409 school_closed")
def _(s):
    sid, b = issued(s)
    clerk = signed_in(s, SCHOOL + ".clerk")
    s.sql("UPDATE org SET status = 'closed' WHERE kind = 'school' AND code = '%s'" % SCHOOL)
    try:
        st, h, e = issue(clerk, sid)
        s.error_body(e, "school_closed", 409, st)
        s.eq(s.sql("SELECT COUNT(*) FROM status_certificate WHERE student_id = %d" % sid)[0][0], "1",
             "no counterfoil written")
        st, h, got = clerk.call("GET", "%s/%s" % (CERTS, b["serial"]))
        s.eq(st, 200, "the counterfoil stays readable")
        st, h, page = clerk.call("GET", "%s/%s/print" % (CERTS, b["serial"]), headers={"Accept": "text/html"})
        s.eq(st, 200, "and printable")
    finally:
        s.sql("UPDATE org SET status = 'open' WHERE kind = 'school' AND code = '%s'" % SCHOOL)
    st, h, b2 = issue(clerk, sid)
    s.eq(st, 201, "open again: issues")


@test("R-REC-3 only students in school or graduated are certified: 409 status_not_certifiable")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, SCHOOL + ".clerk")
    # stands in for the status-change workflow (issue 11 item 6)
    s.sql("UPDATE student SET status = 'left' WHERE id = %d" % sid)
    st, h, e = issue(clerk, sid)
    s.error_body(e, "status_not_certifiable", 409, st)
    s.sql("UPDATE student SET status = 'graduated' WHERE id = %d" % sid)
    st, h, b = issue(clerk, sid)
    s.eq((st, b["certifies"]["status"], b["certifies"]["grade"]), (201, "graduated", None))
    rc, out = ctl(s, "verify-document", "--key", pubkey(s), b["document"])
    s.ok(rc == 0 and "已在我校毕业" in out, out)


@test("no revocation: neither R-REC-7 nor the seed has one, so no route revokes or deletes a certificate")
def _(s):
    sid, b = issued(s)
    clerk = signed_in(s, SCHOOL + ".clerk")
    for method, path in (("DELETE", "%s/%s" % (CERTS, b["serial"])),
                         ("POST", "%s/%s/revoke" % (CERTS, b["serial"]))):
        st, h, e = clerk.call(method, path)
        s.ok(st in (404, 405), "%s %s: %d" % (method, path, st))
    s.eq(s.sql("SELECT COUNT(*) FROM status_certificate WHERE serial = '%s'" % b["serial"])[0][0], "1")


@test("the document key: a school worker with a key named but unreadable, or readable by others, does not start")
def _(s):
    def check(path, portal="school"):
        env = dict(os.environ, XUEJI_DOCUMENTS_SIGNING_KEY_FILE=path, XUEJI_SERVER_PORTAL=portal)
        r = subprocess.run([s.stack.bin("xuejid"), "-c", s.stack.conf_file, "--check-config"],
                           capture_output=True, text=True, env=env)
        return r.returncode, r.stdout + r.stderr
    rc, out = check(s.stack.path("secrets", "doc_sign.key"))
    s.eq(rc, 0, "the stack's own key: " + out)
    rc, out = check("/nonexistent/doc_sign.key")
    s.ok(rc != 0 and "secret_error" in out, "a missing key stops the start: %d %s" % (rc, out))
    d = tempfile.mkdtemp(prefix="xj-cert-")
    loose = os.path.join(d, "doc_sign.key")
    with open(s.stack.path("secrets", "doc_sign.key")) as f, open(loose, "w") as g:
        g.write(f.read())
    os.chmod(loose, 0o644)
    rc, out = check(loose)
    s.ok(rc != 0 and "secret_error" in out, "a key others may read stops the start: %d %s" % (rc, out))
    with open(loose, "w") as g:
        g.write("not a key\n")
    os.chmod(loose, 0o600)
    rc, out = check(loose)
    s.ok(rc != 0 and "Ed25519" in out, "a file that is not a key: %d %s" % (rc, out))
    rc, out = check("/nonexistent/doc_sign.key", portal="parent")
    s.eq(rc, 0, "a parent-portal worker does not read it: " + out)


# ---- scope -----------------------------------------------------------------------------

@test("R-ORG-3 the access matrix rows of status certificates hold (tests/api/access_matrix.txt)")
def _(s):
    sid, b = issued(s)
    with open(os.path.join(SRCDIR, "tests", "api", "access_matrix.txt"), encoding="utf-8") as f:
        rows = [l.split("#")[0].strip() for l in f]
    rows = [[c.strip() for c in l.split(",")] for l in rows if l and "status-certificates" in l]
    s.ok(len(rows) >= 12, "matrix rows: %d" % len(rows))
    fails = []
    for like, scope, endpoint, want in rows:
        staff = signed_in(s, like)
        method, path = endpoint.split(" ", 1)
        path = path.replace("{student}", str(sid)).replace("{serial}", b["serial"])
        st, h, got = staff.call(method, path, headers={"Accept": "text/html"} if path.endswith("/print") else None)
        if str(st) != want:
            fails.append("%s %s %s: got %d, want %s (%r)" % (like, scope, endpoint, st, want, got))
    s.eq(fails, [])


@test("R-ORG-3 lists stay in scope: the county sees its schools' certificates, another county and another school none")
def _(s):
    sid, b = issued(s)
    for like, sees in ((SCHOOL + ".clerk", True), (CHAOYANG + ".reviewer", True),
                       ("bj.city.reviewer", True), ("110108.reviewer", False),
                       ("1110500002.clerk", False)):
        staff = signed_in(s, like)
        st, h, lst = staff.call("GET", "%s?student=%d" % (CERTS, sid))
        s.eq(st, 200)
        s.eq(b["serial"] in [x["serial"] for x in lst["items"]], sees, like)


run()
