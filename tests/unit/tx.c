/* tx.c -- unit tests of the pure parts of the transaction layer
 * (src/db/tx.h, src/db/db.h): the retry backoff, which is exponential with
 * full jitter under a cap, the classification of MariaDB error numbers
 * into retry / unavailable / conflict / internal, and the list of Galera
 * nodes in [db] socket / host. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "db/tx.h"
#include "tap.h"

#define CAP_US	250000u
#define BASE_US	5000u

static unsigned
ceiling(int attempt)
{
	unsigned long long c = (unsigned long long)BASE_US << (attempt < 32 ? attempt : 32);

	return c < CAP_US ? (unsigned)c : CAP_US;
}

/* a deterministic spread of 32-bit values (xorshift32) */
static uint32_t
next_rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
test_backoff(void)
{
	static const uint32_t edges[] = {
		0, 1, 2, 4999, 5000, 5001, 249999, 250000, 250001,
		0x7fffffffu, 0x80000000u, UINT32_MAX - 1, UINT32_MAX
	};
	static const int attempts[] = { 0, 1, 2, 3, 5, 6, 7, 10, 15, 16, 31, 32, 40, 1000 };
	double mean[8];

	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		int a = attempts[i], in = 1;
		unsigned lo = UINT32_MAX, hi = 0, c = ceiling(a);
		uint32_t s = 2463534242u;

		for (size_t k = 0; k < sizeof(edges) / sizeof(edges[0]); k++) {
			unsigned us = xj_tx_backoff_us(a, edges[k]);
			if (us < 1 || us > c)
				in = 0;
		}
		for (int k = 0; k < 20000; k++) {
			unsigned us = xj_tx_backoff_us(a, next_rnd(&s));
			if (us < 1 || us > c)
				in = 0;
			lo = us < lo ? us : lo;
			hi = us > hi ? us : hi;
		}
		ok(in, "tx: backoff for attempt %d is within [1, %u] us for every rnd "
		    "(0, 1, UINT32_MAX and a spread)", a, c);
		ok(lo < c / 10 && hi > c - c / 10,
		    "tx: backoff for attempt %d spreads over its whole range (full jitter)", a);
	}
	is_int(xj_tx_backoff_us(0, 0), 1, "tx: rnd 0 gives the 1 us floor, never 0");
	ok(xj_tx_backoff_us(0, UINT32_MAX) <= BASE_US,
	    "tx: first retry waits at most 5 ms");
	ok(xj_tx_backoff_us(40, UINT32_MAX) <= CAP_US &&
	    xj_tx_backoff_us(40, 249999) == CAP_US,
	    "tx: attempt 40 reaches but never exceeds the 250 ms cap (no shift overflow)");
	ok(xj_tx_backoff_us(-1, UINT32_MAX) >= 1 &&
	    xj_tx_backoff_us(-1, UINT32_MAX) <= BASE_US,
	    "tx: negative attempt treated as the first");
	ok(xj_tx_backoff_us(2147483647, UINT32_MAX) <= CAP_US,
	    "tx: INT_MAX attempt stays under the cap");

	for (int a = 0; a < 8; a++) {
		uint32_t s = 88172645u;
		double sum = 0;
		for (int k = 0; k < 20000; k++)
			sum += xj_tx_backoff_us(a, next_rnd(&s));
		mean[a] = sum / 20000;
	}
	{
		int grows = 1;
		for (int a = 1; a < 6; a++)
			if (!(mean[a] > mean[a - 1] * 1.8))
				grows = 0;
		ok(grows, "tx: mean backoff roughly doubles with each attempt until the cap");
		ok(mean[7] >= mean[6] * 0.95 && mean[7] <= mean[6] * 1.05 &&
		    mean[6] > CAP_US * 0.45 && mean[6] < CAP_US * 0.55,
		    "tx: mean backoff levels off at half the cap");
	}
}

