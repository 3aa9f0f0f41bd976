/* readaudit.c -- the audit entry of a read (readaudit.h). */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "core/req.h"
#include "store/audit.h"
#include "readaudit.h"

int
xj_audit_read(struct xj_req *r, const char *action, const char *target_type,
    const char *target, const char *filter, unsigned long rows)
{
	struct xj_actor who = { (enum xj_actor_type)r->actor_type, r->actor_id, r->actor_role,
	    r->actor_org, r->id, r->client_addr };
	struct xj_audit a;
	char f[256];
	size_t n;

	memset(&a, 0, sizeof(a));
	a.action = action;
	a.target_type = target_type;
	a.target_id = xj_str_c(target ? target : "");
	if (a.target_id.len > 64)
		a.target_id.len = 64;
	if (filter != NULL) {
		n = strlen(filter);
		if (n >= sizeof(f)) {
			n = sizeof(f) - 1;
			while (n > 0 && ((unsigned char)filter[n] & 0xC0) == 0x80)
				n--;		/* never split a character */
		}
		memcpy(f, filter, n);
		f[n] = '\0';
		filter = f;
	}
	return xj_audit_append_read(r->db, &who, &a, rows, filter);
}
