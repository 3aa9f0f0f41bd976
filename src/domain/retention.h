/* retention.h -- when personal data of a school year is due for deletion
 * (PIPL retention, review finding M12, docs/privacy.md). A registration
 * of year Y is for the school year that begins on 1 September Y (Beijing
 * time); it is due `months` months after that day. Pure; no I/O. */
#ifndef XJ_RETENTION_H
#define XJ_RETENTION_H

/* The last year Y whose 1 September Y + months has come on the Beijing
 * date y-m (the day does not matter: due dates fall on the 1st); 1900
 * when none has. months >= 0. */
int	xj_retention_last_year(int y, int m, int months);

#endif
