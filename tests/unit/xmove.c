/* xmove.c -- unit tests of the workflow subject of a claimed student
 * number (store/xmove.h, issue 13 item 7): one value per number, distinct
 * numbers never share one (the engine's unique open_subject is "one open
 * case per claimed number"), every value above any record id and below
 * 2^63 (the driver binds signed), and 0 for what is no number's form. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "store/xmove.h"
#include "tap.h"

#define LOW	(1ULL << 62)
#define HIGH	(1ULL << 63)

int
main(void)
{
	static const char *nos[] = {
		"G310104201904070011", "G31010420190407001X", "J310104201904070011",
		"L310104201904070011", "G000000000000000000", "G99999999999999999X",
		"J99999999999999999X", "L999999999999999999", "L000000000000000000",
	};
	const size_t n = sizeof(nos) / sizeof(nos[0]);
	unsigned long long v[sizeof(nos) / sizeof(nos[0])];
	int distinct = 1, range = 1;

	plan_lazy();
	for (size_t i = 0; i < n; i++) {
		v[i] = xj_xmove_subject(nos[i]);
		range &= v[i] >= LOW && v[i] < HIGH;
		for (size_t j = 0; j < i; j++)
			distinct &= v[i] != v[j];
	}
	ok(range, "every claimed number's subject lies in [2^62, 2^63)");
	ok(distinct, "distinct numbers (letter, digits, check character X) have distinct subjects");
	ok(xj_xmove_subject("G310104201904070011") == v[0], "the same number, the same subject");
	ok(xj_xmove_subject("X310104201904070011") == 0, "an unknown letter: 0");
	ok(xj_xmove_subject("G3101042019040700") == 0, "too short: 0");
	ok(xj_xmove_subject("L31010420190407001X") == 0, "an L number has no check character: 0");
	ok(xj_xmove_subject("G31010420190407A011") == 0, "a letter among the digits: 0");
	ok(xj_xmove_subject(NULL) == 0, "NULL: 0");
	return done_testing();
}
