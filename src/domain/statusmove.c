/* statusmove.c -- the valid status changes of a student record, one
 * table (R-REC-3, R-MOV-6; see statusmove.h). */
#include "config.h"

#include <string.h>

#include "domain/statusmove.h"

static const struct xj_status_move moves[] = {
	{ "suspension", "status_suspension", "suspended", 0, 1, { "in_school", NULL } },
	/* seed 002 §十八: a record not in school comes back by the school's
	 * 复学, whatever took it out, unless it ended (graduated, deceased) */
	{ "resumption", "status_resumption", "in_school", 0, 0,
	  { "suspended", "abroad", "left", "dropped_out", NULL } },
	{ "abroad", "status_abroad", "abroad", 0, 0, { "in_school", "suspended", NULL } },
	{ "left", "status_left", "left", 0, 0, { "in_school", "suspended", NULL } },
	{ "dropout", "status_dropout", "dropped_out", 0, 0, { "in_school", "suspended", NULL } },
	{ "death", "status_death", "deceased", 0, 0,
	  { "in_school", "suspended", "abroad", "left", "dropped_out", NULL } },
	/* seed 002 §四: where the province has them on (grade_change_policy) */
	{ "repeat", "grade_repeat", "in_school", -1, 0, { "in_school", NULL } },
	{ "skip", "grade_skip", "in_school", 1, 0, { "in_school", NULL } },
};

static const struct {
	const char	*status, *zh, *en;
} status_words[] = {
	{ "in_school", "在校", "in school" },
	{ "suspended", "休学", "suspended" },
	{ "abroad", "出国（境）", "abroad" },
	{ "left", "其他离校", "left school" },
	{ "dropped_out", "辍学", "dropped out" },
	{ "graduated", "毕业", "graduated" },
	{ "deceased", "死亡", "deceased" },
	{ "deleted", "已删除", "deleted" },
	{ "transferred", "已转出（跨省）", "transferred out (other province)" },
};

static const struct {
	const char	*kind, *zh, *en;
} kind_words[] = {
	{ "suspension", "休学", "suspension" },
	{ "resumption", "复学", "resumption" },
	{ "abroad", "出国（境）", "going abroad" },
	{ "left", "其他离校", "leaving school" },
	{ "dropout", "辍学", "dropping out" },
	{ "death", "死亡", "death" },
	{ "repeat", "留级", "repeating a year" },
	{ "skip", "跳级", "skipping a year" },
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

const struct xj_status_move *
xj_status_move_by_kind(const char *kind, unsigned long len)
{
	if (kind == NULL)
		return NULL;
	for (size_t i = 0; i < N(moves); i++)
		if (strlen(moves[i].kind) == len && memcmp(moves[i].kind, kind, len) == 0)
			return &moves[i];
	return NULL;
}

const struct xj_status_move *
xj_status_move_by_type(const char *type)
{
	if (type == NULL)
		return NULL;
	for (size_t i = 0; i < N(moves); i++)
		if (strcmp(moves[i].type, type) == 0)
			return &moves[i];
	return NULL;
}

int
xj_status_move_from_ok(const struct xj_status_move *m, const char *from)
{
	if (m == NULL || from == NULL)
		return 0;
	for (size_t i = 0; i < XJ_STATUSMOVE_FROM_MAX && m->from[i] != NULL; i++)
		if (strcmp(m->from[i], from) == 0)
			return 1;
	return 0;
}

int
xj_status_move_grade_ok(const struct xj_status_move *m, int grade, int last)
{
	int to;

	if (m == NULL)
		return 0;
	if (m->grade_delta == 0)
		return 1;
	to = grade + m->grade_delta;
	return grade >= 1 && grade <= last && to >= 1 && to <= last;
}

const char *
xj_status_word(const char *status, int en)
{
	for (size_t i = 0; status != NULL && i < N(status_words); i++)
		if (strcmp(status_words[i].status, status) == 0)
			return en ? status_words[i].en : status_words[i].zh;
	return status;
}

const char *
xj_status_move_word(const struct xj_status_move *m, int en)
{
	for (size_t i = 0; m != NULL && i < N(kind_words); i++)
		if (strcmp(kind_words[i].kind, m->kind) == 0)
			return en ? kind_words[i].en : kind_words[i].zh;
	return m != NULL ? m->kind : "";
}
