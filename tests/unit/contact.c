/* contact.c -- unit tests of names and mobile numbers (src/domain/contact.h,
 * R-COL-6, R-REC-10 "names are stored without inner spaces", R-REC-11):
 * the 1[3-9] mobile form, names in every script a child of China may carry,
 * the middle dot of minority names, digits of any script refused, spaces
 * removed by normalisation, 30-character limit counted in characters. */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "domain/contact.h"
#include "tap.h"

static int
name(const char *s)
{
	return xj_person_name_check(xj_str_c(s));
}

/* normalise, then compare with want */
static void
norm_is(const char *in, const char *want, const char *why)
{
	char out[256];
	size_t n = xj_person_name_normalize(in, strlen(in), out);

	is_strn(out, n, want, why);
}

int
main(void)
{
	static const struct {
		const char	*s;
		int		 rc;
		const char	*why;
	} mobiles[] = {
		{ "13812345678", XJ_OK, "R-COL-6 guardian mobile 138 accepted" },
		{ "19912345678", XJ_OK, "R-COL-6 mobile 199 accepted" },
		{ "16612345678", XJ_OK, "R-COL-6 mobile 166 accepted" },
		{ "12812345678", XJ_E_F_PHONE, "R-COL-6 mobile 12x refused (1[3-9] only)" },
		{ "10012345678", XJ_E_F_PHONE, "R-COL-6 mobile 10x refused" },
		{ "23812345678", XJ_E_F_PHONE, "R-COL-6 mobile not starting with 1 refused" },
		{ "1381234567", XJ_E_F_PHONE, "R-COL-6 mobile of 10 digits refused" },
		{ "138123456789", XJ_E_F_PHONE, "R-COL-6 mobile of 12 digits refused" },
		{ "1381234567a", XJ_E_F_PHONE, "R-COL-6 mobile with a letter refused" },
		{ "138 1234 5678", XJ_E_F_PHONE, "R-COL-6 mobile check wants the normalised form" },
		{ "010-12345678", XJ_E_F_PHONE, "R-COL-6 landline is not a mobile number" },
		{ "", XJ_E_F_PHONE, "R-COL-6 empty mobile refused" },
	};
	static const struct {
		const char	*in, *want, *why;
	} mnorm[] = {
		{ "138 1234 5678", "13812345678", "mobile: spaces removed" },
		{ "138-1234-5678", "13812345678", "mobile: dashes removed" },
		{ "+86 138 1234 5678", "13812345678", "mobile: +86 removed" },
		{ "0086 13812345678", "13812345678", "mobile: 0086 removed" },
		{ "8613812345678", "13812345678", "mobile: 86 in front of 11 digits removed" },
		{ "86123", "86123", "mobile: 86 kept when not in front of 11 digits" },
	};
	static const struct {
		const char	*s;
		int		 rc;
		const char	*why;
	} names[] = {
		{ "张三", XJ_OK, "R-COL-6 Han name accepted" },
		{ "欧阳娜娜", XJ_OK, "R-COL-6 compound surname accepted" },
		{ "王", XJ_OK, "R-COL-6 one character is enough" },
		{ "阿依古丽·买买提", XJ_OK, "R-COL-6 minority name with U+00B7 middle dot accepted" },
		{ "爱新觉罗·溥仪", XJ_OK, "R-COL-6 Manchu clan name with middle dot accepted" },
		{ "王\xF0\xA0\x80\x80", XJ_OK, "R-COL-6 rare character of CJK Extension B (U+20000) accepted" },
		{ "\xE4\xB8\xA5\xE3\x80\x87", XJ_OK, "R-COL-6 〇 U+3007 is a name character" },
		{ "Anna", XJ_OK, "R-COL-6 Latin name accepted" },
		{ "Zoë", XJ_OK, "R-COL-6 Latin letter with diaeresis accepted" },
		{ "Nguyễn", XJ_OK, "R-COL-6 Vietnamese letters accepted" },
		{ "Иван", XJ_OK, "R-COL-6 Cyrillic name accepted" },
		{ "Ἀλέξανδρος", XJ_OK, "R-COL-6 Greek name accepted" },
		{ "ئابدۇرېھىم", XJ_OK, "R-COL-6 Uyghur (Arabic script) name accepted" },
		{ "ᠪᠠᠲᠤ", XJ_OK, "R-COL-6 traditional Mongolian name accepted" },
		{ "བསྟན་འཛིན", XJ_OK, "R-COL-6 Tibetan with subjoined letters and tsheg accepted" },
		{ "ꀉꂿ", XJ_OK, "R-COL-6 Yi syllables accepted" },
		{ "김민준", XJ_OK, "R-COL-6 Korean (Hangul) name accepted" },
		{ "さくら", XJ_OK, "R-COL-6 Japanese kana accepted" },
		{ "e\xCC\x81mile", XJ_OK, "R-COL-6 combining accent on a letter accepted" },
		{ "张三1", XJ_E_F_NAME, "R-COL-6 ASCII digit in a name refused" },
		{ "张三１", XJ_E_F_NAME, "R-COL-6 full-width digit in a name refused" },
		{ "محمد٣", XJ_E_F_NAME, "R-COL-6 Arabic-Indic digit in a name refused" },
		{ "བསྟན༣", XJ_E_F_NAME, "R-COL-6 Tibetan digit in a name refused" },
		{ "ᠪᠠ᠑", XJ_E_F_NAME, "R-COL-6 Mongolian digit in a name refused" },
		{ "张 三", XJ_E_F_NAME, "R-REC-10 inner ASCII space refused by the check" },
		{ "张\xE3\x80\x80三", XJ_E_F_NAME, "R-REC-10 inner ideographic space U+3000 refused by the check" },
		{ "·张三", XJ_E_F_NAME, "R-COL-6 middle dot first refused" },
		{ "张三·", XJ_E_F_NAME, "R-COL-6 middle dot last refused" },
		{ "阿依··买买提", XJ_E_F_NAME, "R-COL-6 doubled middle dot refused" },
		{ "·", XJ_E_F_NAME, "R-COL-6 a lone middle dot is no name" },
		{ "阿依•买买提", XJ_E_F_NAME, "R-COL-6 bullet U+2022 refused by the check (normalise maps it)" },
		{ "\xCC\x81" "a", XJ_E_F_NAME, "R-COL-6 combining mark first refused" },
		{ "张-三", XJ_E_F_NAME, "R-COL-6 hyphen refused" },
		{ "张三.", XJ_E_F_NAME, "R-COL-6 full stop refused" },
		{ "张三\xF0\x9F\x98\x80", XJ_E_F_NAME, "R-COL-6 emoji refused" },
		{ "张×三", XJ_E_F_NAME, "R-COL-6 multiplication sign refused (not a Latin-1 letter)" },
		{ "", XJ_E_F_REQUIRED, "R-COL-6 empty name refused as required" },
		{ "张\xFF", XJ_E_F_FORMAT, "R-COL-6 invalid UTF-8 refused" },
		{ "\xC0\xAF", XJ_E_F_FORMAT, "R-COL-6 overlong UTF-8 refused" },
		{ "\xED\xA0\x80", XJ_E_F_FORMAT, "R-COL-6 UTF-8 surrogate refused" },
		{ "\xE5\xBC", XJ_E_F_FORMAT, "R-COL-6 cut UTF-8 sequence refused" },
		{ "\xF4\x90\x80\x80", XJ_E_F_FORMAT, "R-COL-6 code point above U+10FFFF refused" },
	};
	char buf[128];
	size_t n;

	plan_lazy();
	for (size_t i = 0; i < sizeof(mobiles) / sizeof(mobiles[0]); i++)
		is_int(xj_mobile_check(xj_str_c(mobiles[i].s)), mobiles[i].rc, mobiles[i].why);
	for (size_t i = 0; i < sizeof(mnorm) / sizeof(mnorm[0]); i++) {
		n = xj_mobile_normalize(mnorm[i].in, strlen(mnorm[i].in), buf);
		is_strn(buf, n, mnorm[i].want, mnorm[i].why);
	}
	memcpy(buf, "+86 138-1234-5678", 18);
	n = xj_mobile_normalize(buf, 17, buf);
	is_int(xj_mobile_check((struct xj_str){ n, buf }), XJ_OK,
	    "R-COL-6 normalised in place, then checked: accepted");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		is_int(name(names[i].s), names[i].rc, names[i].why);

	/* 30 characters of 3 bytes each: the limit counts characters */
	buf[0] = '\0';
	for (int i = 0; i < 30; i++)
		strcat(buf, "张");
	is_int(name(buf), XJ_OK, "R-COL-6 name of 30 characters (90 bytes) accepted");
	strcat(buf, "三");
	is_int(name(buf), XJ_E_F_TOO_LONG, "R-COL-6 name of 31 characters refused as too long");
	memset(buf, 'a', 31);
	buf[31] = '\0';
	is_int(name(buf), XJ_E_F_TOO_LONG, "R-COL-6 Latin name of 31 letters refused as too long");
	is_int(xj_person_name_check((struct xj_str){ 4, "张\0" }), XJ_E_F_NAME,
	    "R-COL-6 NUL inside a name refused");

	norm_is("张 三", "张三", "R-REC-10 inner space removed (seed 004 §三.2)");
	norm_is("  张三  ", "张三", "R-REC-10 leading and trailing spaces trimmed");
	norm_is("张\xE3\x80\x80三", "张三", "R-REC-10 ideographic space U+3000 removed");
	norm_is("张\xC2\xA0\t三", "张三", "R-REC-10 no-break space and tab removed");
	norm_is("阿依•买买提", "阿依·买买提", "R-COL-6 bullet U+2022 becomes the middle dot U+00B7");
	norm_is("阿依・买买提", "阿依·买买提", "R-COL-6 katakana middle dot U+30FB becomes U+00B7");
	norm_is("阿依．买买提", "阿依·买买提", "R-COL-6 full-width full stop becomes U+00B7");
	norm_is("阿依‧买买提", "阿依·买买提", "R-COL-6 hyphenation point U+2027 becomes U+00B7");
	norm_is("ＡＮＮＡ ｌｉ", "ANNAli", "R-COL-6 full-width Latin letters become ASCII");
	norm_is("张\xFF 三", "张\xFF三", "R-COL-6 bytes that are not UTF-8 are kept for the check to refuse");
	norm_is("   ", "", "R-REC-10 a name of spaces normalises to empty");
	memcpy(buf, "阿依 • 买买提", sizeof("阿依 • 买买提"));
	n = xj_person_name_normalize(buf, strlen(buf), buf);
	is_int(xj_person_name_check((struct xj_str){ n, buf }), XJ_OK,
	    "R-REC-10 normalised in place, then checked: accepted");
	return done_testing();
}
