"""Black-box: the printable collection form (信息采集表, issue 3 §7):
R-COL-3 the pre-registration number as text and QR code, every R-COL-6
field with full identity numbers, HTML escaping of parents' text, a strict
CSP, R-COL-9 printable only after the checks, privacy of other families'
forms, and one headless-Chromium screenshot (skipped without chromium).

A printable registration needs the PSB identity check (R-COL-5). The tests
here move a registration to `printable` directly in the database: the PSB
path to that state is covered in tests/api/psb.py."""
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib

from parent import new_child, reg_body, signed_up
from xjtest import BUILDDIR, test, run
import population  # noqa: E402 (tests/psbsim, on the path once parent is imported)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CHROMIUM = "/usr/bin/chromium"


def form_path(no):
    return "/api/parent/v1/registrations/%s/form" % no


def display(no):
    return "%s-%s-%s-%s" % (no[:2], no[2:8], no[8:15], no[15])


def registered(s, p, body):
    st, h, b = p.register(body)
    s.eq(st, 201, "registration: %r" % (b,))
    return b["prereg_no"]


def make_printable(s, no, cert=None, permit=None):
    # the PSB identity check (and, non-local, the certificate review) would
    # get here; tests/api/psb.py covers that path
    s.sql("UPDATE registration SET state = 'printable'%s%s WHERE prereg_no = '%s'"
          % (", cert_state = '%s'" % cert if cert else "",
             ", study_permit_no = '%s'" % permit if permit else "", no))


def two_guardians():
    mother_id = population.make_id("110105", 1988, 3, 14, 22)
    return [{"relation": "父", "name": "王建国", "phone": "13800138000",
             "employer": "北京某科技有限公司"},
            {"relation": "母", "name": "李秀英", "phone": "139 1234 5678",
             "id_doc_type": "1", "id_number": mother_id, "employer": "朝阳区某医院"}], mother_id


def printable_form(s):
    """A parent, a printable registration with two guardians, its page."""
    p = signed_up(s)
    child = new_child()
    guardians, mother_id = two_guardians()
    no = registered(s, p, reg_body(child, guardians=guardians))
    make_printable(s, no)
    st, h, page = p.call("GET", form_path(no))
    s.eq(st, 200, "form: %r" % (page,))
    return p, child, no, mother_id, h, page


@test("R-COL-3 the form is an HTML page with the number, the child, the district and every guardian")
def _(s):
    p, child, no, mother_id, h, page = printable_form(s)
    s.eq(h["content-type"], "text/html; charset=utf-8")
    s.ok(page.startswith("<!DOCTYPE html>") and "</html>" in page, page[:80])
    s.ok("义务教育阶段入学信息采集表" in page, "title")
    s.ok(display(no) in page, "display number %s" % display(no))
    s.ok(child.name in page, "child name")
    s.ok(child.id_number in page, "the child's FULL identity number")
    s.ok("北京市朝阳区" in page, "district name")
    s.ok("居民身份证" in page and "汉族" in page and "居民户口" in page, "codes in words")
    s.ok("110105000000" in page, "hukou location code")
    for name in ("王建国", "李秀英", "13800138000", "13912345678", mother_id,
                 "北京某科技有限公司", "朝阳区某医院"):
        s.ok(name in page, "guardian value %s" % name)
    s.ok(re.search(r"\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}:\d{2}（北京时间）", page), "time")
    s.ok("监护人（签字）" in page, "signature line")
    s.ok("@page{size:A4" in page, "A4 print CSS")


@test("the form is served with a strict Content-Security-Policy and is never cached")
def _(s):
    p, child, no, mother_id, h, page = printable_form(s)
    s.ok(h.get("content-security-policy", "").startswith(CSP), h.get("content-security-policy"))
    s.ok("script-src" not in h["content-security-policy"], "no script source at all")
    s.eq(h.get("cache-control"), "no-store")
    s.ok("<script" not in page.lower(), "no script in the page")


@test("R-COL-3 the page carries the number as an inline SVG QR code")
def _(s):
    p, child, no, mother_id, h, page = printable_form(s)
    m = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 (\d+) \1" '
                  r'shape-rendering="crispEdges">.*?<path fill="#000" d="([^"]+)"/></svg>', page)
    s.ok(m, "an SVG with one path")
    side = int(m.group(1))
    s.ok(side >= 21 + 8 and (side - 8 - 21) % 4 == 0, "a QR version plus the quiet zone: %d" % side)
    s.ok(re.fullmatch(r"(M\d+ \d+h\d+v1h-\d+z)+", m.group(2)), "unit-height rectangles only")


@test("values typed by parents are HTML-escaped (<, &, \" in an address)")
def _(s):
    p = signed_up(s)
    addr = '北京市朝阳区<script>alert("x")</script>&amp;1号'
    body = reg_body(new_child(), child_current_address=addr,
                    child_contact_address='<img src=x onerror="a()">2号')
    body["guardians"][0]["employer"] = 'A&B "科技" <有限公司>'
    no = registered(s, p, body)
    make_printable(s, no)
    st, h, page = p.call("GET", form_path(no))
    s.eq(st, 200)
    s.ok("北京市朝阳区&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;1号" in page,
         "escaped address")
    s.ok("&lt;img src=x onerror=&quot;a()&quot;&gt;2号" in page, "escaped contact address")
    s.ok("A&amp;B &quot;科技&quot; &lt;有限公司&gt;" in page, "escaped employer")
    s.ok("<script" not in page and "<img" not in page, "no raw markup from the data")


