/* fuzz_csv.c -- the CSV reader (src/domain/orgcsv.c xj_csv_next) that
 * reads what a school uploads as a student import (school/supplement.c,
 * issue 12 item 5) and the school list (xuejictl org import). Inputs are
 * arbitrary bytes. Invariants: every call moves forward (the reader never
 * loops), a record has at most `max` fields stored, each NUL-terminated
 * within XJ_ORGCSV_FIELD_MAX bytes, line numbers never go back, and the
 * number of records is bounded by the input's length. */
#include "config.h"

#include "domain/orgcsv.h"
#include "fuzz.h"

#define MAXF	24

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char f[MAXF][XJ_ORGCSV_FIELD_MAX];
	struct xj_csv c;
	char *in;
	const char *why;
	long line, last = 0;
	size_t records = 0, pos;
	int n;

	if (size > 65536)
		return 0;
	in = fz_copy(data, size);
	xj_csv_init(&c, in, size);
	for (;;) {
		pos = c.pos;
		why = NULL;
		n = xj_csv_next(&c, f, MAXF, &line, &why);
		if (n == 0)
			break;
		FZ_ASSERT(c.pos > pos && c.pos <= size);
		FZ_ASSERT(line >= 1 && line >= last);
		last = line;
		if (n < 0) {
			FZ_ASSERT(why != NULL);
		} else {
			for (int i = 0; i < n && i < MAXF; i++)
				FZ_ASSERT(memchr(f[i], '\0', XJ_ORGCSV_FIELD_MAX) != NULL);
			FZ_ASSERT(n <= MAXF);
		}
		FZ_ASSERT(++records <= size);
	}
	FZ_ASSERT(c.pos >= size || size == 0 || c.pos == size);
	free(in);
	return 0;
}
