"""Black-box: the working-day calendar (issue 11 item 3, R-MOV-3;
docs/operations.md "Working-day calendar"): seed-demo imports the national
calendars 2024-2026; `xuejictl calendar import` replaces a (year, province)
in one audited transaction, leaves an identical set alone, and refuses a
bad file with line numbers without changing anything; the store API the
workflow engine counts deadlines with (tests/tools/calprobe.c, as the
workers' database user) skips holidays, counts make-up working days, marks
counts into a year not imported as provisional, and applies a province's
overlay; GET /api/school/v1/alerts shows from 1 December that next year's
calendar is missing. "Today" for the alerts is [calendar] today, set per
stack here and through XUEJI_CALENDAR_TODAY when the workers restart."""
import json
import os
import signal
import subprocess

from staff import signed_in
from xjtest import test, run, BUILDDIR

ALERTS = "/api/school/v1/alerts"
CY1 = "1110500001"                                       # src/ctl/seed.c


def ctl(s, *args):
    return subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file] + list(args),
                          capture_output=True, text=True, env=s.stack.worker_env())


def csv_file(s, name, text):
    path = s.stack.path(name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def snapshot(s):
    """Everything an import may change."""
    return (s.sql("SELECT day, prov_key, kind, name FROM calendar_day ORDER BY prov_key, day"),
            s.sql("SELECT year, prov_key, days, digest, imported_at, source FROM calendar_year"
                  " ORDER BY prov_key, year"),
            s.sql("SELECT COUNT(*) FROM audit_log"))


def probe(s, *requests):
    r = subprocess.run([os.path.join(BUILDDIR, "tests", "tools", "calprobe"), s.stack.conf_file],
                       input="".join(q + "\n" for q in requests), capture_output=True,
                       text=True, timeout=60, env=s.stack.worker_env())
    s.eq(r.returncode, 0, "calprobe exit: " + r.stderr)
    return [json.loads(l) for l in r.stdout.splitlines()]


def add(s, province, frm, n):
    a = probe(s, "add %s %s %d" % (province, frm, n))[0]
    s.eq(a["rc"], "ok", "add %s %s %d" % (province, frm, n))
    return a["date"], a["provisional"]


def audits(s, target):
    return int(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.import'"
                     " AND target_id = '%s'" % target)[0][0])


