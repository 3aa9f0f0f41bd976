"""Black-box: the roster's grade filter selects by the grade a record
shows (session 7, ops; issue 11 item 6, R-REC-10, sql/0035). A pupil who
repeated a year (留级, through the real status-change chain with the
province's switch on, xuejictl grade-change) shows grade N-1; before
0035 the filter selected by entry year alone, so ?grade=N-1 missed it
and ?grade=N listed it -- showing grade N-1 under a grade N filter.
Stood in for with SQL, said where: the pupils' entry year (an admitted
child is in its first year; a repeat needs a grade with room below)."""
import csv
import datetime
import io

from staff import signed_in
from wfcases import API, CHAOYANG, CY3, admitted, approved, beijing_today
from xjtest import run, test

SCHOOL, COUNTY = CY3, CHAOYANG


def school_year():
    d = datetime.date.fromisoformat(beijing_today())
    return d.year if d.month >= 9 else d.year - 1


def repeated(s, sid):
    """A repeat (留级) started by the school and approved by the county."""
    st, h, b = signed_in(s, SCHOOL + ".clerk").call(
        "POST", "%s/students/%d/status-changes" % (API, sid),
        {"type": "repeat", "reason": "家长申请：留级", "effective_date": beijing_today()})
    s.eq(st, 201, "repeat start: %r" % (b,))
    b = approved(s, signed_in(s, COUNTY + ".reviewer"), b["id"], 2)
    s.eq(b["state"], "approved", "repeat approved: %r" % (b,))


def roster(s, q):
    """Every (id, grade) of the roster for query q, walked page by page
    (limit 1: the keyset paging under the filter)."""
    clerk = signed_in(s, SCHOOL + ".clerk")
    out, after = [], None
    while True:
        st, h, b = clerk.call("GET", "%s/roster?%s&limit=1%s" % (
            API, q, "&after=%s" % after if after else ""))
        s.eq(st, 200, "roster ?%s: %r" % (q, b))
        out += [(i["id"], i["grade"]) for i in b["items"]]
        after = b["next_after"]
        if after is None:
            return out


@test("ops R-REC-10: a repeater is listed under the grade it shows (grade 3 -> 2), in the JSON pages, the CSV file and its row count; its former classmates stay under grade 3")
def _(s):
    sid, peer = admitted(s, 2, school=SCHOOL, county=COUNTY)
    year = school_year() - 2    # stands in for two pupils in grade 3
    s.sql("UPDATE student SET entry_year = %d WHERE id IN (%d, %d)" % (year, sid, peer))
    s.stack.xuejictl("grade-change", "set", "--province", "110000", "--kind", "repeat", "--on")
    repeated(s, sid)
    s.eq(s.sql("SELECT grade_offset, entry_year FROM student WHERE id = %d" % sid),
         [["-1", str(year)]], "R-REC-4: entry year kept, one grade down")
    g2, g3 = roster(s, "grade=2"), roster(s, "grade=3")
    s.ok((sid, 2) in g2, "the repeater is under grade 2, which it shows: %r" % (g2,))
    s.ok(sid not in [i for i, g in g3], "and not under grade 3: %r" % (g3,))
    s.ok((peer, 3) in g3 and peer not in [i for i, g in g2], "its former classmate stays in 3")
    s.ok(all(g == 2 for i, g in g2) and all(g == 3 for i, g in g3),
         "every row shows the grade filtered for: %r %r" % (g2, g3))
    s.eq(roster(s, "level=1&grade=2"), g2, "with the level too")
    s.eq(roster(s, "level=2&grade=2"), [], "another level: no one")
    # the CSV export: the same rows, the grade column with the offset
    clerk = signed_in(s, SCHOOL + ".clerk")
    st, h, raw = clerk.call("GET", "%s/roster?format=csv&grade=2" % API)
    s.eq(st, 200, "csv: %r" % (str(raw)[:200],))
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff"), newline="")))[1:]
    name = s.sql("SELECT name FROM student WHERE id = %d" % sid)[0][0]
    s.eq([(r[1], r[6]) for r in rows if r[1] == name], [(name, "2")],
         "the file lists the repeater with grade 2")
    s.eq(len(rows), len(g2), "as many rows as the pages")
    n = s.sql("SELECT row_count FROM audit_log WHERE action = 'student.roster_export'"
              " ORDER BY id DESC LIMIT 1")
    s.eq(n, [[str(len(g2))]], "the export's read-audit count is the filter's")
    s.stack.xuejictl("grade-change", "set", "--province", "110000", "--kind", "repeat", "--off")


@test("ops: the grade filter reads the roster's index (student_roster_cohort: one school, status, cohort and level, then id), no filesort")
def _(s):
    sid = int(s.sql("SELECT id FROM org WHERE code = '%s'" % SCHOOL)[0][0])
    plan = s.sql("EXPLAIN SELECT s.id FROM student s WHERE s.school_org_id = %d"
                 " AND s.status = 'in_school' AND s.cohort_year BETWEEN 2024 AND 2024"
                 " AND s.level BETWEEN 1 AND 1 AND s.id > 0 ORDER BY s.id LIMIT 50" % sid)
    print("# EXPLAIN: %r" % (plan,))
    s.ok(any("student_roster_cohort" in " ".join(r) for r in plan), "index: %r" % (plan,))
    s.ok(not any("filesort" in " ".join(r) for r in plan), "no filesort: %r" % (plan,))


if __name__ == "__main__":
    run()
