/* pwpolicy.h -- the staff password rule (review M10): at least 10
 * characters (Unicode code points, not bytes) with letters and digits,
 * stricter than parents' 8 because staff see many families' data. One
 * rule for the administrator's create and reset, the owner's change and
 * xuejictl staff-create. Pure, libc only. */
#ifndef XJ_DOMAIN_PWPOLICY_H
#define XJ_DOMAIN_PWPOLICY_H

#include "core/str.h"

#define XJ_STAFF_PW_MIN	10

/* XJ_OK or XJ_E_F_WEAK_STAFF_PASSWORD. */
int	xj_pwpolicy_staff(struct xj_str pw);

#endif
