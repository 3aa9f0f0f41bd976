/* json.c -- unit tests of bounded JSON parsing (src/core/json.h): the tree
 * it builds, the depth/element/string limits checked during the parse,
 * refusal of duplicate keys, bad UTF-8, trailing garbage and empty input. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "tap.h"

static struct xj_arena *A;

static const struct xj_json_limits LIM = { 16, 4096, 1024 };

static int
parse(const char *text, const struct xj_json_limits *lim, struct xj_json **out,
    const char **why)
{
	struct xj_json *dummy;
	const char *w;

	return xj_json_parse(A, text, strlen(text), lim ? lim : &LIM,
	    out ? out : &dummy, why ? why : &w);
}

static int
rc_of(const char *text, const struct xj_json_limits *lim)
{
	return parse(text, lim, NULL, NULL);
}

/* "[[[...1...]]]" or "{"a":{"a":...1...}}" nested n deep */
static char *
nest(int n, int objects)
{
	size_t cap = (size_t)n * 6 + 8, i = 0;
	char *s = xj_alloc(A, cap);

	for (int k = 0; k < n; k++) {
		if (objects) {
			memcpy(s + i, "{\"a\":", 5);
			i += 5;
		} else
			s[i++] = '[';
	}
	s[i++] = '1';
	for (int k = 0; k < n; k++)
		s[i++] = objects ? '}' : ']';
	s[i] = '\0';
	return s;
}

static void
test_tree(void)
{
	const char *doc = "{\"name\":\"张三\",\"age\":7,\"ok\":true,\"no\":false,"
	    "\"nil\":null,\"list\":[1,\"two\",{}],\"obj\":{\"a\":\"b\"},\"\":0}";
	struct xj_json *r;
	const struct xj_json *v, *list;
	int rc = parse(doc, NULL, &r, NULL);

	is_int(rc, XJ_OK, "json: a valid object parses");
	if (rc != XJ_OK)
		return;
	is_int(r->type, XJ_J_OBJ, "json: root of an object document is OBJ");
	is_int(r->n, 8, "json: object n counts its members");
	ok(r->parent == NULL, "json: root has no parent");
	v = xj_json_get(r, "name");
	ok(v && v->type == XJ_J_STR, "json: string member has type STR");
	is_strn(v ? v->s.p : NULL, v ? v->s.len : 0, "张三",
	    "json: UTF-8 string value kept byte for byte");
	is_strn(v ? v->key.p : NULL, v ? v->key.len : 0, "name",
	    "json: member carries its key");
	v = xj_json_get(r, "age");
	ok(v && v->type == XJ_J_NUM, "json: number member has type NUM");
	v = xj_json_get(r, "ok");
	ok(v && v->type == XJ_J_BOOL && v->b == 1, "json: true is BOOL 1");
	v = xj_json_get(r, "no");
	ok(v && v->type == XJ_J_BOOL && v->b == 0, "json: false is BOOL 0");
	v = xj_json_get(r, "nil");
	ok(v && v->type == XJ_J_NULL, "json: null has type NULL");
	list = xj_json_get(r, "list");
	ok(list && list->type == XJ_J_ARR && list->n == 3,
	    "json: array n counts its elements");
	ok(list && list->child && list->child->type == XJ_J_NUM &&
	    list->child->next && list->child->next->type == XJ_J_STR &&
	    list->child->next->next == list->last &&
	    list->last->type == XJ_J_OBJ && list->last->n == 0 &&
	    list->last->next == NULL,
	    "json: array elements are linked in document order");
	ok(list && list->child && list->child->parent == list &&
	    list->child->key.p == NULL,
	    "json: array element points to its parent and has no key");
	v = xj_json_get(r, "obj");
	ok(v && v->type == XJ_J_OBJ && v->n == 1 &&
	    xj_json_get(v, "a") && xj_json_get(v, "a")->type == XJ_J_STR,
	    "json: nested object reachable with xj_json_get");
	v = xj_json_get(r, "");
	ok(v && v->type == XJ_J_NUM, "json: empty key is a member like any other");

	ok(parse("\"x\"", NULL, &r, NULL) == XJ_OK && r->type == XJ_J_STR,
	    "json: a scalar document parses to a scalar root");
	ok(parse("  [ ]\n", NULL, &r, NULL) == XJ_OK && r->type == XJ_J_ARR &&
	    r->n == 0 && r->child == NULL,
	    "json: whitespace around an empty array accepted");
	ok(parse("{\"s\":\"a\\n\\u5f20\\\"\"}", NULL, &r, NULL) == XJ_OK &&
	    (v = xj_json_get(r, "s")) != NULL &&
	    v->s.len == 6 && memcmp(v->s.p, "a\n\xe5\xbc\xa0\"", 6) == 0,
	    "json: escapes are decoded in string values");
	ok(parse("{\"s\":\"a\\u0000b\"}", NULL, &r, NULL) == XJ_OK &&
	    (v = xj_json_get(r, "s")) != NULL && v->s.len == 3,
	    "json: \\u0000 decodes to a NUL byte counted in len");
}

