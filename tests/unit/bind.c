/* bind.c -- unit tests of table-driven binding (src/core/bind.h): a field
 * table with every type, all field errors collected at once with their
 * paths, lengths in characters, control characters, exact decimals, check
 * functions, and xj_utf8_len. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/bind.h"
#include "core/err.h"
#include "core/json.h"
#include "tap.h"

static struct xj_arena *A;

/* A child's registration, cut down: one row of every type. */
struct guardian {
	struct xj_str	 name;
	struct xj_str	 relation;
	struct xj_num	 verified;
};

struct address {
	struct xj_str	 city;
	struct xj_str	 detail;
};

struct child {
	struct xj_str	 name;
	struct xj_str	 note;
	struct xj_num	 age;
	struct xj_num	 height;
	struct xj_num	 boarding;
	struct address	 addr;
	struct guardian	*guardians;
	size_t		 nguardians;
};

static int
check_relation(struct xj_str s)
{
	if (xj_str_eq(s, "father") || xj_str_eq(s, "mother") ||
	    xj_str_eq(s, "other"))
		return XJ_OK;
	return XJ_E_F_CODE;
}

static const struct xj_field guardian_fields[] = {
	{ "name", XJ_F_STR, XJ_REQ, 1, 4, NULL,
	  offsetof(struct guardian, name), NULL, 0, 0, 0 },
	{ "relation", XJ_F_STR, XJ_REQ, 1, 16, check_relation,
	  offsetof(struct guardian, relation), NULL, 0, 0, 0 },
	{ "verified", XJ_F_BOOL, XJ_OPT, 0, 1, NULL,
	  offsetof(struct guardian, verified), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

static const struct xj_field address_fields[] = {
	{ "city", XJ_F_STR, XJ_REQ, 1, 20, NULL,
	  offsetof(struct address, city), NULL, 0, 0, 0 },
	{ "detail", XJ_F_STR, XJ_OPT | XJ_MULTILINE, 0, 200, NULL,
	  offsetof(struct address, detail), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

static const struct xj_field child_fields[] = {
	{ "name", XJ_F_STR, XJ_REQ, 1, 4, NULL,
	  offsetof(struct child, name), NULL, 0, 0, 0 },
	{ "note", XJ_F_STR, XJ_OPT | XJ_MULTILINE, 2, 100, NULL,
	  offsetof(struct child, note), NULL, 0, 0, 0 },
	{ "age", XJ_F_INT, XJ_REQ, 3, 18, NULL,
	  offsetof(struct child, age), NULL, 0, 0, 0 },
	{ "height", XJ_F_DEC, XJ_OPT, 300, 2500, NULL,	/* 30.0 to 250.0 cm */
	  offsetof(struct child, height), NULL, 0, 0, 1 },
	{ "boarding", XJ_F_BOOL, XJ_OPT, 0, 1, NULL,
	  offsetof(struct child, boarding), NULL, 0, 0, 0 },
	{ "addr", XJ_F_OBJ, XJ_REQ, 0, 0, NULL,
	  offsetof(struct child, addr), address_fields, 0, 0, 0 },
	{ "guardians", XJ_F_ARR, XJ_REQ, 1, 3, NULL,
	  offsetof(struct child, guardians), guardian_fields,
	  sizeof(struct guardian), offsetof(struct child, nguardians), 0 },
	XJ_FIELD_END
};

/* A one-field table for focused string and number tests. */
struct one {
	struct xj_str	 s;
	struct xj_num	 n;
};

static struct xj_field one_str[] = {
	{ "v", XJ_F_STR, XJ_REQ, 1, 4, NULL, offsetof(struct one, s), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

static struct xj_field one_num[] = {
	{ "v", XJ_F_DEC, XJ_REQ, -100000, 100000, NULL,
	  offsetof(struct one, n), NULL, 0, 0, 1 },
	XJ_FIELD_END
};

static const char *const VALID =
    "{\"name\":\"张三丰啊\",\"note\":\"line one\\nline two\\tend\","
    "\"age\":7,\"height\":123.4,\"boarding\":true,"
    "\"addr\":{\"city\":\"北京\",\"detail\":\"1号楼\\n2单元\"},"
    "\"guardians\":[{\"name\":\"张大\",\"relation\":\"father\",\"verified\":false},"
    "{\"name\":\"李四\",\"relation\":\"mother\"}]}";

static struct xj_json *
doc(const char *text)
{
	static const struct xj_json_limits lim = { 16, 4096, 4096 };
	struct xj_json *r = NULL;
	const char *why;

	if (xj_json_parse(A, text, strlen(text), &lim, &r, &why) != XJ_OK) {
		diag("test document does not parse (%s): %s", why, text);
		return NULL;
	}
	return r;
}

static int
bind(const char *text, const struct xj_field *fields, void *out,
    size_t outsize, struct xj_ferrs *e)
{
	memset(out, 0, outsize);
	memset(e, 0, sizeof(*e));
	return xj_bind(A, doc(text), fields, out, e);
}

/* Code of the error reported at path, 0 if none. */
static int
err_at(const struct xj_ferrs *e, const char *path)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->e[i].field, path) == 0)
			return e->e[i].code;
	return 0;
}

/* Bind {"v": <json>} to a one-field table; the field's error code or XJ_OK. */
static int
one(const char *json_value, struct xj_field *fields, struct one *o)
{
	struct xj_ferrs e;
	char text[512];
	int rc;

	snprintf(text, sizeof(text), "{\"v\":%s}", json_value);
	rc = bind(text, fields, o, sizeof(*o), &e);
	if (rc == XJ_E_VALIDATION && e.n == 1)
		return e.e[0].code;
	return rc;
}

static void
test_valid(void)
{
	struct child c;
	struct xj_ferrs e;
	int rc = bind(VALID, child_fields, &c, sizeof(c), &e);

	is_int(rc, XJ_OK, "bind: a valid document binds");
	is_int(e.n, 0, "bind: a valid document has no field errors");
	if (rc != XJ_OK)
		return;
	is_strn(c.name.p, c.name.len, "张三丰啊", "bind: STR field filled");
	is_strn(c.note.p, c.note.len, "line one\nline two\tend",
	    "bind: multiline STR keeps newline and tab");
	ok(c.age.set && c.age.v == 7, "bind: INT field filled and marked set");
	ok(c.height.set && c.height.v == 1234, "bind: DEC 123.4 with scale 1 is 1234");
	ok(c.boarding.set && c.boarding.v == 1, "bind: BOOL true is 1");
	is_strn(c.addr.city.p, c.addr.city.len, "北京", "bind: OBJ fills the inline sub-struct");
	is_int(c.nguardians, 2, "bind: ARR count stored at off_n");
	ok(c.guardians != NULL && c.nguardians == 2 &&
	    xj_str_eq(c.guardians[1].name, "李四") &&
	    xj_str_eq(c.guardians[0].relation, "father") &&
	    c.guardians[0].verified.set && c.guardians[0].verified.v == 0,
	    "bind: ARR elements filled in order");
	ok(c.guardians != NULL && c.nguardians == 2 &&
	    !c.guardians[1].verified.set,
	    "bind: absent optional field in an ARR element left unset");
}

static void
test_absent(void)
{
	struct child c;
	struct xj_ferrs e;
	int rc = bind("{\"name\":\"a\",\"age\":3,\"note\":null,"
	    "\"addr\":{\"city\":\"c\"},"
	    "\"guardians\":[{\"name\":\"g\",\"relation\":\"other\"}]}",
	    child_fields, &c, sizeof(c), &e);

	is_int(rc, XJ_OK, "bind: document with only required fields binds");
	ok(c.note.p == NULL, "bind: null optional STR is absent (p == NULL)");
	ok(!c.height.set, "bind: absent optional DEC left unset");
	ok(!c.boarding.set, "bind: absent optional BOOL left unset");
	ok(c.addr.detail.p == NULL, "bind: absent optional STR in an OBJ is absent");
}

static void
test_collect(void)
{
	struct child c;
	struct xj_ferrs e;
	int rc = bind("{\"age\":\"7\",\"height\":12.34,\"nickname\":\"x\","
	    "\"note\":\"a\",\"addr\":{\"city\":\"\",\"zip\":\"100000\"},"
	    "\"guardians\":[{\"name\":\"g\",\"relation\":\"uncle\"},"
	    "{\"relation\":\"mother\"},5]}",
	    child_fields, &c, sizeof(c), &e);

	is_int(rc, XJ_E_VALIDATION, "bind: field errors give validation_failed");
	is_int(e.n, 10, "bind: every field error is collected in one pass");
	is_int(err_at(&e, "name"), XJ_E_F_REQUIRED, "bind: missing required field reported as required");
	is_int(err_at(&e, "age"), XJ_E_F_TYPE, "bind: string for INT reported as wrong_type");
	is_int(err_at(&e, "height"), XJ_E_F_FORMAT, "bind: DEC with too many places reported as bad_format");
	is_int(err_at(&e, "nickname"), XJ_E_F_UNKNOWN, "bind: unknown field reported as unknown_field");
	is_int(err_at(&e, "note"), XJ_E_F_TOO_SHORT, "bind: optional STR below min reported as too_short");
	is_int(err_at(&e, "addr.city"), XJ_E_F_REQUIRED,
	    "bind: empty required STR in an OBJ reported as required at addr.city");
	is_int(err_at(&e, "addr.zip"), XJ_E_F_UNKNOWN,
	    "bind: unknown field in an OBJ reported at addr.zip");
	is_int(err_at(&e, "guardians[0].relation"), XJ_E_F_CODE,
	    "bind: check function's error code reported at guardians[0].relation");
	is_int(err_at(&e, "guardians[1].name"), XJ_E_F_REQUIRED,
	    "bind: missing field in an ARR element reported at guardians[1].name");
	is_int(err_at(&e, "guardians[2]"), XJ_E_F_TYPE,
	    "bind: ARR element that is not an object reported at guardians[2]");
	ok(err_at(&e, "guardians[0].name") == 0 && err_at(&e, "addr") == 0 &&
	    err_at(&e, "guardians") == 0,
	    "bind: valid fields next to invalid ones are not reported");
}

static void
test_types(void)
{
	struct child c;
	struct xj_ferrs e;
	struct xj_json *r;

	bind("{\"name\":5,\"age\":true,\"height\":\"12.3\",\"boarding\":1,"
	    "\"addr\":[],\"guardians\":{}}", child_fields, &c, sizeof(c), &e);
	is_int(err_at(&e, "name"), XJ_E_F_TYPE, "bind: number for STR is wrong_type");
	is_int(err_at(&e, "age"), XJ_E_F_TYPE, "bind: boolean for INT is wrong_type");
	is_int(err_at(&e, "height"), XJ_E_F_TYPE, "bind: string for DEC is wrong_type");
	is_int(err_at(&e, "boarding"), XJ_E_F_TYPE, "bind: number for BOOL is wrong_type");
	is_int(err_at(&e, "addr"), XJ_E_F_TYPE, "bind: array for OBJ is wrong_type");
	is_int(err_at(&e, "guardians"), XJ_E_F_TYPE, "bind: object for ARR is wrong_type");
	is_int(e.n, 6, "bind: one error per wrongly typed field");

	bind("{\"name\":\"a\",\"age\":7.5,\"addr\":{\"city\":\"c\"},"
	    "\"guardians\":[]}", child_fields, &c, sizeof(c), &e);
	is_int(err_at(&e, "age"), XJ_E_F_TYPE, "bind: fraction for INT is wrong_type");
	is_int(err_at(&e, "guardians"), XJ_E_F_REQUIRED,
	    "bind: empty required ARR with min 1 is required");

	bind("{\"name\":\"a\",\"age\":2,\"addr\":{\"city\":\"c\"},"
	    "\"guardians\":[{\"name\":\"a\",\"relation\":\"other\"},"
	    "{\"name\":\"b\",\"relation\":\"other\"},"
	    "{\"name\":\"c\",\"relation\":\"other\"},"
	    "{\"name\":\"d\",\"relation\":\"other\"}]}",
	    child_fields, &c, sizeof(c), &e);
	is_int(err_at(&e, "age"), XJ_E_F_RANGE, "bind: INT below min is out_of_range");
	is_int(err_at(&e, "guardians"), XJ_E_F_TOO_MANY,
	    "bind: ARR with more than max items is too_many_items");

	ok((r = doc("[1]")) != NULL &&
	    xj_bind(A, r, child_fields, &c, &e) == XJ_E_BAD_JSON,
	    "bind: root that is not an object refused with malformed_json");
	ok(xj_bind(A, NULL, child_fields, &c, &e) == XJ_E_BAD_JSON,
	    "bind: NULL root refused with malformed_json");
}

static void
test_int(void)
{
	struct xj_field f[] = {
		{ "v", XJ_F_INT, XJ_REQ, 3, 18, NULL, offsetof(struct one, n), NULL, 0, 0, 0 },
		XJ_FIELD_END
	};
	struct xj_field wide[] = {
		{ "v", XJ_F_INT, XJ_REQ, -9223372036854775807LL - 1, 9223372036854775807LL,
		  NULL, offsetof(struct one, n), NULL, 0, 0, 0 },
		XJ_FIELD_END
	};
	struct one o;

	ok(one("3", f, &o) == XJ_OK && o.n.v == 3, "bind: INT equal to min accepted");
	ok(one("18", f, &o) == XJ_OK && o.n.v == 18, "bind: INT equal to max accepted");
	is_int(one("19", f, &o), XJ_E_F_RANGE, "bind: INT above max is out_of_range");
	is_int(one("-5", f, &o), XJ_E_F_RANGE, "bind: negative INT below min is out_of_range");
	ok(one("-5", wide, &o) == XJ_OK && o.n.v == -5, "bind: negative INT parsed");
	ok(one("9223372036854775807", wide, &o) != XJ_OK || o.n.v == 9223372036854775807LL,
	    "bind: INT at LLONG_MAX is exact or refused, never wrapped");
	ok(one("99999999999999999999", wide, &o) != XJ_OK,
	    "bind: INT beyond long long refused, not wrapped");
	is_int(one("1e1", f, &o), XJ_E_F_TYPE, "bind: INT with an exponent refused");
}

static void
test_dec(void)
{
	struct one o;

	ok(one("12.3", one_num, &o) == XJ_OK && o.n.set && o.n.v == 123,
	    "bind: DEC \"12.3\" with scale 1 is 123");
	ok(one("12", one_num, &o) == XJ_OK && o.n.v == 120,
	    "bind: DEC \"12\" with scale 1 is 120");
	ok(one("0.5", one_num, &o) == XJ_OK && o.n.v == 5,
	    "bind: DEC \"0.5\" with scale 1 is 5");
	ok(one("-0.5", one_num, &o) == XJ_OK && o.n.v == -5,
	    "bind: DEC \"-0.5\" with scale 1 is -5");
	is_int(one("12.34", one_num, &o), XJ_E_F_FORMAT,
	    "bind: DEC \"12.34\" with scale 1 refused as bad_format");
	is_int(one("12.30", one_num, &o), XJ_E_F_FORMAT,
	    "bind: DEC with more places than scale refused even when zero");
	is_int(one("1e3", one_num, &o), XJ_E_F_FORMAT, "bind: DEC \"1e3\" refused as bad_format");
	is_int(one("1.5E-1", one_num, &o), XJ_E_F_FORMAT,
	    "bind: DEC with a fraction and an exponent refused");
	is_int(one("10000.1", one_num, &o), XJ_E_F_RANGE,
	    "bind: DEC above max (scaled) is out_of_range");
	ok(one("10000.0", one_num, &o) == XJ_OK && o.n.v == 100000,
	    "bind: DEC equal to max (scaled) accepted");
	ok(one("92233720368547758070", one_num, &o) != XJ_OK,
	    "bind: DEC overflowing when scaled refused, not wrapped");
}

static void
test_strings(void)
{
	struct xj_field ml[] = {
		{ "v", XJ_F_STR, XJ_OPT | XJ_MULTILINE, 0, 100, NULL,
		  offsetof(struct one, s), NULL, 0, 0, 0 },
		XJ_FIELD_END
	};
	struct xj_field nomax[] = {
		{ "v", XJ_F_STR, XJ_OPT, 0, 0, NULL, offsetof(struct one, s), NULL, 0, 0, 0 },
		XJ_FIELD_END
	};
	struct one o;

	ok(one("\"张三丰啊\"", one_str, &o) == XJ_OK && o.s.len == 12,
	    "bind: 4 Chinese characters (12 bytes) accepted with max 4");
	is_int(one("\"张三丰啊哈\"", one_str, &o), XJ_E_F_TOO_LONG,
	    "bind: 5 Chinese characters refused with max 4 as too_long");
	is_int(one("\"abcde\"", one_str, &o), XJ_E_F_TOO_LONG,
	    "bind: 5 ASCII characters refused with max 4");
	ok(one("\"😀😀😀😀\"", one_str, &o) == XJ_OK,
	    "bind: 4 four-byte characters accepted with max 4");
	is_int(one("\"\"", one_str, &o), XJ_E_F_REQUIRED,
	    "bind: empty required STR is required");
	ok(one("\"x\"", nomax, &o) == XJ_OK, "bind: STR with max 0 has no upper limit");

	is_int(one("\"a\\u0001b\"", one_str, &o), XJ_E_F_FORMAT,
	    "bind: control character U+0001 refused as bad_format");
	is_int(one("\"a\\nb\"", one_str, &o), XJ_E_F_FORMAT,
	    "bind: newline refused in a single-line STR");
	is_int(one("\"a\\tb\"", one_str, &o), XJ_E_F_FORMAT,
	    "bind: tab refused in a single-line STR");
	is_int(one("\"a\\u007fb\"", one_str, &o), XJ_E_F_FORMAT,
	    "bind: DEL refused in a single-line STR");
	is_int(one("\"a\\u0000b\"", one_str, &o), XJ_E_F_FORMAT,
	    "bind: NUL refused in a single-line STR");
	ok(one("\"a\\nb\\r\\nc\\td\"", ml, &o) == XJ_OK,
	    "bind: XJ_MULTILINE accepts newline, CR LF and tab");
	is_int(one("\"a\\u0000b\"", ml, &o), XJ_E_F_FORMAT,
	    "bind: NUL refused even with XJ_MULTILINE");
	is_int(one("\"a\\u001bb\"", ml, &o), XJ_E_F_FORMAT,
	    "bind: ESC refused even with XJ_MULTILINE (only newlines and tabs)");
	is_int(one("\"a\\u0001b\"", ml, &o), XJ_E_F_FORMAT,
	    "bind: U+0001 refused even with XJ_MULTILINE (not allowed in XML 1.0)");
	is_int(one("\"a\\u007fb\"", ml, &o), XJ_E_F_FORMAT,
	    "bind: DEL refused even with XJ_MULTILINE");

	is_int(one("\"\xc0\xae\"", one_str, &o), XJ_E_F_FORMAT,
	    "bind: overlong UTF-8 (yajl lets it through) refused as bad_format");
	is_int(one("\"\xed\xa0\x80\"", one_str, &o), XJ_E_F_FORMAT,
	    "bind: UTF-8-encoded surrogate refused as bad_format");
}

static void
test_misc(void)
{
	struct xj_ferrs e;
	struct child c;
	char path[32] = "guardians[9].name";
	char text[4096];
	size_t n = 0;

	memset(&e, 0, sizeof(e));
	xj_ferr_add(&e, A, path, XJ_E_F_FORMAT);
	memcpy(path, "overwritten", 12);
	ok(e.n == 1 && strcmp(e.e[0].field, "guardians[9].name") == 0 &&
	    e.e[0].code == XJ_E_F_FORMAT,
	    "bind: xj_ferr_add copies the path");

	n += (size_t)snprintf(text + n, sizeof(text) - n, "{");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s\"u%d\":1",
		    i ? "," : "", i);
	snprintf(text + n, sizeof(text) - n, "}");
	is_int(bind(text, child_fields, &c, sizeof(c), &e), XJ_E_VALIDATION,
	    "bind: 100 unknown fields give validation_failed");
	is_int(e.n, XJ_MAX_FERRS, "bind: field errors stop at XJ_MAX_FERRS without overflow");
	for (int i = 0; i < 10; i++)
		xj_ferr_add(&e, A, "x", XJ_E_F_FORMAT);
	is_int(e.n, XJ_MAX_FERRS, "bind: xj_ferr_add past XJ_MAX_FERRS is dropped");

	/* 30 CJK characters: 90 bytes, cut for the report */
	bind("{\"名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名\":1}",
	    child_fields, &c, sizeof(c), &e);
	ok(e.n > 0 && strlen(e.e[0].field) <= 64 && e.e[0].code == XJ_E_F_UNKNOWN,
	    "bind: long unknown field name reported cut to at most 64 bytes");
	ok(e.n > 0 && xj_utf8_len(xj_str_c(e.e[0].field)) >= 0,
	    "bind: cut unknown field name is still valid UTF-8 (it is echoed in JSON)");
}

static void
test_utf8_len(void)
{
	is_int(xj_utf8_len(XJ_STR("")), 0, "utf8: empty string has 0 characters");
	is_int(xj_utf8_len(XJ_STR("abc")), 3, "utf8: ASCII counts one per byte");
	is_int(xj_utf8_len(XJ_STR("张三")), 2, "utf8: 3-byte characters count once");
	is_int(xj_utf8_len(XJ_STR("é")), 1, "utf8: 2-byte character counts once");
	is_int(xj_utf8_len(XJ_STR("a😀b")), 3, "utf8: 4-byte character counts once");
	is_int(xj_utf8_len(XJ_STR("a\0b")), 3, "utf8: length comes from len, not a NUL");
	is_int(xj_utf8_len(XJ_STR("\xff")), -1, "utf8: byte 0xff is invalid");
	is_int(xj_utf8_len(XJ_STR("\x80")), -1, "utf8: lone continuation byte is invalid");
	is_int(xj_utf8_len(XJ_STR("\xe5\xbc")), -1, "utf8: truncated sequence is invalid");
	is_int(xj_utf8_len(XJ_STR("\xe5\x41\x41")), -1,
	    "utf8: lead byte followed by ASCII is invalid");
	is_int(xj_utf8_len(XJ_STR("\xf8\x88\x80\x80\x80")), -1,
	    "utf8: 5-byte form is invalid");
	{
		struct xj_str cut = { 2, "张" };
		is_int(xj_utf8_len(cut), -1,
		    "utf8: sequence cut by len is invalid even if bytes follow");
	}
	is_int(xj_utf8_len(XJ_STR("\xef\xbf\xbd")), 1, "utf8: U+FFFD is valid");
	is_int(xj_utf8_len(XJ_STR("\xf4\x8f\xbf\xbf")), 1, "utf8: U+10FFFF is valid");
	is_int(xj_utf8_len(XJ_STR("\xc0\xaf")), -1, "utf8: overlong 2-byte form is invalid");
	is_int(xj_utf8_len(XJ_STR("\xe0\x80\xaf")), -1, "utf8: overlong 3-byte form is invalid");
	is_int(xj_utf8_len(XJ_STR("\xf0\x80\x80\xaf")), -1, "utf8: overlong 4-byte form is invalid");
	is_int(xj_utf8_len(XJ_STR("\xed\xa0\x80")), -1, "utf8: surrogate U+D800 is invalid");
	is_int(xj_utf8_len(XJ_STR("\xf4\x90\x80\x80")), -1, "utf8: code point above U+10FFFF is invalid");
	is_int(xj_utf8_len(XJ_STR("\xf5\x80\x80\x80")), -1, "utf8: lead byte 0xf5 is invalid");
}

/* An array of strings, each from a code list (docs/psb.md's
 * mismatched_fields). */
struct tags {
	struct xj_str	*v;
	size_t		 n;
};

static struct xj_field tags_fields[] = {
	{ "v", XJ_F_STRS, XJ_OPT, 1, 4, check_relation,
	  offsetof(struct tags, v), NULL, 0, offsetof(struct tags, n), 0 },
	XJ_FIELD_END
};

static void
test_strs(void)
{
	struct tags t;
	struct xj_ferrs e;
	int rc;

	rc = bind("{\"v\":[\"mother\",\"father\"]}", tags_fields, &t, sizeof(t), &e);
	ok(rc == XJ_OK && t.n == 2 && xj_str_eq(t.v[0], "mother") && xj_str_eq(t.v[1], "father"),
	    "bind: STRS items filled in order, count at off_n");
	rc = bind("{\"v\":[]}", tags_fields, &t, sizeof(t), &e);
	is_int(rc == XJ_E_VALIDATION ? err_at(&e, "v") : rc, XJ_E_F_REQUIRED,
	    "bind: STRS below its minimum when empty is required");
	rc = bind("{\"v\":[\"other\",\"other\",\"other\",\"other\",\"other\"]}", tags_fields, &t,
	    sizeof(t), &e);
	is_int(rc == XJ_E_VALIDATION ? err_at(&e, "v") : rc, XJ_E_F_TOO_MANY,
	    "bind: STRS above its maximum is too_many_items");
	rc = bind("{\"v\":\"mother\"}", tags_fields, &t, sizeof(t), &e);
	is_int(rc == XJ_E_VALIDATION ? err_at(&e, "v") : rc, XJ_E_F_TYPE,
	    "bind: STRS given a string is wrong_type");
	rc = bind("{\"v\":[\"mother\",7,\"uncle\",\"a\\u0001\"]}", tags_fields, &t,
	    sizeof(t), &e);
	ok(rc == XJ_E_VALIDATION && e.n == 3 && err_at(&e, "v[1]") == XJ_E_F_TYPE &&
	    err_at(&e, "v[2]") == XJ_E_F_CODE && err_at(&e, "v[3]") == XJ_E_F_FORMAT,
	    "bind: STRS reports each bad item at its own path, with its own code");
	rc = bind("{\"v\":null}", tags_fields, &t, sizeof(t), &e);
	ok(rc == XJ_OK && t.v == NULL && t.n == 0, "bind: STRS null is absent");
}

/* An array of row ids (issue 12: evidence files named by a case). */
struct ids {
	long long	*v;
	size_t		 n;
};

static struct xj_field ids_fields[] = {
	{ "v", XJ_F_IDS, XJ_OPT, 0, 3, NULL, offsetof(struct ids, v), NULL, 0, offsetof(struct ids, n), 0 },
	XJ_FIELD_END
};

static void
test_ids(void)
{
	struct ids t;
	struct xj_ferrs e;
	int rc;

	rc = bind("{\"v\":[7,999999999999999999]}", ids_fields, &t, sizeof(t), &e);
	ok(rc == XJ_OK && t.n == 2 && t.v[0] == 7 && t.v[1] == 999999999999999999LL,
	    "bind: IDS items filled in order, count at off_n");
	rc = bind("{\"v\":[]}", ids_fields, &t, sizeof(t), &e);
	ok(rc == XJ_OK && t.n == 0, "bind: IDS may be empty when its minimum is 0");
	rc = bind("{\"v\":[1,2,3,4]}", ids_fields, &t, sizeof(t), &e);
	is_int(rc == XJ_E_VALIDATION ? err_at(&e, "v") : rc, XJ_E_F_TOO_MANY,
	    "bind: IDS above its maximum is too_many_items");
	rc = bind("{\"v\":[0,\"5\",1.5]}", ids_fields, &t, sizeof(t), &e);
	ok(rc == XJ_E_VALIDATION && e.n == 3 && err_at(&e, "v[0]") == XJ_E_F_RANGE &&
	    err_at(&e, "v[1]") == XJ_E_F_TYPE && err_at(&e, "v[2]") == XJ_E_F_TYPE,
	    "bind: IDS reports each bad item at its own path (0 out of range, a string or a fraction wrong type)");
	rc = bind("{\"v\":{}}", ids_fields, &t, sizeof(t), &e);
	is_int(rc == XJ_E_VALIDATION ? err_at(&e, "v") : rc, XJ_E_F_TYPE, "bind: IDS given an object is wrong_type");
}

int
main(void)
{
	plan_lazy();
	A = xj_arena_new(16 << 20);
	test_valid();
	test_ids();
	test_absent();
	test_collect();
	test_types();
	test_int();
	test_dec();
	test_strings();
	test_misc();
	test_utf8_len();
	test_strs();
	xj_arena_free(A);
	return done_testing();
}