static void
test_classify(void)
{
	static const struct { unsigned e; const char *what; } retry[] = {
		{ 1213, "deadlock (and Galera certification failure)" },
		{ 1205, "lock wait timeout" },
		{ 1020, "record changed since last read (snapshot conflict)" },
	};
	static const struct { unsigned e; const char *what; } gone[] = {
		{ 2002, "cannot connect through the socket" },
		{ 2003, "cannot connect to the host" },
		{ 2006, "server has gone away" },
		{ 2013, "lost connection during query" },
		{ 2055, "lost connection (extended)" },
		{ 1927, "connection killed" },
		{ 1053, "server shutdown in progress" },
		{ 1047, "Galera node not ready (unknown command)" },
		{ 4031, "client disconnected for inactivity" },
		/* session 7 (ops): a TLS connection lost mid-read keeps the TLS
		 * error (libmariadb ma_net_safe_read), the net layer's own */
		{ 2026, "TLS connection lost (connection reset under [db] ssl_ca)" },
		{ 5013, "connector: network read failed" },
		{ 5014, "connector: network write failed" },
	};
	static const struct { unsigned e; const char *what; } internal[] = {
		{ 1146, "table does not exist" },
		{ 1064, "SQL syntax error" },
		{ 1054, "unknown column" },
		{ 1366, "incorrect string value" },
		{ 1452, "foreign key constraint fails" },
		{ 1406, "data too long" },
		{ 1, "an unlisted number" },
		{ 99999, "an out-of-range number" },
	};
	char name[160];

	for (size_t i = 0; i < sizeof(retry) / sizeof(retry[0]); i++) {
		snprintf(name, sizeof(name), "tx: %u (%s) is retried", retry[i].e, retry[i].what);
		is_int(xj_db_classify(retry[i].e, 0), XJ_RETRY, name);
	}
	is_int(xj_db_classify(1213, XJ_SQL_DUP_OK), XJ_RETRY,
	    "tx: deadlock is retried on a DUP_OK statement too");
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
		snprintf(name, sizeof(name), "tx: %u (%s) is service_unavailable",
		    gone[i].e, gone[i].what);
		is_int(xj_db_classify(gone[i].e, 0), XJ_E_UNAVAILABLE, name);
	}
	is_int(xj_db_classify(1062, XJ_SQL_DUP_OK), XJ_E_CONFLICT,
	    "tx: duplicate key 1062 on a DUP_OK statement is conflict");
	is_int(xj_db_classify(1062, 0), XJ_E_INTERNAL,
	    "tx: duplicate key 1062 without DUP_OK is internal_error");
	is_int(xj_db_classify(1586, XJ_SQL_DUP_OK), XJ_E_CONFLICT,
	    "tx: duplicate key 1586 (with key name) on a DUP_OK statement is conflict");
	is_int(xj_db_classify(1586, 0), XJ_E_INTERNAL,
	    "tx: duplicate key 1586 without DUP_OK is internal_error");
	is_int(xj_db_classify(1062, XJ_SQL_DUP_OK | 0x100), XJ_E_CONFLICT,
	    "tx: DUP_OK is tested as a bit, other flags ignored");
	is_int(xj_db_classify(1062, 0x100), XJ_E_INTERNAL,
	    "tx: other flags do not make a duplicate an answer");
	for (size_t i = 0; i < sizeof(internal) / sizeof(internal[0]); i++) {
		snprintf(name, sizeof(name), "tx: %u (%s) is internal_error",
		    internal[i].e, internal[i].what);
		is_int(xj_db_classify(internal[i].e, 0), XJ_E_INTERNAL, name);
	}
	is_int(xj_db_classify(1146, XJ_SQL_DUP_OK), XJ_E_INTERNAL,
	    "tx: DUP_OK does not soften other errors");
	is_int(xj_db_classify(0, 0), XJ_OK, "tx: error number 0 is XJ_OK");
	is_int(xj_db_classify(0, XJ_SQL_DUP_OK), XJ_OK, "tx: error number 0 is XJ_OK with DUP_OK");
}

/* issue 15 (Galera): [db] socket / host as a list of nodes */
static void
test_node_list(void)
{
	char out[32];

	is_int(xj_db_node_addr("/run/mysqld/mysqld.sock", 0, out, sizeof(out)), 1,
	    "node_list_one_entry_counts_one");
	is_str(out, "/run/mysqld/mysqld.sock", "node_list_one_entry_is_itself");
	is_int(xj_db_node_addr(" db1 , db2,db3 ", 1, out, sizeof(out)), 3,
	    "node_list_three_entries");
	is_str(out, "db2", "node_list_entry_trimmed");
	xj_db_node_addr(" db1 , db2,db3 ", 2, out, sizeof(out));
	is_str(out, "db3", "node_list_last_entry");
	is_int(xj_db_node_addr("db1,, ,db2,", 1, out, sizeof(out)), 2,
	    "node_list_empty_entries_skipped");
	is_str(out, "db2", "node_list_entry_after_empty_ones");
	is_int(xj_db_node_addr("db1,db2", 5, out, sizeof(out)), 2, "node_list_past_end_counts");
	is_str(out, "", "node_list_past_end_is_empty");
	is_int(xj_db_node_addr("", 0, out, sizeof(out)), 0, "node_list_empty_has_none");
	xj_db_node_addr("a-name-longer-than-the-buffer-of-32-bytes,b", 0, out, sizeof(out));
	is_str(out, "", "node_list_entry_too_long_is_empty_not_cut");
}

int
main(void)
{
	plan_lazy();
	test_backoff();
	test_classify();
	test_node_list();
	return done_testing();
}
