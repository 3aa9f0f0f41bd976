/* orgcsv.c -- unit tests of the school list's CSV reader and row checks
 * (src/domain/orgcsv.h; issue 15 item 6, xuejictl org import). */
#include "config.h"

#include <string.h>

#include "domain/orgcsv.h"
#include "tap.h"

static char f[XJ_ORGCSV_NCOLS + 1][XJ_ORGCSV_FIELD_MAX];

static int
rec(struct xj_csv *c, long *line, const char **err)
{
	return xj_csv_next(c, f, XJ_ORGCSV_NCOLS + 1, line, err);
}

static int
row(const char *text, struct xj_orgrow *o, const char **field, const char **err)
{
	struct xj_csv c;
	long line;
	int n;

	xj_csv_init(&c, text, strlen(text));
	if ((n = rec(&c, &line, err)) < 0) {
		*field = "csv";
		return -1;
	}
	return xj_orgcsv_row(f, n, line, o, field, err);
}

int
main(void)
{
	struct xj_csv c;
	struct xj_orgrow o;
	const char *err, *field;
	long line;
	const char *t;

	plan_lazy();

	/* the reader */
	t = "\xef\xbb\xbf" XJ_ORGCSV_HEADER "\r\n\r\n"
	    "1,\"a, \"\"b\"\"\",c\n"
	    "\"multi\nline\",x\n"
	    "last,no-newline";
	xj_csv_init(&c, t, strlen(t));
	is_int(rec(&c, &line, &err), 7, "a BOM is skipped, the header has 7 fields");
	is_int(xj_orgcsv_header(f, 7), 0, "the header is recognised");
	is_int(rec(&c, &line, &err), 3, "a blank line is skipped");
	is_int(line, 3, "the record's line counts the blank line");
	is_str(f[1], "a, \"b\"", "a quoted field keeps commas and \"\" is one quote");
	is_int(rec(&c, &line, &err), 2, "a quoted field may hold a newline");
	is_int(line, 4, "...starting on line 4");
	is_int(rec(&c, &line, &err), 2, "the end of the input ends the last record");
	is_int(line, 6, "...on line 6 (the quoted newline counted)");
	is_str(f[1], "no-newline", "its last field");
	is_int(rec(&c, &line, &err), 0, "then the end");

	t = "a,\"open\n";
	xj_csv_init(&c, t, strlen(t));
	is_int(rec(&c, &line, &err), -1, "an unclosed quote is malformed");
	t = "a,\"x\"y,b\nnext,1\n";
	xj_csv_init(&c, t, strlen(t));
	is_int(rec(&c, &line, &err), -1, "text after a closing quote is malformed");
	is_int(rec(&c, &line, &err), 2, "the reader goes on with the next line");
	is_int(line, 2, "...line 2");
	t = "a,b\"c\n";
	xj_csv_init(&c, t, strlen(t));
	is_int(rec(&c, &line, &err), -1, "a quote inside an unquoted field is malformed");
	t = "1,2,3,4,5,6,7,8,9\n";
	xj_csv_init(&c, t, strlen(t));
	is_int(rec(&c, &line, &err), -1, "more fields than asked for is malformed");
	{
		static char big[XJ_ORGCSV_FIELD_MAX + 10];

		memset(big, 'x', sizeof(big) - 2);
		big[sizeof(big) - 2] = '\n';
		xj_csv_init(&c, big, strlen(big));
		is_int(rec(&c, &line, &err), -1, "an overlong field is malformed");
	}
	{
		char h[] = XJ_ORGCSV_HEADER;

		xj_csv_init(&c, h, strlen(h));
		rec(&c, &line, &err);
		strcpy(f[4], "owner");
		is_int(xj_orgcsv_header(f, 7), -1, "a header with another column name is refused");
	}

	/* rows */
	is_int(row("1120100001, 天津市和平区第一实验小学 ,120101,,public,,\n", &o, &field, &err), 0,
	    "a plain row");
	is_str(o.name, "天津市和平区第一实验小学", "the name is trimmed");
	is_str(o.supervisor, "120101", "an empty supervisor is the county");
	is_int(o.licensed, 1, "an empty licence is licensed (R-REC-9 default)");
	is_int(row("1120100004,民办小学,120101,120100,民办,1120100001,否", &o, &field, &err), 0,
	    "Chinese words for ownership and licence");
	is_str(o.ownership, "private", "民办 = private");
	is_int(o.licensed, 0, "否 = 0");
	is_str(o.main, "1120100001", "the main campus (R-ORG-2)");

	is_int(row("112010000,n,120101,,public,,1", &o, &field, &err), -1, "a 9-digit code");
	is_str(field, "code", "...names the code");
	is_int(row("11201000011,n,120101,,public,,1", &o, &field, &err), -1, "an 11-digit code");
	is_int(row("1120100001,,120101,,public,,1", &o, &field, &err), -1, "an empty name");
	is_str(field, "name", "...names the name");
	is_int(row("1120100001,a\x01" "b,120101,,public,,1", &o, &field, &err), -1,
	    "a control character in the name");
	is_int(row("1120100001,\xe4\xb8,120101,,public,,1", &o, &field, &err), -1,
	    "a name that is not UTF-8");
	is_int(row("1120100001,\xc0\xaf,120101,,public,,1", &o, &field, &err), -1,
	    "an overlong UTF-8 sequence");
	{
		char t2[600] = "1120100001,";

		for (int i = 0; i < 100; i++)
			strcat(t2, "校");
		strcat(t2, ",120101,,public,,1");
		is_int(row(t2, &o, &field, &err), 0, "100 characters (300 bytes) is a name");
		t2[11] = '\0';
		for (int i = 0; i < 101; i++)
			strcat(t2, "校");
		strcat(t2, ",120101,,public,,1");
		is_int(row(t2, &o, &field, &err), -1, "101 characters is not");
	}
	is_int(row("1120100001,n,12010,,public,,1", &o, &field, &err), -1, "a 5-digit county");
	is_str(field, "county", "...names the county");
	is_int(row("1120100001,n,120101,12,public,,1", &o, &field, &err), -1, "a short supervisor");
	is_str(field, "supervisor", "...names the supervisor");
	is_int(row("1120100001,n,120101,,state,,1", &o, &field, &err), -1, "an unknown ownership");
	is_str(field, "ownership", "...names the ownership");
	is_int(row("1120100001,n,120101,,public,1120100001,1", &o, &field, &err), -1,
	    "a school as its own branch");
	is_str(field, "main_campus", "...names the main campus");
	is_int(row("1120100001,n,120101,,public,,2", &o, &field, &err), -1, "licensed 2");
	is_str(field, "licensed", "...names the licence");
	is_int(row("1120100001,n,120101,,public,", &o, &field, &err), -1, "six fields");
	is_int(row("1120100001,n,120101,,public,,1,extra", &o, &field, &err), -1, "eight fields");
	ok(xj_orgcsv_digits("0123456789", 10) && !xj_orgcsv_digits("012345678", 10) &&
	    !xj_orgcsv_digits("01234567a9", 10), "digits");
	return done_testing();
}