static void
test_numbers(void)
{
	struct xj_json *r;
	const struct xj_json *v;
	static const char *const want[] = {
		"1.50", "-0", "12345678901234567890123", "1e3", "-2.5E-7", "0"
	};
	int rc = parse("[1.50, -0, 12345678901234567890123, 1e3, -2.5E-7, 0]",
	    NULL, &r, NULL);

	is_int(rc, XJ_OK, "json: array of numbers parses");
	if (rc != XJ_OK)
		return;
	v = r->child;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++, v = v->next) {
		char name[128];
		snprintf(name, sizeof(name),
		    "json: number %s keeps its source text", want[i]);
		is_strn(v ? v->s.p : NULL, v ? v->s.len : 0, want[i], name);
		if (v == NULL)
			break;
	}
	is_int(rc_of("[01]", NULL), XJ_E_BAD_JSON, "json: leading zero refused");
	is_int(rc_of("[1.]", NULL), XJ_E_BAD_JSON, "json: number ending in a point refused");
	is_int(rc_of("[+1]", NULL), XJ_E_BAD_JSON, "json: number with a plus sign refused");
	is_int(rc_of("[NaN]", NULL), XJ_E_BAD_JSON, "json: NaN refused");
}

static void
test_depth(void)
{
	struct xj_json_limits lim = { 3, 4096, 1024 };
	const char *why = NULL;
	struct xj_json *r = (struct xj_json *)&lim;

	is_int(rc_of("[[[1]]]", &lim), XJ_OK,
	    "json: arrays nested exactly max_depth deep accepted");
	is_int(rc_of("{\"a\":{\"b\":[1]}}", &lim), XJ_OK,
	    "json: mixed objects and arrays exactly max_depth deep accepted");
	is_int(parse("[[[[1]]]]", &lim, &r, &why), XJ_E_JSON_LIMIT,
	    "json: nesting deeper than max_depth refused with json_limit_exceeded");
	ok(r == NULL, "json: *out is NULL after a refused document");
	is_str(why, "nesting too deep", "json: depth refusal says why");
	is_int(rc_of("{\"a\":{\"b\":{\"c\":{}}}}", &lim), XJ_E_JSON_LIMIT,
	    "json: objects nested one beyond max_depth refused");
	is_int(rc_of("[[[1]],[[2]],[[[3]]]]", &lim), XJ_E_JSON_LIMIT,
	    "json: depth is tracked across siblings, not only the first branch");
	is_int(rc_of("[[1],[2],[3],[[4]]]", &lim), XJ_OK,
	    "json: closing containers lowers the depth again");

	lim.max_depth = 16;
	is_int(rc_of(nest(16, 0), &lim), XJ_OK,
	    "json: 16 nested arrays accepted with max_depth 16");
	is_int(rc_of(nest(17, 0), &lim), XJ_E_JSON_LIMIT,
	    "json: 17 nested arrays refused with max_depth 16");
	is_int(rc_of(nest(16, 1), &lim), XJ_OK,
	    "json: 16 nested objects accepted with max_depth 16");
	is_int(rc_of(nest(17, 1), &lim), XJ_E_JSON_LIMIT,
	    "json: 17 nested objects refused with max_depth 16");
	is_int(rc_of(nest(200000, 0), &lim), XJ_E_JSON_LIMIT,
	    "json: 200000-deep nesting refused without exhausting the stack");
}

static void
test_nodes(void)
{
	struct xj_json_limits lim = { 16, 4, 1024 };
	const char *why = NULL;

	is_int(rc_of("[1,2,3]", &lim), XJ_OK,
	    "json: exactly max_nodes values accepted (container counts)");
	is_int(parse("[1,2,3,4]", &lim, NULL, &why), XJ_E_JSON_LIMIT,
	    "json: more than max_nodes values refused with json_limit_exceeded");
	is_str(why, "too many elements", "json: element refusal says why");
	is_int(rc_of("{\"a\":1,\"b\":2,\"c\":3}", &lim), XJ_OK,
	    "json: member names do not count as values");
	is_int(rc_of("[[],[],{},null]", &lim), XJ_E_JSON_LIMIT,
	    "json: empty containers and nulls count as values");
}

