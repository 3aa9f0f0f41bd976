/* person.c -- unit tests of the same-person key (src/domain/person.h,
 * R-DUP-1): spaces, full-width forms, Latin case and name separators are
 * folded; different names, sexes and birth dates stay apart. */
#include "config.h"

#include <string.h>

#include "domain/person.h"
#include "tap.h"

static const char *
norm(const char *s)
{
	static char out[XJ_PERSON_NAME_MAX];

	if (xj_person_name_norm(s, strlen(s), out, sizeof(out)) == (size_t)-1)
		return "(error)";
	return out;
}

static int
same_key(const char *a, const char *b)
{
	char ka[XJ_PERSON_KEY_MAX], kb[XJ_PERSON_KEY_MAX];
	size_t na = xj_person_key(a, strlen(a), "M", "2019-03-01", ka, sizeof(ka));
	size_t nb = xj_person_key(b, strlen(b), "M", "2019-03-01", kb, sizeof(kb));

	return na != (size_t)-1 && na == nb && memcmp(ka, kb, na) == 0;
}

int
main(void)
{
	char k[XJ_PERSON_KEY_MAX], small[4];

	plan_lazy();

	is_str(norm("张三"), "张三", "R-DUP-1 a plain name is itself");
	is_str(norm("张 三"), "张三", "R-DUP-1 an inner ASCII space is removed (R-REC-10)");
	is_str(norm("张\xe3\x80\x80三"), "张三", "R-DUP-1 an ideographic space U+3000 is removed");
	is_str(norm(" 张三\t"), "张三", "R-DUP-1 outer blanks are removed");
	is_str(norm("\xef\xbc\xa1\xef\xbd\x8e\xef\xbd\x8e\xef\xbd\x81"), "anna",
	    "R-DUP-1 full-width Latin letters become ASCII (NFKC), folded to lower case");
	is_str(norm("ANNA"), "anna", "R-DUP-1 Latin capitals are folded");
	is_str(norm("阿依古丽.买买提"), "阿依古丽\xc2\xb7买买提", "R-DUP-1 '.' as a name separator becomes U+00B7");
	is_str(norm("阿依古丽\xe3\x83\xbb买买提"), "阿依古丽\xc2\xb7买买提", "R-DUP-1 U+30FB becomes U+00B7");
	is_str(norm("阿依古丽\xe2\x80\xa2买买提"), "阿依古丽\xc2\xb7买买提", "R-DUP-1 U+2022 becomes U+00B7");
	is_str(norm("阿依古丽\xef\xbc\x8e买买提"), "阿依古丽\xc2\xb7买买提", "R-DUP-1 a full-width full stop becomes U+00B7");
	is_str(norm("張三"), "張三", "R-DUP-1 traditional characters are kept (not folded to 张)");
	is_str(norm("a\xff" "b"), "a\xff" "b", "R-DUP-1 invalid UTF-8 is kept byte for byte");
	ok(xj_person_name_norm("张三", 6, small, sizeof(small)) == (size_t)-1, "R-DUP-1 too small a buffer is an error");

	ok(same_key("张 三", "张三"), "R-DUP-1 same key: inner space");
	ok(!same_key("张三", "张山"), "R-DUP-1 other name: other key");
	ok(!same_key("张三", "張三"), "R-DUP-1 traditional vs simplified: other key");
	ok(xj_person_key("张三", 6, "M", "2019-03-01", k, sizeof(k)) != (size_t)-1 &&
	    strcmp(k, "张三\x1fM\x1f" "2019-03-01") == 0, "R-DUP-1 key: name, sex, birth date, 0x1f between");
	{
		char k2[XJ_PERSON_KEY_MAX];
		xj_person_key("张三", 6, "F", "2019-03-01", k2, sizeof(k2));
		ok(strcmp(k, k2) != 0, "R-DUP-1 other sex: other key");
		xj_person_key("张三", 6, "M", "2019-03-02", k2, sizeof(k2));
		ok(strcmp(k, k2) != 0, "R-DUP-1 other birth date: other key");
	}
	ok(xj_person_key("  ", 2, "M", "2019-03-01", k, sizeof(k)) == (size_t)-1,
	    "R-DUP-1 a name of blanks only has no key");
	return done_testing();
}
