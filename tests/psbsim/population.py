"""population.py -- a deterministic fixture population for the PSB simulator.

Person i is always the same child: the same 18-character resident ID number
(GB 11643, R-COL-7), name, sex and birth date, on every machine and every
run (no dependence on PYTHONHASHSEED or the clock). Children are 5 to 7
years old in the given enrollment year (birth years year-7 .. year-5).

ID numbers are unique: person i's number is built from a pseudo-random
permutation of i over the space (area, birth day, sequence), so no two
indices share a number, and the index can be recovered from a number
without building a table (Population.lookup is O(1) for millions of
persons).

    from population import person, population, make_id, Population
    p = person(0)                  # Person(index=0, name=..., id_number=...)
    db = Population(count=10000)   # persons 0..9999 are "registered with PSB"
    db.mark_unknown(p.id_number)   # PSB does not know this number
    db.set_official(p.id_number, name="王小明")   # PSB's name differs
    db.decide({"verification_id": "r1", "name": ..., ...})

Each child also has a family on the household register (户籍): a father, a
mother and a grandfather, adults with their own valid ID numbers, stable
like the child (family(i), parents_of(i)). PSB answers, for protocol
version 2, whether a request's first guardian is the child's parent, on
the same household register, or neither (guardian_link, docs/psb.md §4).
"""
import datetime
import random
import re
from dataclasses import dataclass, asdict

DEFAULT_YEAR = 2026
SEED = "xueji-psbsim-v1"

# The 16 current districts of Beijing (every 110xxx code since 2015), then a
# few others: Huangpu (Shanghai), Nanshan (Shenzhen), Xuanwu (Nanjing),
# Jinjiang (Chengdu). All are in shared/data/divisions_history/codes.csv.
BEIJING_AREAS = ("110101", "110102", "110105", "110106", "110107", "110108",
                 "110109", "110111", "110112", "110113", "110114", "110115",
                 "110116", "110117", "110118", "110119")
OTHER_AREAS = ("310101", "440305", "320102", "510104")
AREAS = BEIJING_AREAS + OTHER_AREAS

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田"
    "董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白"
    "邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方")
GIVEN_M = "浩宇轩子涵博文杰俊明睿泽晨辰一梓铭奕天佑嘉航昊瑞霖乐阳宁安逸毅鹏远承志翔"
GIVEN_F = "欣怡诗涵梓萱雨可馨悦思琪佳妍若汐语彤一诺晴雅婉菲瑶琳璐安宁静月雪芳"

_SEQ = 999          # sequence numbers 001..999 (odd = male)


def check_char(first17):
    """ISO 7064 MOD 11-2 check character of 17 digits (R-COL-7)."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError("need 17 digits, got %r" % (first17,))
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def make_id(area, y, m, d, seq):
    """An 18-character ID number: area code, birth date, 3-digit sequence
    (odd = male), check character. Raises ValueError on a bad part."""
    area = str(area)
    if len(area) != 6 or not area.isdigit():
        raise ValueError("area code must be 6 digits: %r" % (area,))
    datetime.date(int(y), int(m), int(d))      # raises on a date that does not exist
    seq = int(seq)
    if not 0 <= seq <= 999:
        raise ValueError("sequence must be 0..999: %r" % (seq,))
    body = "%s%04d%02d%02d%03d" % (area, int(y), int(m), int(d), seq)
    return body + check_char(body)


_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")


def is_valid_id(s):
    """Structure, existing birth date and check character (not the area)."""
    if not isinstance(s, str) or not _ID_RE.match(s):
        return False
    try:
        datetime.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return check_char(s[:17]) == s[17]


def id_sex(s):
    return "M" if int(s[14:17]) % 2 else "F"


def id_birth_date(s):
    return "%s-%s-%s" % (s[6:10], s[10:12], s[12:14])


@dataclass(frozen=True)
class Person:
    index: int
    name: str
    sex: str                # "M" | "F"
    birth_date: str         # YYYY-MM-DD
    id_doc_type: str        # "1": resident ID card (居民身份证)
    id_number: str
    area: str

    def as_request(self, verification_id):
        """This person as a PSB request item (what the server hands out)."""
        return {"verification_id": verification_id, "name": self.name, "sex": self.sex,
                "birth_date": self.birth_date, "id_doc_type": self.id_doc_type,
                "id_number": self.id_number}

    def as_dict(self):
        return asdict(self)

    def as_guardian(self):
        """This person as a request's "guardian" member (protocol 2)."""
        return {"name": self.name, "id_doc_type": self.id_doc_type,
                "id_number": self.id_number}


# ---- the index <-> (area, day, seq) permutation ------------------------