static void
test_strlen(void)
{
	struct xj_json_limits lim = { 16, 4096, 6 };
	const char *why = NULL;

	is_int(rc_of("[\"abcdef\"]", &lim), XJ_OK,
	    "json: string of exactly max_str bytes accepted");
	is_int(parse("[\"abcdefg\"]", &lim, NULL, &why), XJ_E_JSON_LIMIT,
	    "json: string longer than max_str refused with json_limit_exceeded");
	is_str(why, "string too long", "json: string refusal says why");
	is_int(rc_of("{\"abcdefg\":1}", &lim), XJ_E_JSON_LIMIT,
	    "json: member name longer than max_str refused");
	is_int(rc_of("[\"张三\"]", &lim), XJ_OK,
	    "json: max_str counts bytes (2 CJK characters are 6 bytes)");
	is_int(rc_of("[\"张三丰\"]", &lim), XJ_E_JSON_LIMIT,
	    "json: max_str counts bytes (3 CJK characters are 9 bytes)");
	is_int(rc_of("[\"\\u5f20\\u4e09a\"]", &lim), XJ_E_JSON_LIMIT,
	    "json: max_str applies to the decoded string, not the escapes");
	is_int(rc_of("[1234567]", &lim), XJ_E_JSON_LIMIT,
	    "json: number text longer than max_str refused");
}

static void
test_refusals(void)
{
	const char *why = NULL;
	struct xj_json *r;

	is_int(parse("{\"a\":1,\"a\":2}", NULL, NULL, &why), XJ_E_BAD_JSON,
	    "json: duplicate key refused with malformed_json");
	is_str(why, "duplicate key", "json: duplicate key refusal says why");
	is_int(rc_of("{\"a\":1,\"b\":{},\"a\":{}}", NULL), XJ_E_BAD_JSON,
	    "json: duplicate key refused when not adjacent");
	is_int(rc_of("{\"a\":1,\"\\u0061\":2}", NULL), XJ_E_BAD_JSON,
	    "json: duplicate key refused when spelled with an escape");
	is_int(rc_of("{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}", NULL), XJ_OK,
	    "json: the same key in different objects accepted");
	is_int(rc_of("{\"a\":1,\"A\":2,\"ab\":3}", NULL), XJ_OK,
	    "json: keys differing in case or length are not duplicates");

	is_int(rc_of("[\"\xff\"]", NULL), XJ_E_BAD_JSON,
	    "json: invalid UTF-8 byte 0xff in a string refused");
	is_int(rc_of("[\"\xe5\xbc\"]", NULL), XJ_E_BAD_JSON,
	    "json: truncated UTF-8 sequence in a string refused");
	is_int(rc_of("[\"\xe5\x41\x41\"]", NULL), XJ_E_BAD_JSON,
	    "json: UTF-8 lead byte without continuation bytes refused");
	is_int(rc_of("{\"\x80\":1}", NULL), XJ_E_BAD_JSON,
	    "json: invalid UTF-8 in a member name refused");
	is_int(rc_of("[\"a\tb\"]", NULL), XJ_E_BAD_JSON,
	    "json: raw control character inside a string refused");

	is_int(rc_of("{} x", NULL), XJ_E_BAD_JSON, "json: trailing garbage refused");
	is_int(rc_of("{}{}", NULL), XJ_E_BAD_JSON, "json: a second document refused");
	is_int(rc_of("[1] 2", NULL), XJ_E_BAD_JSON, "json: a trailing value refused");
	is_int(rc_of("{} \n\t ", NULL), XJ_OK, "json: trailing whitespace accepted");
	{
		static const char buf[] = "[1]\0garbage";
		struct xj_json *o;
		const char *w;
		is_int(xj_json_parse(A, buf, sizeof(buf) - 1, &LIM, &o, &w),
		    XJ_E_BAD_JSON, "json: bytes after an embedded NUL are not ignored");
		is_int(xj_json_parse(A, buf, 3, &LIM, &o, &w), XJ_OK,
		    "json: parse stops at len, not at a NUL");
	}

	r = (struct xj_json *)&why;
	is_int(parse("", NULL, &r, &why), XJ_E_BAD_JSON, "json: empty input refused");
	ok(r == NULL, "json: *out is NULL for empty input");
	ok(why != NULL && *why != '\0', "json: empty input refusal says why");
	is_int(rc_of("   \n", NULL), XJ_E_BAD_JSON, "json: whitespace-only input refused");
	{
		struct xj_json *o;
		is_int(xj_json_parse(A, NULL, 0, &LIM, &o, NULL), XJ_E_BAD_JSON,
		    "json: NULL buffer of length 0 refused, where may be NULL");
	}

	is_int(rc_of("{\"a\":1", NULL), XJ_E_BAD_JSON, "json: unterminated object refused");
	is_int(rc_of("[1,]", NULL), XJ_E_BAD_JSON, "json: trailing comma refused");
	is_int(rc_of("{\"a\":}", NULL), XJ_E_BAD_JSON, "json: member without value refused");
	is_int(rc_of("{'a':1}", NULL), XJ_E_BAD_JSON, "json: single-quoted key refused");
	is_int(rc_of("{a:1}", NULL), XJ_E_BAD_JSON, "json: bare key refused");
	is_int(rc_of("[1 /* c */]", NULL), XJ_E_BAD_JSON, "json: comments refused");
	is_int(rc_of("[\"abc]", NULL), XJ_E_BAD_JSON, "json: unterminated string refused");
	is_int(rc_of("[\"\\x41\"]", NULL), XJ_E_BAD_JSON, "json: unknown escape refused");

	why = NULL;
	parse("{\"password\":\"SECRET-\xff\"}", NULL, NULL, &why);
	ok(why != NULL && strstr(why, "SECRET") == NULL,
	    "json: error reason does not echo the input");
	why = NULL;
	parse("{\"SECRET\":1,\"SECRET\":2}", NULL, NULL, &why);
	ok(why != NULL && strstr(why, "SECRET") == NULL,
	    "json: duplicate key reason does not echo the key");
}

