/* retention.c -- the retention schedule's due years (retention.h). */
#include "config.h"

#include "retention.h"

int
xj_retention_last_year(int y, int m, int months)
{
	/* 1 September Y + months is the 1st of month (8 + months) % 12 + 1
	 * of year Y + (8 + months) / 12 (September is month index 8) */
	int due_y = (8 + months) / 12, due_m = (8 + months) % 12 + 1;
	int last = y - due_y - (m < due_m ? 1 : 0);

	return last < 1900 ? 1900 : last;
}
