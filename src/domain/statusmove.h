/* statusmove.h -- which status changes of a student record are valid from
 * which status (issue 11 item 6; R-REC-3, R-MOV-6; seed 002 §十八: a
 * record is in school or not -- 休学 suspended, 出国 abroad, 其他离校 left,
 * 辍学 dropped out, 毕业 graduated, 死亡 deceased -- and only the school
 * can bring a record back to in-school, by 复学). One table: each kind of
 * change, its workflow type (sql/0025), the statuses it may start from,
 * the status it gives, and for repeat (留级) / skip (跳级) the grade move.
 *   suspension  in_school                                  -> suspended
 *   resumption  suspended, abroad, left, dropped_out       -> in_school
 *   abroad      in_school, suspended                       -> abroad
 *   left        in_school, suspended                       -> left
 *   dropout     in_school, suspended                       -> dropped_out
 *   death       in_school, suspended, abroad, left, dropped_out -> deceased
 *   repeat      in_school, grade > 1                       -> grade - 1
 *   skip        in_school, grade < the level's last        -> grade + 1
 * Nothing starts from graduated, deceased or deleted. Pure; no I/O. */
#ifndef XJ_STATUSMOVE_H
#define XJ_STATUSMOVE_H

#define XJ_STATUSMOVE_FROM_MAX	6

struct xj_status_move {
	const char	*kind;		/* the API's name: "suspension" ... */
	const char	*type;		/* workflow_type.code */
	const char	*to;		/* status after the last approval */
	int		 grade_delta;	/* repeat -1, skip +1, else 0 */
	int		 needs_request;	/* R-MOV-6: the student or guardian asked */
	const char	*from[XJ_STATUSMOVE_FROM_MAX];	/* NULL-terminated */
};

/* The move of a kind ("suspension") or of a workflow type code
 * ("status_suspension"), or NULL. */
const struct xj_status_move	*xj_status_move_by_kind(const char *kind, unsigned long len);
const struct xj_status_move	*xj_status_move_by_type(const char *type);
/* 1 when the move may start from status `from`, else 0. */
int	xj_status_move_from_ok(const struct xj_status_move *, const char *from);
/* 1 when a grade move from `grade` stays within 1 .. last (the level's
 * last grade), else 0; 1 for moves without a grade delta. */
int	xj_status_move_grade_ok(const struct xj_status_move *, int grade, int last);
/* The status in words ("休学" / "suspended"), or the status itself. */
const char	*xj_status_word(const char *status, int en);
/* The kind in words ("休学" / "suspension"), or the kind itself. */
const char	*xj_status_move_word(const struct xj_status_move *, int en);

#endif