class _Space:
    """A keyed bijection of [0, n) where n = areas x days x sequences: a
    4-round Feistel network on 26 bits with cycle walking. Deterministic
    (integer arithmetic only) and invertible."""
    BITS = 26
    HALF = 13
    MASK = (1 << 13) - 1

    def __init__(self, year):
        self.year = year
        self.first = datetime.date(year - 7, 1, 1)
        self.days = (datetime.date(year - 5, 12, 31) - self.first).days + 1
        self.n = len(AREAS) * self.days * _SEQ
        assert self.n <= 1 << self.BITS
        rnd = random.Random("%s:space:%d" % (SEED, year))
        self.keys = [rnd.getrandbits(32) for _ in range(4)]

    def _f(self, r, x):
        v = (x * 0x9E3779B1 + self.keys[r]) & 0xFFFFFFFF
        v ^= v >> 15
        v = (v * 0x85EBCA6B) & 0xFFFFFFFF
        v ^= v >> 13
        return v & self.MASK

    def _enc(self, x):
        left, right = x >> self.HALF, x & self.MASK
        for r in range(4):
            left, right = right, left ^ self._f(r, right)
        return (left << self.HALF) | right

    def _dec(self, x):
        left, right = x >> self.HALF, x & self.MASK
        for r in reversed(range(4)):
            left, right = right ^ self._f(r, left), left
        return (left << self.HALF) | right

    def forward(self, i):
        if not 0 <= i < self.n:
            raise IndexError("person index %d outside 0..%d" % (i, self.n - 1))
        k = self._enc(i)
        while k >= self.n:
            k = self._enc(k)
        return k

    def backward(self, k):
        i = self._dec(k)
        while i >= self.n:
            i = self._dec(i)
        return i

    def parts(self, k):
        seq = 1 + k % _SEQ
        k //= _SEQ
        day = k % self.days
        area = AREAS[k // self.days]
        return area, self.first + datetime.timedelta(days=day), seq

    def index_of(self, id_number):
        """The person index whose number this is, or None."""
        if not is_valid_id(id_number) or id_number[:6] not in AREAS:
            return None
        seq = int(id_number[14:17])
        if not 1 <= seq <= _SEQ:
            return None
        born = datetime.date(int(id_number[6:10]), int(id_number[10:12]),
                             int(id_number[12:14]))
        day = (born - self.first).days
        if not 0 <= day < self.days:
            return None
        k = (AREAS.index(id_number[:6]) * self.days + day) * _SEQ + (seq - 1)
        return self.backward(k)


_spaces = {}


def _space(year):
    s = _spaces.get(year)
    if s is None:
        s = _spaces[year] = _Space(year)
    return s


def _name(rnd, sex):
    surname = (rnd.choice(COMPOUND_SURNAMES) if rnd.random() < 0.02
               else rnd.choice(SURNAMES))
    chars = GIVEN_M if sex == "M" else GIVEN_F
    given = rnd.choice(chars)
    if rnd.random() < 0.8:
        given += rnd.choice(chars)
    return surname + given


def person(i, year=DEFAULT_YEAR):
    """The i-th person (0-based) of the given enrollment year; stable."""
    sp = _space(year)
    area, born, seq = sp.parts(sp.forward(int(i)))
    sex = "M" if seq % 2 else "F"
    rnd = random.Random("%s:name:%d" % (SEED, i))
    return Person(index=int(i), name=_name(rnd, sex), sex=sex,
                  birth_date=born.isoformat(), id_doc_type="1",
                  id_number=make_id(area, born.year, born.month, born.day, seq),
                  area=area)


# ---- the child's family on the household register -----------------------

# relation -> (sex, birth years before the child's: min, max)
RELATIVES = (("father", "M", 24, 40), ("mother", "F", 22, 38),
             ("grandfather", "M", 48, 65))
PARENTS = ("father", "mother")


def family(i, year=DEFAULT_YEAR):
    """Child i's relatives on its household register: {"father": Person,
    "mother": Person, "grandfather": Person}, adults with valid ID numbers
    of the child's area (index -1: not children of the population). The
    father and grandfather carry the child's surname."""
    child = person(i, year)
    rnd = random.Random("%s:family:%d:%d" % (SEED, year, int(i)))
    surname = child.name[:2] if child.name[:2] in COMPOUND_SURNAMES else child.name[:1]
    out = {}
    for rel, sex, lo, hi in RELATIVES:
        born = datetime.date(int(child.birth_date[:4]) - rnd.randint(lo, hi),
                             rnd.randint(1, 12), rnd.randint(1, 28))
        seq = rnd.randrange(1, 999, 2) if sex == "M" else rnd.randrange(2, 999, 2)
        name = _name(rnd, sex)
        if rel != "mother":
            name = surname + name[2 if name[:2] in COMPOUND_SURNAMES else 1:]
        out[rel] = Person(index=-1, name=name, sex=sex, birth_date=born.isoformat(),
                          id_doc_type="1",
                          id_number=make_id(child.area, born.year, born.month, born.day, seq),
                          area=child.area)
    return out


def parents_of(i, year=DEFAULT_YEAR):
    """(father, mother) of child i."""
    f = family(i, year)
    return f["father"], f["mother"]


def population(n, start=0, year=DEFAULT_YEAR):
    """Persons start .. start+n-1."""
    return [person(i, year) for i in range(start, start + n)]


def index_of(id_number, year=DEFAULT_YEAR):
    """Inverse of person(): the index whose ID number this is, or None."""
    i = _space(year).index_of(id_number)
    if i is None or person(i, year).id_number != id_number:
        return None
    return i


# ---- the PSB population database --------------------------------------

FIELDS = ("name", "sex", "birth_date")
LINKS = ("parent", "household", "none", "unknown")


class Population:
    """What the simulated PSB population system (人口信息系统) knows: the
    persons with index in [start, start+count), plus explicit records, minus
    numbers marked unknown. Official data may be overridden per number."""

    def __init__(self, count=0, start=0, year=DEFAULT_YEAR):
        self.start, self.count, self.year = int(start), int(count), int(year)
        self._unknown = set()
        self._official = {}        # (doc type, number) -> dict of overriding fields
        self._extra = {}           # (doc type, number) -> full record
        self._links = {}           # child number -> {guardian number: link}

    def __len__(self):
        return self.count + len(self._extra)

    def __contains__(self, id_number):
        return self.lookup(id_number) is not None

    # -- changing what PSB knows -------------------------------------
    def mark_unknown(self, id_number, id_doc_type="1"):
        """PSB has no such number: answers become not_found."""
        self._unknown.add((str(id_doc_type), id_number))

    def set_official(self, id_number, id_doc_type="1", **fields):
        """PSB's own record of this number says e.g. name="王小明". A number
        outside the generated range becomes known; for a type-1 number, sex
        and birth date default to what the number encodes."""
        bad = set(fields) - set(FIELDS)
        if bad:
            raise ValueError("unknown fields %s" % sorted(bad))
        key = (str(id_doc_type), id_number)
        self._unknown.discard(key)
        if self._generated(key) is not None:
            self._official.setdefault(key, {}).update(fields)
            return
        rec = dict(self._extra.get(key) or {})
        rec.update(fields)
        if key[0] == "1" and is_valid_id(id_number):
            rec.setdefault("sex", id_sex(id_number))
            rec.setdefault("birth_date", id_birth_date(id_number))
        missing = [f for f in FIELDS if f not in rec]
        if missing:
            raise ValueError("a new record needs %s" % ", ".join(missing))
        self._extra[key] = rec

    def set_guardian_link(self, child_id_number, guardian_id_number, link):
        """Override what PSB says of this guardian for this child:
        "parent", "household", "none" or "unknown"."""
        if link not in LINKS:
            raise ValueError("unknown link %r" % (link,))
        self._links.setdefault(child_id_number, {})[guardian_id_number] = link

    def add(self, p):
        """Make a Person (or a request-like dict) known exactly as given."""
        d = p.as_dict() if isinstance(p, Person) else dict(p)
        self.set_official(d["id_number"], d.get("id_doc_type", "1"),
                          **{f: d[f] for f in FIELDS})

    # -- answering -------------------------------------------------------
    def _generated(self, key):
        if key[0] != "1" or self.count <= 0:
            return None
        i = index_of(key[1], self.year)
        if i is None or not self.start <= i < self.start + self.count:
            return None
        return i

    def lookup(self, id_number, id_doc_type="1"):
        """PSB's record of this document as {name, sex, birth_date}, or None."""
        key = (str(id_doc_type), id_number)
        if key in self._unknown:
            return None
        if key in self._extra:
            return dict(self._extra[key])
        i = self._generated(key)
        if i is None:
            return None
        p = person(i, self.year)
        rec = {f: getattr(p, f) for f in FIELDS}
        rec.update(self._official.get(key, {}))
        return rec

    def guardian_link(self, req):
        """What PSB says of the request's first guardian (protocol 2):
        "parent" when number and name are a parent's on the child's
        register, "household" for another member of that register, "none"
        when the person is not on it, "unknown" when there is no guardian,
        another document type, or a child PSB does not know by index."""
        g = req.get("guardian")
        child_no = req.get("id_number")
        if not isinstance(g, dict) or g.get("id_doc_type") != "1":
            return "unknown"
        over = self._links.get(child_no, {}).get(g.get("id_number"))
        if over is not None:
            return over
        key = (str(req.get("id_doc_type", "1")), child_no)
        i = self._generated(key) if key not in self._unknown else None
        if i is None:
            return "unknown"
        for rel, p in family(i, self.year).items():
            if p.id_number == g.get("id_number") and p.name == g.get("name"):
                return "parent" if rel in PARENTS else "household"
        return "none"

    def decide(self, req, protocol=2):
        """The PSB answer to one request item (R-COL-5): match, mismatch
        with the differing fields, or not_found; with protocol 2, also the
        guardian_link of match and mismatch answers."""
        rec = self.lookup(req.get("id_number"), req.get("id_doc_type", "1"))
        out = {"verification_id": req.get("verification_id")}
        if rec is None:
            out["outcome"] = "not_found"
            return out
        diff = [f for f in FIELDS if req.get(f) != rec[f]]
        if diff:
            out["outcome"] = "mismatch"
            out["mismatched_fields"] = diff
        else:
            out["outcome"] = "match"
        if protocol >= 2:
            out["guardian_link"] = self.guardian_link(req)
        return out


if __name__ == "__main__":
    import json
    import sys
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for p in population(n):
        print(json.dumps(p.as_dict(), ensure_ascii=False))
