/* statusmove.c -- unit tests of the valid status changes of a record
 * (src/domain/statusmove.h; issue 11 item 6, R-REC-3, R-MOV-6, seed 002
 * §四 §十八): which move starts from which status, the grade bounds of
 * repeat and skip, and that every workflow type of sql/0025 has a row. */
#include "config.h"

#include <string.h>

#include "domain/statusmove.h"
#include "tap.h"

static int
may(const char *kind, const char *from)
{
	return xj_status_move_from_ok(xj_status_move_by_kind(kind, strlen(kind)), from);
}

int
main(void)
{
	static const char *ended[] = { "graduated", "deceased", "deleted" };
	static const char *kinds[] = { "suspension", "resumption", "abroad", "left", "dropout",
	    "death", "repeat", "skip" };
	const struct xj_status_move *m;

	plan_lazy();

	/* R-MOV-6: suspension from in school only */
	is_int(may("suspension", "in_school"), 1, "suspension_from_in_school");
	is_int(may("suspension", "suspended"), 0, "suspension_not_twice");
	is_int(may("suspension", "abroad"), 0, "suspension_not_from_abroad");
	/* 复学: only a record out of school comes back */
	is_int(may("resumption", "suspended"), 1, "resumption_from_suspended");
	is_int(may("resumption", "abroad"), 1, "resumption_from_abroad");
	is_int(may("resumption", "dropped_out"), 1, "resumption_from_dropped_out");
	is_int(may("resumption", "left"), 1, "resumption_from_left");
	is_int(may("resumption", "in_school"), 0, "resumption_not_from_in_school");
	is_int(may("abroad", "in_school"), 1, "abroad_from_in_school");
	is_int(may("abroad", "suspended"), 1, "abroad_from_suspended");
	is_int(may("abroad", "left"), 0, "abroad_not_from_left");
	is_int(may("dropout", "in_school"), 1, "dropout_from_in_school");
	is_int(may("dropout", "dropped_out"), 0, "dropout_not_twice");
	is_int(may("left", "abroad"), 0, "left_not_from_abroad");
	is_int(may("death", "abroad"), 1, "death_from_abroad");
	is_int(may("death", "deceased"), 0, "death_not_twice");
	is_int(may("repeat", "suspended"), 0, "repeat_only_in_school");
	is_int(may("skip", "in_school"), 1, "skip_from_in_school");
	/* nothing from an ended record: graduated, deceased, deleted */
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (size_t e = 0; e < sizeof(ended) / sizeof(ended[0]); e++)
			ok(!may(kinds[k], ended[e]), "%s_never_from_%s", kinds[k], ended[e]);

	/* unknown kinds, and the table's lookups by kind and by type */
	ok(xj_status_move_by_kind("graduation", 10) == NULL, "kind_graduation_is_the_batch_not_a_move");
	ok(xj_status_move_by_kind("suspensio", 9) == NULL, "kind_prefix_is_unknown");
	ok(xj_status_move_by_kind(NULL, 0) == NULL, "kind_null");
	is_int(may("nosuch", "in_school"), 0, "unknown_kind_refused");
	m = xj_status_move_by_type("status_suspension");
	ok(m != NULL && strcmp(m->kind, "suspension") == 0 && m->needs_request,
	    "type_status_suspension_asks_who_applied");
	m = xj_status_move_by_type("transfer_county");
	ok(m == NULL, "type_transfer_is_no_status_move");
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		m = xj_status_move_by_kind(kinds[k], strlen(kinds[k]));
		ok(m != NULL && xj_status_move_by_type(m->type) == m, "kind_%s_has_its_type", kinds[k]);
	}
	is_str(xj_status_move_by_kind("death", 5)->to, "deceased", "death_gives_deceased");
	is_str(xj_status_move_by_kind("resumption", 10)->to, "in_school", "resumption_gives_in_school");

	/* repeat and skip stay within the level (primary: 6 grades) */
	m = xj_status_move_by_kind("repeat", 6);
	is_int(xj_status_move_grade_ok(m, 3, 6), 1, "repeat_grade_3_to_2");
	is_int(xj_status_move_grade_ok(m, 1, 6), 0, "repeat_grade_1_refused");
	m = xj_status_move_by_kind("skip", 4);
	is_int(xj_status_move_grade_ok(m, 5, 6), 1, "skip_grade_5_to_6");
	is_int(xj_status_move_grade_ok(m, 6, 6), 0, "skip_last_grade_refused");
	is_int(xj_status_move_grade_ok(m, 0, 6), 0, "skip_grade_0_refused");
	is_int(xj_status_move_grade_ok(xj_status_move_by_kind("left", 4), 9, 6), 1,
	    "no_grade_check_without_delta");

	is_str(xj_status_word("suspended", 0), "休学", "status_word_zh");
	is_str(xj_status_word("dropped_out", 1), "dropped out", "status_word_en");
	is_str(xj_status_move_word(xj_status_move_by_kind("skip", 4), 0), "跳级", "kind_word_zh");
	return done_testing();
}
