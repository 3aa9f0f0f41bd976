/* xmove.c -- cross-province moves, the receiving side (issue 13 item 7;
 * docs/architecture.md "Cross-province moves: the receiving side"):
 *   graduate-move-window set --province CODE --from D --to D [--reason T]
 *   graduate-move-window lift --province CODE --from D
 *   graduate-move-window list
 *     R-MOV-5: the province's window for graduate moves (within the
 *     national period), policy written by the owner account (review M8)
 *     as transfer-freeze, audited. */
#include "config.h"

#include "store/xmove.h"
#include "ctl.h"

int
xj_ctl_graduate_move_window(struct xj_ctl *x, int argc, char **argv)
{
	static const struct xj_ctl_provwin w = {
		"graduate-move-window", "xuejictl-graduate-move-window",
		"graduate_move_window.set", "graduate_move_window.lift", "graduate_move_window",
		"window", "graduate moves open in", xj_gmw_set, xj_gmw_delete, xj_gmw_list
	};

	return xj_ctl_provwin(x, argc, argv, &w);
}
