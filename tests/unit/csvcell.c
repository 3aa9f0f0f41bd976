/* csvcell.c -- the roster export's CSV cells (domain/csvcell.h): RFC 4180
 * quoting and formula injection neutralised. */
#include "config.h"

#include <string.h>

#include "domain/csvcell.h"
#include "tap.h"

static const char *
cell(int first, const char *v)
{
	static char out[128];
	size_t pos = 0;

	if (xj_csv_cell(out, sizeof(out) - 1, &pos, first, v, strlen(v)) != 0)
		return "(did not fit)";
	out[pos] = '\0';
	return out;
}

int
main(void)
{
	char small[6];
	size_t pos = 0;

	plan_lazy();
	is_str(cell(1, "张三"), "\"张三\"", "csv: a plain value is quoted");
	is_str(cell(0, "a"), ",\"a\"", "csv: a cell after the first starts with a comma");
	is_str(cell(1, "say \"hi\""), "\"say \"\"hi\"\"\"", "csv: a quote inside is doubled");
	is_str(cell(1, "a,b\r\nc"), "\"a,b\r\nc\"", "csv: comma and line break stay inside the quotes");
	is_str(cell(1, "=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"",
	    "csv: a leading = is neutralised with an apostrophe");
	is_str(cell(1, "+1"), "\"'+1\"", "csv: a leading + is neutralised");
	is_str(cell(1, "-2+3"), "\"'-2+3\"", "csv: a leading - is neutralised");
	is_str(cell(1, "@SUM(A1)"), "\"'@SUM(A1)\"", "csv: a leading @ is neutralised");
	is_str(cell(1, "\t=1"), "\"'\t=1\"", "csv: a leading TAB is neutralised");
	is_str(cell(1, "\r=1"), "\"'\r=1\"", "csv: a leading CR is neutralised");
	is_str(cell(1, "a=1"), "\"a=1\"", "csv: = not at the start is left alone");
	is_str(cell(1, ""), "\"\"", "csv: an empty value is an empty quoted cell");
	ok(xj_csv_cell(small, sizeof(small), &pos, 1, "abcdef", 6) == -1 && pos == 0,
	    "csv: a cell that does not fit is refused and nothing is written");
	return done_testing();
}
