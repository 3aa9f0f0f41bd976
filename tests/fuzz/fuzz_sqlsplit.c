/* fuzz_sqlsplit.c -- the migration splitter (src/store/migrate.c:
 * xj_sql_split, xj_sql_is_dml). Migration files are trusted, but the
 * splitter decides what runs in one transaction, so it must be total:
 * every piece lies inside the input, pieces come in order without
 * overlap, none is empty; a callback's non-zero return stops the split
 * and is returned. */
#include "config.h"

#include "store/migrate.h"
#include "fuzz.h"

struct walk {
	const char	*base;
	size_t		 len;
	const char	*prev_end;
	int		 n, stop_at;
};

static int
piece(const char *stmt, size_t len, void *arg)
{
	struct walk *w = arg;

	FZ_ASSERT(stmt >= w->base && len > 0);
	FZ_ASSERT((size_t)(stmt - w->base) <= w->len &&
	    len <= w->len - (size_t)(stmt - w->base));
	FZ_ASSERT(stmt >= w->prev_end);
	fz_touch(stmt, len);
	w->prev_end = stmt + len;
	FZ_ASSERT(xj_sql_is_dml(stmt, len) == 0 || xj_sql_is_dml(stmt, len) == 1);
	if (++w->n == w->stop_at)
		return 7;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walk w;
	char *buf;
	int rc, all;

	if (size > 65536)
		return 0;
	buf = fz_copy(data, size);
	memset(&w, 0, sizeof(w));
	w.base = buf;
	w.len = size;
	w.prev_end = buf;
	rc = xj_sql_split(buf, size, piece, &w);
	FZ_ASSERT(rc == 0 || rc == -1);
	all = w.n;
	/* stop at the second piece: the split returns the callback's value */
	if (rc == 0 && all >= 2) {
		memset(&w, 0, sizeof(w));
		w.base = buf;
		w.len = size;
		w.prev_end = buf;
		w.stop_at = 2;
		FZ_ASSERT(xj_sql_split(buf, size, piece, &w) == 7 && w.n == 2);
	}
	(void)xj_sql_is_dml(buf, size);
	free(buf);
	return 0;
}