@test("R-COL-9 a non-local family's form shows the study permit number")
def _(s):
    p = signed_up(s)
    no = registered(s, p, reg_body(new_child(), hukou="440305000000"))
    make_printable(s, no, cert="approved", permit="JD2026-0042")
    st, h, page = p.call("GET", form_path(no))
    s.eq(st, 200, page)
    s.ok("JD2026-0042" in page, "study permit")
    s.ok("非本地户籍" in page, "non-local")
    s.ok("广东省深圳市南山区" in page, "hukou division name")


@test("another parent's form answers 404, like a number that does not exist")
def _(s):
    p, child, no, mother_id, h, page = printable_form(s)
    other = signed_up(s)
    st, h, b = other.call("GET", form_path(no))
    s.error_body(b, "not_found", 404, st)
    st, h, b = s.http("GET", form_path(no))
    s.eq(st, 401, "without a session")


@test("R-COL-5 a submitted registration (identity check pending) answers 409 form_not_printable")
def _(s):
    p = signed_up(s)
    no = registered(s, p, reg_body(new_child()))
    st, h, b = p.call("GET", form_path(no))
    e = s.error_body(b, "form_not_printable", 409, st)
    s.eq(e["state"], "submitted")
    s.ok(h.get("content-security-policy", "").startswith(CSP), "the page's policy on errors too")
    s.ok("公安" in e["detail"] and "identity" in e["detail_en"], e)


@test("R-COL-9 a non-local registration with certificates under review answers 409 saying so")
def _(s):
    p = signed_up(s)
    no = registered(s, p, reg_body(new_child(), hukou="440305000000"))
    s.sql("UPDATE registration SET cert_state = 'review' WHERE prereg_no = '%s'" % no)
    st, h, b = p.call("GET", form_path(no))
    e = s.error_body(b, "form_not_printable", 409, st)
    s.eq((e["state"], e["cert_state"]), ("submitted", "review"))
    s.ok("五证" in e["detail"] and "under review" in e["detail_en"], e)
    s.sql("UPDATE registration SET state = 'cert_review' WHERE prereg_no = '%s'" % no)
    st, h, b = p.call("GET", form_path(no))
    e = s.error_body(b, "form_not_printable", 409, st)
    s.ok("审核中" in e["detail"], e)


@test("R-COL-3 a mistyped number is refused with 422 before any lookup")
def _(s):
    p = signed_up(s)
    no = registered(s, p, reg_body(new_child()))
    typo = no[:5] + str((int(no[5]) + 1) % 10) + no[6:]
    st, h, b = p.call("GET", form_path(typo))
    s.error_body(b, "validation_failed", 422, st)


# ---- the screenshot ----------------------------------------------------------

def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    if depth != 8 or ctype not in (2, 6):
        raise ValueError("unexpected PNG format %d/%d" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


SHOT = "a headless-Chromium screenshot of the form is a non-blank A4 page with a readable QR code"


# without chromium the TAP line reads "ok N - ... # SKIP chromium not installed"
@test(SHOT if os.path.exists(CHROMIUM) else SHOT + " # SKIP chromium not installed")
def _(s):
    if not os.path.exists(CHROMIUM):
        return
    p, child, no, mother_id, h, page = printable_form(s)
    tmp = tempfile.mkdtemp(prefix="xj-form-")
    try:
        html = os.path.join(tmp, "form.html")
        png = os.path.join(tmp, "form.png")
        with open(html, "w", encoding="utf-8") as f:
            f.write(page)
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + os.path.join(tmp, "profile"),
                        "--screenshot=" + png, "--window-size=1240,1754", "file://" + html],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
                       env=dict(os.environ, HOME=tmp))
        s.ok(os.path.exists(png), "chromium wrote the screenshot")
        size = os.path.getsize(png)
        s.ok(size > 20 * 1024, "a page, not an empty image: %d bytes" % size)
        keep = os.path.join(BUILDDIR, "tests", "api", "parent_form.png")
        shutil.copyfile(png, keep)
        print("# screenshot: %s" % keep)
        w, hh, bpp, rows = png_pixels(png)
        s.eq((w, hh), (1240, 1754), "screenshot size")
        dark = sum(1 for line in rows for i in range(0, len(line), bpp * 4) if line[i] < 128)
        s.ok(dark > 2000, "black text and lines on the page: %d dark samples" % dark)
        white = sum(1 for line in rows[::8] for i in range(0, len(line), bpp * 8) if line[i] > 240)
        s.ok(white > (w // 8) * (hh // 8) * 0.6, "mostly white paper: %d samples" % white)
        if shutil.which("zbarimg"):
            out = subprocess.run(["zbarimg", "--raw", "-q", png], capture_output=True,
                                 text=True, timeout=60).stdout.split()
            # "<prereg_no>-<form token>" (review M5): the number, then the secret
            s.ok(len(out) == 1 and re.match(r"^%s-[0-9A-Z]{16}$" % no, out[0]),
                 "the QR code in the screenshot holds the number and the token: %r" % out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


run()
