#!/usr/bin/env python3
# gen_reference.py -- writes sql/0002_reference_data.sql from the CSV files
# in sql/data/ (provenance: sql/data/SOURCE.md). Stdlib only.
#
# Fills division (today's divisions, codes widened to 6 digits), the
# division_history of every code since 1980, ethnicity, id_doc_type, and the
# bureau part of the org tree (ministry -> province -> city -> county,
# R-ORG-1). The output depends on the input bytes only: same CSVs give a
# byte-identical file, so `--check` can prove the committed file is fresh.
#
# The input is checked, not trusted: a code of the wrong shape, a child whose
# parent is missing, a duplicate or a code claimed by two levels under two
# names stops the run. Two oddities of the division files are handled here
# on purpose, see merge_divisions() and org_city_name().
#
# Usage (any working directory):
#   python3 sql/tools/gen_reference.py           rewrite sql/0002_reference_data.sql
#   python3 sql/tools/gen_reference.py --check   exit 1 if that file is stale

import argparse
import csv
import hashlib
import io
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join('sql', 'data')
OUTPUT = os.path.join('sql', '0002_reference_data.sql')
COMMAND = 'python3 sql/tools/gen_reference.py'

# Input files, relative to ROOT, and the header each must have.
F_PROV = 'sql/data/divisions/provinces.csv'
F_CITY = 'sql/data/divisions/cities.csv'
F_AREA = 'sql/data/divisions/areas.csv'
F_HIST = 'sql/data/divisions_history/codes.csv'
F_ETHN = 'sql/data/ethnicities.csv'
F_IDDOC = 'sql/data/id_doc_types.csv'
HEADERS = {
    F_PROV: ['code', 'name'],
    F_CITY: ['code', 'name', 'provinceCode'],
    F_AREA: ['code', 'name', 'cityCode', 'provinceCode'],
    F_HIST: ['code', 'name', 'first_year', 'last_year'],
    F_ETHN: ['code', 'name'],
    F_IDDOC: ['code', 'name'],
}

MAX_ROWS = 500  # rows per INSERT statement

MINISTRY_CODE = '000000'
MINISTRY_NAME = '中华人民共和国教育部'

# Column widths in 0001_core.sql (VARCHAR counts characters).
NAME_MAX = {'division': 64, 'division_history': 64, 'ethnicity': 32,
    'id_doc_type': 64, 'org': 100}


class InputError(Exception):
    pass


def fail(where, msg):
    raise InputError('%s: %s' % (where, msg))


def read_csv(rel):
    """Rows of one CSV file as lists of strings, header checked and dropped."""
    path = os.path.join(ROOT, rel)
    with open(path, 'rb') as f:
        raw = f.read()
    if raw.startswith(b'\xef\xbb\xbf'):
        fail(rel, 'starts with a byte-order mark')
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as e:
        fail(rel, 'not UTF-8: %s' % e)
    rows = list(csv.reader(io.StringIO(text, newline='')))
    if not rows or rows[0] != HEADERS[rel]:
        fail(rel, 'header is not %s' % ','.join(HEADERS[rel]))
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(HEADERS[rel]):
            fail('%s:%d' % (rel, n), 'expected %d fields, got %d' %
                (len(HEADERS[rel]), len(row)))
        out.append((n, row))
    return raw, out


def check_name(where, name, table):
    if name == '' or name != name.strip():
        fail(where, 'empty name or surrounding blanks: %r' % name)
    if any(ord(c) < 0x20 or ord(c) == 0x7f for c in name):
        fail(where, 'control character in name: %r' % name)
    if len(name) > NAME_MAX[table]:
        fail(where, 'name longer than %d characters: %r' % (NAME_MAX[table], name))


def check_code(where, code, pattern, what):
    if not re.fullmatch(pattern, code):
        fail(where, 'bad %s code %r' % (what, code))


