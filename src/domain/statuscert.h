/* statuscert.h -- the certificate of student status (学籍证明, R-REC-7,
 * seed 004 第四篇): its serial number and the text its QR code holds.
 * Pure functions, libc only; the signature itself is made and checked in
 * crypto/auditchain.h (Ed25519), the one signing mechanism.
 *
 * Serial (编号): "ZM" + the school's 10-digit code + the Beijing year of
 * issue + a 6-digit sequence of that school and year, 22 characters,
 * e.g. ZM11105000012026000017. The sequence advances inside the issuing
 * transaction (no gaps on paper), like the admission notice's LQ number.
 *
 * QR text (docs/certificates.md), one line of UTF-8:
 *
 *   XJSC1|serial|issued|school_code|school_name|name|sex|birth_date|
 *   id_masked|student_no|status|entry_year|grade|class_code|key_id|SIG
 *
 * (no line break in the real text). Everything up to and including the
 * '|' before SIG is the signed message; SIG is the 64-byte Ed25519
 * signature in standard base64 with padding (88 characters). A value
 * never holds '|', '%' or a control character: those are written as %XX
 * (upper-case hex) and nothing else is, so each certificate has exactly
 * one text and re-encoding a parsed text gives back the same bytes.
 * issued and birth_date are YYYY-MM-DD, sex M or F, status a status of
 * R-REC-3 (in_school or graduated: what a school certifies), entry_year
 * four digits, grade 0..12 (0: none), class_code "" or 7 digits, key_id
 * 16 lower-case hex digits (the signing key's id). */
#ifndef XJ_STATUSCERT_H
#define XJ_STATUSCERT_H

#include <stddef.h>

#include "domain/mask.h"

#define XJ_SC_MAGIC		"XJSC1"
#define XJ_SC_SERIAL_LEN	22
#define XJ_SC_SIG		64
#define XJ_SC_SIG_B64		88
#define XJ_SC_KEYID		16
/* the longest text: every value at its longest, every byte escaped */
#define XJ_SC_TEXT_MAX		2048

struct xj_sc {
	char	serial[XJ_SC_SERIAL_LEN + 1];
	char	issued[11];
	char	school_code[13];
	char	school_name[401];
	char	name[257];
	char	sex[2];
	char	birth_date[11];
	char	id_masked[XJ_MASK_CAP];
	char	student_no[20];
	char	status[17];
	int	entry_year;
	int	grade;
	char	class_code[8];
	char	key_id[XJ_SC_KEYID + 1];
};

/* The serial of sequence seq (1..999999) of school_code (10 digits) in
 * year: 0, or -1 when an argument is out of shape. */
int	xj_sc_serial(const char *school_code, int year, long seq,
	    char out[XJ_SC_SERIAL_LEN + 1]);
/* 1 when s (len bytes) has the serial's shape, else 0. */
int	xj_sc_serial_ok(const char *s, size_t len);
/* 1 when each field of c has its documented shape. */
int	xj_sc_valid(const struct xj_sc *c);

/* The signed message of c (ending with '|') into out; its length, or 0
 * when c is not valid or cap is too small. */
size_t	xj_sc_message(const struct xj_sc *c, char *out, size_t cap);
/* The whole text: message, then sig in base64. Its length or 0. */
size_t	xj_sc_text(const char *msg, size_t msglen, const unsigned char sig[XJ_SC_SIG],
	    char *out, size_t cap);
/* Parse a QR text (untrusted: any bytes): 0 with *c, the signed
 * message's length *msglen (it is text[0..*msglen)) and sig; -1 when it
 * is not exactly a text of the format above, with a reason in why. A
 * trailing "\n" or "\r\n" (a scanner's, a shell's) is ignored. */
int	xj_sc_parse(const char *text, size_t len, struct xj_sc *c, size_t *msglen,
	    unsigned char sig[XJ_SC_SIG], const char **why);

/* R-REC-3 status in words on the certificate: "在我校就读", "已在我校毕业";
 * NULL for a status that is not certified. */
const char *xj_sc_status_zh(const char *status);

#endif