static void
test_arena_exhaustion(void)
{
	struct xj_arena *small = xj_arena_new(512);
	struct xj_json_limits lim = { 16, 100000, 100000 };
	struct xj_json *r;
	const char *why = NULL;
	char doc[4096];
	size_t i = 0;

	doc[i++] = '[';
	for (int k = 0; k < 500; k++) {
		doc[i++] = '1';
		doc[i++] = ',';
	}
	doc[i++] = '1';
	doc[i++] = ']';
	doc[i] = '\0';
	is_int(xj_json_parse(small, doc, i, &lim, &r, &why), XJ_E_TOO_COMPLEX,
	    "json: arena exhaustion refused with request_too_complex");
	ok(r == NULL, "json: *out is NULL after arena exhaustion");
	xj_arena_free(small);
}

static void
test_get(void)
{
	struct xj_json *r;
	const struct xj_json *v;

	if (parse("{\"name\":\"a\",\"names\":\"b\",\"x\":[{\"name\":1}]}",
	    NULL, &r, NULL) != XJ_OK) {
		ok(0, "json: document for xj_json_get parses");
		return;
	}
	v = xj_json_get(r, "names");
	ok(v != NULL && v->s.len == 1 && v->s.p[0] == 'b',
	    "json: xj_json_get finds a member by exact name");
	ok(xj_json_get(r, "nam") == NULL,
	    "json: xj_json_get does not match a prefix of a key");
	ok(xj_json_get(r, "namesx") == NULL,
	    "json: xj_json_get does not match a longer name");
	ok(xj_json_get(r, "missing") == NULL,
	    "json: xj_json_get of a missing member is NULL");
	ok(xj_json_get(xj_json_get(r, "x"), "name") == NULL,
	    "json: xj_json_get on an array is NULL (members only)");
	ok(xj_json_get(xj_json_get(r, "name"), "name") == NULL,
	    "json: xj_json_get on a string is NULL");
	ok(xj_json_get(NULL, "name") == NULL, "json: xj_json_get on NULL is NULL");
}

/* xj_json_escape: the one escaper for JSON written by hand (the SMS
 * gateway's request, org import's audit digests) */
static void
test_escape(void)
{
	char out[32];

	is_int(xj_json_escape("学校 \"A\"\\b", out, sizeof(out)), 0, "escape: fits");
	is_str(out, "学校 \\\"A\\\"\\\\b", "escape: quote and backslash escaped, UTF-8 kept");
	is_int(xj_json_escape("a\nb\x01", out, sizeof(out)), 0, "escape: control characters");
	is_str(out, "a\\u000ab\\u0001", "escape: as \\u00XX");
	is_int(xj_json_escape("0123456789012345678901234567890", out, 16), -1, "escape: too long refused");
	ok(strlen(out) < 16, "escape: and what fitted is terminated");
}

int
main(void)
{
	plan_lazy();
	test_escape();
	A = xj_arena_new(64 << 20);
	test_tree();
	test_numbers();
	test_depth();
	test_nodes();
	test_strlen();
	test_refusals();
	test_arena_exhaustion();
	test_get();
	xj_arena_free(A);
	return done_testing();
}