def merge_divisions(prov, city, area, notes):
    """Today's divisions as {code6: (name, level, parent6)}.

    The files use 2-, 4- and 6-digit codes: 11, 1101, 110101. Widened to
    6 digits, a city can collide with a county. In the NBS data this
    happens for prefecture-level cities without counties (不设区的地级市:
    东莞市 4419, 中山市 4420, 儋州市 4604), each listed again as its own
    county 441900 etc. One code is one division: the city row (level 2)
    is kept and the county duplicate dropped; org_rows() gives such a city
    a county bureau of the same code. Any other collision, or a collision
    with a different name, stops the run."""
    div = {}
    provinces = {}
    for n, (code, name) in prov:
        where = '%s:%d' % (F_PROV, n)
        check_code(where, code, r'\d\d', 'province')
        check_name(where, name, 'division')
        if code in provinces:
            fail(where, 'province %s listed twice' % code)
        provinces[code] = name
        div[code + '0000'] = (name, 1, None)
    cities = {}
    for n, (code, name, pcode) in city:
        where = '%s:%d' % (F_CITY, n)
        check_code(where, code, r'\d{4}', 'city')
        check_name(where, name, 'division')
        if code[:2] != pcode:
            fail(where, 'city %s is not in province %s' % (code, pcode))
        if pcode not in provinces:
            fail(where, 'province %s of city %s not in %s' % (pcode, code, F_PROV))
        if code in cities:
            fail(where, 'city %s listed twice' % code)
        if code[2:] == '00':
            fail(where, 'city code %s would widen to a province code' % code)
        cities[code] = name
        div[code + '00'] = (name, 2, pcode + '0000')
    seen = set()
    for n, (code, name, ccode, pcode) in area:
        where = '%s:%d' % (F_AREA, n)
        check_code(where, code, r'\d{6}', 'county')
        check_name(where, name, 'division')
        if code in seen:
            fail(where, 'county %s listed twice' % code)
        seen.add(code)
        if code[:4] != ccode or code[:2] != pcode:
            fail(where, 'county %s is not in city %s / province %s' %
                (code, ccode, pcode))
        if ccode not in cities:
            fail(where, 'city %s of county %s not in %s' % (ccode, code, F_CITY))
        if code in div:
            old_name, old_level, _ = div[code]
            if old_level == 2 and code == ccode + '00' and old_name == name:
                notes.append('county %s %s duplicates its city %s: '
                    'kept as the city (level 2)' % (code, name, ccode))
                continue
            fail(where, 'county %s %s collides with level-%d %s' %
                (code, name, old_level, old_name))
        div[code] = (name, 3, ccode + '00')
    for pcode in sorted(provinces):
        if not any(c[:2] == pcode for c in cities):
            notes.append('province %s %s has no cities: no city or county '
                'bureau below it' % (pcode, provinces[pcode]))
    return div


def org_city_name(city_name, province_name):
    """Readable bureau name for a city row that is not a real city.

    The municipalities list their districts under pseudo-cities named
    市辖区 (and 重庆 also 县); some provinces list province-administered
    county-level units under 省直辖县级行政区划 (自治区直辖… in Xinjiang).
    Their bureaus are named after the province: 北京市市辖区, 重庆市县,
    河南省直辖县级行政区划. The raw name stays in division."""
    if city_name in ('市辖区', '县'):
        return province_name + city_name
    for kind in ('省', '自治区'):
        if city_name == kind + '直辖县级行政区划' and province_name.endswith(kind):
            return province_name + '直辖县级行政区划'
    return None


def sql_str(s):
    # MariaDB's default sql_mode treats backslash as an escape character.
    return "'" + s.replace('\\', '\\\\').replace("'", "''") + "'"


def sql_val(v):
    if v is None:
        return 'NULL'
    if isinstance(v, int):
        return str(v)
    return sql_str(v)


def inserts(table, cols, rows):
    """Multi-row INSERT statements of at most MAX_ROWS rows each."""
    out = []
    for i in range(0, len(rows), MAX_ROWS):
        chunk = rows[i:i + MAX_ROWS]
        out.append('INSERT INTO %s (%s) VALUES\n' % (table, ', '.join(cols)))
        out.append(',\n'.join('(' + ','.join(sql_val(v) for v in r) + ')'
            for r in chunk))
        out.append(';\n')
    return ''.join(out)