def restart_workers(s, today):
    """Every worker again, with [calendar] today overridden (None: the
    stack's configuration)."""
    if today is None:
        os.environ.pop("XUEJI_CALENDAR_TODAY", None)
    else:
        os.environ["XUEJI_CALENDAR_TODAY"] = today
    for i, p in enumerate(s.stack.worker_procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            p.wait(30)
        s.stack.worker_procs[i] = s.stack.start_worker(i)
    s.wait_until(lambda: s.http("GET", "/healthz")[0] == 200, what="workers back")


def alerts(s, who):
    st, h, b = who.call("GET", ALERTS)
    s.eq(st, 200, "alerts: %r" % (b,))
    return b


@test("R-MOV-3 seed-demo imported the national calendars 2024-2026 with the State Council notice as source")
def _(s):
    r = ctl(s, "calendar", "status")
    s.eq(r.returncode, 0, r.stderr)
    for y in ("2024", "2025", "2026"):
        s.ok(any(l.startswith(y + " national") for l in r.stdout.splitlines()), "%s in %r" % (y, r.stdout))
    counts = dict(s.sql("SELECT year, days FROM calendar_year WHERE prov_key = '' AND year <= 2026"))
    s.eq(counts, {"2024": "36", "2025": "33", "2026": "39"})
    src = s.sql("SELECT source FROM calendar_year WHERE prov_key = '' AND year = 2026")[0][0]
    s.ok("国务院办公厅关于2026年部分节假日安排的通知" in src, src)
    # 2025 National Day and Mid-Autumn: 1..8 October off, 28 September and 11 October worked
    s.eq(s.sql("SELECT kind, COUNT(*) FROM calendar_day WHERE prov_key = '' AND day"
               " BETWEEN '2025-09-27' AND '2025-10-12' GROUP BY kind ORDER BY kind"),
         [["holiday", "8"], ["workday", "2"]])


@test("R-MOV-3 deadlines over the 2025 and 2026 holidays: the 10th working day after D counts from D+1, skips holidays, counts make-up days")
def _(s):
    got = probe(s, "add - 2025-01-24 10", "add - 2025-09-26 10", "add - 2026-02-13 10",
                "add - 2026-09-18 10", "add - 2026-09-18 11", "add - 2025-02-08 1",
                "between - 2025-01-24 2025-02-13", "between - 2025-02-13 2025-01-24",
                "add 110105 2025-01-24 10")
    s.eq([(g["rc"], g.get("date", g.get("days")), g["provisional"]) for g in got], [
        ("ok", "2025-02-13", 0),     # Spring Festival 1-28..2-4 off; 1-26 and 2-8 worked
        ("ok", "2025-10-16", 0),     # National Day 10-1..8 off; 9-28 and 10-11 worked
        ("ok", "2026-03-05", 0),     # Spring Festival 2-15..23 off; 2-14 and 2-28 worked
        ("ok", "2026-10-09", 0),     # Mid-Autumn 9-25..27, National Day 10-1..7; 9-20 worked
        ("ok", "2026-10-10", 0),     # the 11th: the make-up Saturday
        ("ok", "2025-02-10", 0),     # D itself (a make-up Saturday) never counts
        ("ok", 10, 0), ("ok", -10, 0),
        ("ok", "2025-02-13", 0),     # a county code: Beijing has no overlay, national applies
    ])


@test("R-MOV-3 a count into a year not imported is provisional (weekends only) and final once the year is imported")
def _(s):
    s.eq(add(s, "-", "2026-12-25", 10), ("2027-01-08", 1), "2027 not imported: weekends only")
    s.eq(add(s, "-", "2029-12-28", 3), ("2030-01-02", 1), "weekends only: 1 January counted")
    f = csv_file(s, "cal-2029-2030.csv",
                 "# source: test notice for 2029 and 2030\n"
                 "date,kind,name\n"
                 "2029-10-01,holiday,国庆节\n"
                 "2030-01-01,holiday,元旦\n")
    r = ctl(s, "calendar", "import", f)
    s.eq(r.returncode, 0, r.stderr)
    s.ok("calendar 2029 national: 1 special days imported" in r.stdout, r.stdout)
    s.ok("calendar 2030 national: 1 special days imported" in r.stdout, r.stdout)
    s.eq(add(s, "-", "2029-12-28", 3), ("2030-01-03", 0), "final: 1 January off")


@test("R-MOV-3 a province's overlay counts for that province only and survives a national re-import")
def _(s):
    f = csv_file(s, "cal-2030-gd.csv",
                 "# source: test provincial notice\n"
                 "date,kind,name,province\n"
                 "2030-01-03,holiday,测试地方假日,440000\n")
    r = ctl(s, "calendar", "import", f)
    s.eq(r.returncode, 0, r.stderr)
    s.ok("calendar 2030 440000: 1 special days imported" in r.stdout, r.stdout)
    nat = csv_file(s, "cal-2030.csv", "# source: test notice 2030 v2\ndate,kind,name\n"
                   "2030-01-01,holiday,元旦\n2030-10-01,holiday,国庆节\n")
    r = ctl(s, "calendar", "import", nat)
    s.eq(r.returncode, 0, r.stderr)
    s.eq(add(s, "440300", "2029-12-28", 3), ("2030-01-04", 0), "Shenzhen: the first 2 digits name Guangdong")
    s.eq(add(s, "-", "2029-12-28", 3), ("2030-01-03", 0), "national: 3 January is worked")
    s.eq(add(s, "110105", "2029-12-28", 3), ("2030-01-03", 0), "Beijing: no overlay")
    s.eq(s.sql("SELECT name FROM calendar_day WHERE prov_key = '440000'"), [["测试地方假日"]])
    s.eq(probe(s, "add 4403 2029-12-28 3")[0]["rc"], "division_code_format")
    s.eq(probe(s, "add - 2029-02-30 3")[0]["rc"], "invalid_date")


@test("R-MOV-3 calendar import replaces a year in one audited transaction; the same file again changes nothing")
def _(s):
    a = csv_file(s, "cal-2031-a.csv", "# source: test notice 2031\ndate,kind,name\n"
                 "2031-01-01,holiday,元旦\n2031-01-02,holiday,元旦\n")
    r = ctl(s, "calendar", "import", a)
    s.eq(r.returncode, 0, r.stderr)
    s.eq(audits(s, "2031"), 1)
    s.eq(s.sql("SELECT day, name FROM calendar_day WHERE prov_key = '' AND YEAR(day) = 2031"
               " ORDER BY day"), [["2031-01-01", "元旦"], ["2031-01-02", "元旦"]])
    before = snapshot(s)
    r = ctl(s, "calendar", "import", a)
    s.eq(r.returncode, 0, r.stderr)
    s.ok("calendar 2031 national: 2 special days unchanged" in r.stdout, r.stdout)
    s.eq(snapshot(s), before, "nothing written, nothing audited")
    b = csv_file(s, "cal-2031-b.csv", "# source: test notice 2031 (corrected)\ndate,kind,name\n"
                 "2031-01-01,holiday,新年\n")
    r = ctl(s, "calendar", "import", b)
    s.eq(r.returncode, 0, r.stderr)
    s.eq(s.sql("SELECT day, name FROM calendar_day WHERE prov_key = '' AND YEAR(day) = 2031"),
         [["2031-01-01", "新年"]], "the year's rows replaced, not merged")
    s.eq(s.sql("SELECT days, source FROM calendar_year WHERE prov_key = '' AND year = 2031"),
         [["1", "test notice 2031 (corrected)"]])
    s.eq(audits(s, "2031"), 2)


@test("R-MOV-3 a bad calendar file is refused with every error's line number and nothing changes")
def _(s):
    ok = csv_file(s, "cal-2032.csv", "# source: test notice 2032\ndate,kind,name\n2032-01-01,holiday,元旦\n")
    s.eq(ctl(s, "calendar", "import", ok).returncode, 0)
    before = snapshot(s)
    bad = csv_file(s, "cal-2032-bad.csv",
                   "# source: test notice 2032 v2\n"       # 1
                   "date,kind,name\n"                      # 2
                   "2032-01-01,holiday,元旦\n"             # 3: fine, a replacement
                   "2032-02-30,holiday,春节\n"             # 4: no such date
                   "2032-02-11,vacation,春节\n"            # 5: unknown kind
                   "2032-02-11,workday,春节调休\n"         # 6: a Wednesday is no make-up day
                   "2032-01-01,holiday,元旦\n"             # 7: the same day as line 3
                   "2032-03-01,holiday\n"                  # 8: two fields
                   "2032-04-04,holiday,清明节,440000\n")   # 9: province without the header's column
    r = ctl(s, "calendar", "import", bad)
    s.ok(r.returncode != 0, "refused")
    for line in (4, 5, 6, 7, 8, 9):
        s.ok("%s:%d:" % (bad, line) in r.stderr, "line %d reported in %r" % (line, r.stderr))
    s.ok("%s:3:" % bad not in r.stderr, "the good line is not reported")
    s.ok("nothing imported" in r.stderr, r.stderr)
    s.eq(snapshot(s), before, "nothing changed")
    for name, text, want in (
            ("cal-nohdr.csv", "# source: x\n2032-01-01,holiday,元旦\n", ":2: the header"),
            ("cal-nosrc.csv", "date,kind,name\n2032-01-01,holiday,元旦\n", "no source"),
            ("cal-empty.csv", "# source: x\ndate,kind,name\n", "no rows"),
            ("cal-prov.csv", "# source: x\ndate,kind,name,province\n2032-01-01,holiday,元旦,440300\n",
             ":3: province '440300'")):
        r = ctl(s, "calendar", "import", csv_file(s, name, text))
        s.ok(r.returncode != 0 and want in r.stderr, "%s: %r" % (name, r.stderr))
    s.eq(snapshot(s), before, "still nothing changed")
    s.eq(ctl(s, "calendar", "import").returncode, 2, "usage")


@test("R-MOV-3 from 1 December staff see that next year's calendar is missing; not before, and not once it is imported")
def _(s):
    s.sql("DELETE FROM calendar_day WHERE YEAR(day) = 2027")
    s.sql("DELETE FROM calendar_year WHERE year = 2027")
    clerk = signed_in(s, CY1 + ".clerk")
    county = signed_in(s, "110105.reviewer")
    for who in (clerk, county):
        b = alerts(s, who)                       # [calendar] today = 2026-12-01 (run() below)
        s.eq(b["today"], "2026-12-01")
        s.eq([(a["code"], a.get("year"), a["severity"]) for a in b["items"]],
             [("calendar_missing", 2027, "warning")])
        s.ok(all(a["message"] and a["message_en"] for a in b["items"]), "zh and en messages")
    f = csv_file(s, "cal-2027.csv", "# source: test notice 2027\ndate,kind,name\n2027-01-01,holiday,元旦\n")
    s.eq(ctl(s, "calendar", "import", f).returncode, 0)
    s.eq(alerts(s, clerk)["items"], [], "imported: no alert")
    s.sql("DELETE FROM calendar_day WHERE YEAR(day) = 2027")
    s.sql("DELETE FROM calendar_year WHERE year = 2027")
    s.eq(len(alerts(s, clerk)["items"]), 1, "missing again")
    try:
        restart_workers(s, "2026-11-30")
        clerk = signed_in(s, CY1 + ".clerk")
        b = alerts(s, clerk)
        s.eq((b["today"], b["items"]), ("2026-11-30", []), "30 November: no alert yet")
        restart_workers(s, "2026-12-31")
        clerk = signed_in(s, CY1 + ".clerk")
        s.eq([a.get("year") for a in alerts(s, clerk)["items"]], [2027], "31 December")
        restart_workers(s, "2028-06-01")
        clerk = signed_in(s, CY1 + ".clerk")
        s.eq([(a["code"], a.get("year"), a["severity"]) for a in alerts(s, clerk)["items"]],
             [("calendar_missing", 2028, "error")], "the current year missing, any month")
    finally:
        restart_workers(s, None)
    st, h, b = s.http("GET", ALERTS)
    s.eq(st, 401, "staff only")


run(conf={"calendar": {"today": "2026-12-01"}})
