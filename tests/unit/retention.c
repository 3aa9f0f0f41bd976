/* retention.c -- unit tests of the retention schedule's due years
 * (src/domain/retention.h; M12, docs/privacy.md). */
#include "config.h"

#include "domain/retention.h"
#include "tap.h"

int
main(void)
{
	plan_lazy();
	is_int(xj_retention_last_year(2026, 12, 6), 2025,
	    "M12 6 months: in December 2026 the 2025 school year (due March 2026) is due");
	is_int(xj_retention_last_year(2026, 2, 6), 2024,
	    "M12 6 months: in February 2026 the 2025 school year is not yet due");
	is_int(xj_retention_last_year(2026, 3, 6), 2025,
	    "M12 6 months: due on 1 March of the following year");
	is_int(xj_retention_last_year(2026, 9, 0), 2026,
	    "M12 0 months: due when the school year begins, 1 September");
	is_int(xj_retention_last_year(2026, 8, 0), 2025,
	    "M12 0 months: not the coming school year in August");
	is_int(xj_retention_last_year(2026, 12, 3), 2026,
	    "M12 3 months: due on 1 December of the same year");
	is_int(xj_retention_last_year(2026, 11, 3), 2025,
	    "M12 3 months: not in November");
	is_int(xj_retention_last_year(2026, 9, 12), 2025,
	    "M12 12 months: due a year after the school year began");
	is_int(xj_retention_last_year(2026, 8, 24), 2023,
	    "M12 24 months: two years after");
	is_int(xj_retention_last_year(1901, 1, 120), 1900,
	    "M12 nothing before 1900");
	return done_testing();
}