def generate():
    notes = []
    raws = {}
    parsed = {}
    for rel in HEADERS:
        raws[rel], parsed[rel] = read_csv(rel)

    div = merge_divisions(parsed[F_PROV], parsed[F_CITY], parsed[F_AREA], notes)

    hist = []
    keys = set()
    for n, (code, name, first, last) in parsed[F_HIST]:
        where = '%s:%d' % (F_HIST, n)
        check_code(where, code, r'\d{6}', 'division')
        check_name(where, name, 'division_history')
        if not re.fullmatch(r'\d{4}', first) or not re.fullmatch(r'(\d{4})?', last):
            fail(where, 'bad years %r, %r' % (first, last))
        if last and int(last) < int(first):
            fail(where, 'last_year before first_year')
        if (code, first) in keys:
            fail(where, 'code %s first_year %s listed twice' % (code, first))
        keys.add((code, first))
        hist.append((code, name, int(first), int(last) if last else None))

    ethn = []
    for n, (code, name) in parsed[F_ETHN]:
        where = '%s:%d' % (F_ETHN, n)
        check_code(where, code, r'\d\d', 'ethnicity')
        check_name(where, name, 'ethnicity')
        ethn.append((code, name))
    if len({c for c, _ in ethn}) != len(ethn):
        fail(F_ETHN, 'duplicate code')

    iddoc = []
    for n, (code, name) in parsed[F_IDDOC]:
        where = '%s:%d' % (F_IDDOC, n)
        check_code(where, code, r'[0-9A-Z]', 'document type')
        check_name(where, name, 'id_doc_type')
        iddoc.append((code, name))
    if len({c for c, _ in iddoc}) != len(iddoc):
        fail(F_IDDOC, 'duplicate code')

    renamed = []
    for code in sorted(div):
        name, level, parent = div[code]
        if level != 2:
            continue
        new = org_city_name(name, div[parent][0])
        if new is not None:
            check_name('org ' + code, new, 'org')
            renamed.append((code, new))
        elif '直辖' in name or name in ('市辖区', '县'):
            fail('division ' + code, 'pseudo-city %r not renamed' % name)

    out = []
    w = out.append
    w('-- 0002_reference_data.sql -- GENERATED FILE, DO NOT EDIT BY HAND.\n')
    w('-- Written by `%s` (run from any directory) from the\n' % COMMAND)
    w('-- files below, whose origin and licences are in sql/data/SOURCE.md.\n')
    w('-- Change the CSVs or the generator and re-run it. `%s --check`\n' % COMMAND)
    w('-- fails when this file is stale.\n')
    w('--\n')
    for rel in HEADERS:
        w('--   %s  sha256 %s\n' % (rel, hashlib.sha256(raws[rel]).hexdigest()))
    w('--\n')
    w('-- Reference tables of 0001_core.sql and the bureau part of the org tree.\n')
    w('-- INSERT statements only (DML: the runner applies it in one transaction).\n')
    w('-- Needs a utf8mb4 connection.\n')
    w('\n')

    w('-- Divisions in force: the 2-, 4- and 6-digit codes of the source widened\n')
    w('-- to 6 digits (11 -> 110000, 1101 -> 110100). Cities without counties\n')
    w('-- (441900 东莞市 and the like) appear once, as level 2.\n')
    w(inserts('division', ['code', 'name', 'level', 'parent_code'],
        [(c,) + div[c] for c in sorted(div)]))
    w('\n')
    w('-- Every division code since 1980 (R-COL-7). last_year NULL: in force.\n')
    w(inserts('division_history', ['code', 'name', 'first_year', 'last_year'], hist))
    w('\n')
    w(inserts('ethnicity', ['code', 'name'], ethn))
    w('\n')
    w(inserts('id_doc_type', ['code', 'name'], iddoc))
    w('\n')

    w('-- Bureaus (R-ORG-1), level by level from division, so parent_id and path\n')
    w('-- come from the parent row just inserted. Ordered by code, so a fresh\n')
    w('-- database numbers them the same way every time.\n')
    w(inserts('org', ['kind', 'code', 'name', 'parent_id', 'path'],
        [('ministry', MINISTRY_CODE, MINISTRY_NAME, None, '/')]))
    w('INSERT INTO org (kind, code, name, parent_id, path)\n')
    w("SELECT 'province', d.code, d.name, m.id, CONCAT(m.path, d.code, '/')\n")
    w('FROM division d\n')
    w("JOIN org m ON m.kind = 'ministry' AND m.code = %s\n" % sql_str(MINISTRY_CODE))
    w('WHERE d.level = 1\n')
    w('ORDER BY d.code;\n')
    w('-- Pseudo-cities (市辖区, 县, 省直辖县级行政区划) get a name that says whose.\n')
    w('INSERT INTO org (kind, code, name, parent_id, path)\n')
    w("SELECT 'city', d.code, COALESCE(r.name, d.name), p.id, CONCAT(p.path, d.code, '/')\n")
    w('FROM division d\n')
    w("JOIN org p ON p.kind = 'province' AND p.code = d.parent_code\n")
    w('LEFT JOIN (\n')
    w('\tUNION ALL\n'.join('\tSELECT %s AS code, %s AS name\n' %
        (sql_str(c), sql_str(nm)) for c, nm in renamed) if renamed else
        "\tSELECT NULL AS code, NULL AS name FROM DUAL WHERE 0\n")
    w(') r ON r.code = d.code\n')
    w('WHERE d.level = 2\n')
    w('ORDER BY d.code;\n')
    w('INSERT INTO org (kind, code, name, parent_id, path)\n')
    w("SELECT 'county', d.code, d.name, p.id, CONCAT(p.path, d.code, '/')\n")
    w('FROM division d\n')
    w("JOIN org p ON p.kind = 'city' AND p.code = d.parent_code\n")
    w('WHERE d.level = 3\n')
    w('ORDER BY d.code;\n')
    w('-- A city without counties runs its schools itself: it is also its own\n')
    w('-- county bureau, same code, one level down (/440000/441900/441900/), so\n')
    w('-- that every school has a county.\n')
    w('INSERT INTO org (kind, code, name, parent_id, path)\n')
    w("SELECT 'county', d.code, d.name, p.id, CONCAT(p.path, d.code, '/')\n")
    w('FROM division d\n')
    w("JOIN org p ON p.kind = 'city' AND p.code = d.code\n")
    w('WHERE d.level = 2\n')
    w('AND NOT EXISTS (SELECT 1 FROM division k WHERE k.parent_code = d.code)\n')
    w('ORDER BY d.code;\n')
    return ''.join(out), notes


def main():
    ap = argparse.ArgumentParser(description='Write %s from the CSV files in %s.' %
        (OUTPUT, DATA))
    ap.add_argument('--check', action='store_true',
        help='do not write; exit 1 if %s differs from what would be written' % OUTPUT)
    ap.add_argument('-v', '--verbose', action='store_true',
        help='list the oddities found in the input on stderr')
    args = ap.parse_args()

    try:
        text, notes = generate()
    except (InputError, OSError) as e:
        print('gen_reference: %s' % e, file=sys.stderr)
        return 2
    if args.verbose:
        for n in notes:
            print('gen_reference: note: %s' % n, file=sys.stderr)
    data = text.encode('utf-8')
    path = os.path.join(ROOT, OUTPUT)
    if args.check:
        try:
            with open(path, 'rb') as f:
                old = f.read()
        except OSError as e:
            print('gen_reference: %s' % e, file=sys.stderr)
            return 1
        if old != data:
            print('gen_reference: %s is stale: run %s' % (OUTPUT, COMMAND),
                file=sys.stderr)
            return 1
        return 0
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
