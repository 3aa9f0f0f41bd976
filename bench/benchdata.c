/* benchdata.c -- the bench's synthetic city (benchdata.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "crypto/field.h"
#include "domain/idnum.h"
#include "domain/regstate.h"
#include "store/sql.h"
#include "benchdata.h"

/* the 16 districts of seed-demo (src/ctl/seed.c) */
const char *const xjb_districts[16] = {
	"110101", "110102", "110105", "110106", "110107", "110108",
	"110109", "110111", "110112", "110113", "110114", "110115",
	"110116", "110117", "110118", "110119"
};

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
	"徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"
};
static const char *const given_m[] = {
	"伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超",
	"浩", "宇", "轩", "博", "文", "俊", "子", "睿", "辰", "泽"
};
static const char *const given_f[] = {
	"芳", "娜", "敏", "静", "丽", "艳", "婷", "雪", "琳", "欣",
	"怡", "涵", "萱", "雨", "佳", "梓", "诗", "语", "可", "瑶"
};
#define N(a)	(sizeof(a) / sizeof((a)[0]))

int
xjb_child(long i, struct xjb_child *c)
{
	long d = i % 16, day = (i / 16) % 366, seq = i / (16 * 366);
	unsigned long h = (unsigned long)i * 2654435761ul;
	time_t t;
	struct tm tm;
	char first17[18];
	const char *const *given;

	if (i < 0 || i >= XJB_MAX_CHILD)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2019 - 1900;
	tm.tm_mon = 8;
	tm.tm_mday = 1 + (int)day;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	snprintf(c->district, sizeof(c->district), "%s", xjb_districts[d]);
	snprintf(c->birth_date, sizeof(c->birth_date), "%04d-%02d-%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	snprintf(first17, sizeof(first17), "%s%04d%02d%02d%03ld", c->district,
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, seq);
	snprintf(c->id_number, sizeof(c->id_number), "%s%c", first17,
	    xj_idnum_check_char(first17));
	/* GB 11643: an odd sequence number is a man */
	c->sex[0] = seq % 2 ? 'M' : 'F';
	c->sex[1] = '\0';
	given = seq % 2 ? given_m : given_f;
	snprintf(c->name, sizeof(c->name), "%s%s%s", surnames[h % N(surnames)],
	    given[(h >> 8) % N(given_m)], (h >> 16) % 5 ? given[(h >> 20) % N(given_m)] : "");
	return 0;
}

void
xjb_phone(long p, char out[12])
{
	snprintf(out, 12, "139%08ld", p % 100000000L);
}

static int
enc(const struct xj_keys *k, const char *aad, const char *row, const char *pt,
    unsigned char *out, unsigned long *outlen)
{
	size_t n;

	if (xj_field_encrypt(k, aad, row, pt, strlen(pt), out, XJ_CT_MAX, &n) != 0)
		return -1;
	*outlen = n;
	return 0;
}

int
xjb_reg_fill(const struct xj_keys *k, const struct xjb_child *c,
    unsigned long long parent_id, int year, const char *prereg, struct xj_reg_rec *r)
{
	char bidx_in[48], phone[12], row[XJ_REG_ROW_MAX];
	struct xj_guardian_rec *g = &r->g[0];

	memset(r, 0, sizeof(*r));
	/* the rows the ciphertexts are bound to (crypto/field.h) */
	snprintf(r->prereg, sizeof(r->prereg), "%s", prereg ? prereg : "bench");
	xj_reg_row(r->prereg, -1, row);
	r->year = year;
	snprintf(r->county, sizeof(r->county), "%s", c->district);
	r->parent_id = parent_id;
	r->pos.state = XJ_REG_SUBMITTED;
	r->pos.cert = XJ_CERT_NONE;
	r->local_family = 1;	/* hukou in Beijing (R-COL-6) */
	snprintf(r->child_name, sizeof(r->child_name), "%s", c->name);
	snprintf(r->sex, sizeof(r->sex), "%s", c->sex);
	snprintf(r->birth_date, sizeof(r->birth_date), "%s", c->birth_date);
	strcpy(r->doc_type, "1");
	strcpy(r->ethnicity, "01");
	strcpy(r->nationality, "中国");
	strcpy(r->hukou_nature, "resident");
	snprintf(r->hukou_code, sizeof(r->hukou_code), "%s000000", c->district);
	strcpy(r->birthplace, "北京市");
	strcpy(r->native_place, "北京市");
	strcpy(r->current_address, "北京市朝阳区建国路1号院2号楼301");
	strcpy(r->home_address, r->current_address);
	strcpy(r->contact_address, r->current_address);
	r->distance_dm = 15;
	if (enc(k, "registration.id_number", row, c->id_number, r->idn_ct, &r->idn_ct_len) != 0)
		return -1;
	/* R-COL-2: the same blind index as regform.c */
	snprintf(bidx_in, sizeof(bidx_in), "1:%s", c->id_number);
	if (xj_blind_index(k, "child.document", bidx_in, strlen(bidx_in), r->child_bidx) != 0)
		return -1;
	r->nguardians = 1;
	strcpy(g->relation, "父");
	strcpy(g->name, "王建国");
	strcpy(g->employer, "北京某科技有限公司");
	xjb_phone((long)parent_id, phone);
	xj_reg_row(r->prereg, 0, row);
	if (enc(k, "registration_guardian.phone", row, phone, g->phone_ct, &g->phone_ct_len) != 0)
		return -1;
	return 0;
}

int
xjb_open(const char *conf_file, struct xj_conf *c, struct xj_keys *k)
{
	char err[512];

	if (xj_conf_load(c, conf_file, err, sizeof(err)) != 0 ||
	    xj_conf_load_secrets(c, 1, err, sizeof(err)) != 0 ||
	    xj_keys_load(c, k, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench: %s\n", err);
		return -1;
	}
	return 0;
}

int
xjb_connect(const struct xj_conf *c, struct xj_db *db)
{
	const char *user = c->admin_user[0] ? c->admin_user : c->db_user;
	const char *pw = c->admin_user[0] ? c->admin_password : c->db_password;

	if (xj_db_init(db, c, user, pw, NULL, xj_store_sql, XJ_Q__COUNT) != XJ_OK)
		return -1;
	if (xj_db_ensure(db) != XJ_OK) {
		fprintf(stderr, "bench: cannot connect to MariaDB as %s (error %u)\n", user, db->err);
		xj_db_fini(db);
		return -1;
	}
	return 0;
}

double
xjb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
