/* mask.c -- unit tests of the one masking rule (src/domain/mask.h) and of
 * decrypt-and-mask (src/crypto/fieldmask.h): issue 10, H2, L3, L4.
 *
 * The criterion (mask.h, docs/security.md "What parents see"): K = the
 * other fields of the answer, the area code taken as known; N(K) = numbers
 * consistent with K; N(K, m) = those whose mask is also m. A mask passes
 * when N(K, m) >= min(N(K), 10^4). Type 1 (and every GB 11643 shaped
 * number) is tested by enumeration, once with the birth date and sex
 * beside it (the child: parent and school answers) and once without the
 * birth date (a guardian, a residence permit holder); the other document
 * types by construction (the count of hidden characters); phones by
 * enumeration of the subscriber digits. The old rule (first 6 and last
 * 4) and the review's `1101**********63` are run through the same counts
 * and must fail them: the criterion can fail. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/field.h"
#include "crypto/fieldmask.h"
#include "crypto/keys.h"
#include "domain/idnum.h"
#include "domain/mask.h"
#include "tap.h"

#define THRESHOLD	10000L

typedef size_t (*maskfn)(const char *, char *);

static size_t
ours(const char *v, char *out)
{
	return xj_mask('1', v, strlen(v), out, XJ_MASK_CAP);
}

/* the rule before issue 10: first 6 and last 4 */
static size_t
old_6_4(const char *v, char *out)
{
	size_t n = strlen(v);

	for (size_t i = 0; i < n; i++)
		out[i] = (i < 6 || i + 4 >= n) ? v[i] : '*';
	out[n] = '\0';
	return n;
}

/* the review's suggestion: 1101**********63 */
static size_t
review_4_2(const char *v, char *out)
{
	size_t n = strlen(v);

	for (size_t i = 0; i < n; i++)
		out[i] = (i < 4 || i + 2 >= n) ? v[i] : '*';
	out[n] = '\0';
	return n;
}

static void
make_id(const char *area, int y, int m, int d, int seq, char out[19])
{
	snprintf(out, 19, "%.6s%04d%02d%02d%03d", area, y, m, d, seq);
	out[17] = xj_idnum_check_char(out);
	out[18] = '\0';
}

/* The child: K = area, birth date, sex. Every sequence of that sex,
 * check character computed: N(K) = 500. Returns N(K, m). */
static long
count_child(const char *id, maskfn fn, long *nk)
{
	char m[XJ_MASK_CAP], cm[XJ_MASK_CAP], cand[19], area[7];
	int y, mo, d, male = (id[16] - '0') % 2;
	long n = 0;

	snprintf(area, sizeof(area), "%.6s", id);
	sscanf(id + 6, "%4d%2d%2d", &y, &mo, &d);
	fn(id, m);
	*nk = 0;
	for (int seq = 0; seq < 1000; seq++) {
		if (seq % 2 != male)
			continue;
		make_id(area, y, mo, d, seq, cand);
		(*nk)++;
		fn(cand, cm);
		n += strcmp(m, cm) == 0;
	}
	return n;
}

/* A guardian or a permit holder: K = area and sex, no birth date: any day
 * from 1946 to 2008 (a guardian of a child entering school is 18 to 80).
 * Counts N(K, m) up to the threshold and stops there. */
static long
count_no_birth(const char *id, maskfn fn)
{
	char m[XJ_MASK_CAP], cm[XJ_MASK_CAP], cand[19], area[7];
	int male = (id[16] - '0') % 2;
	long n = 0;

	snprintf(area, sizeof(area), "%.6s", id);
	fn(id, m);
	for (int y = 1946; y <= 2008; y++)
		for (int mo = 1; mo <= 12; mo++)
			for (int d = 1; d <= 31; d++) {
				if (!xj_date_valid(y, mo, d))
					continue;
				for (int seq = male; seq < 1000; seq += 2) {
					make_id(area, y, mo, d, seq, cand);
					fn(cand, cm);
					if (strcmp(m, cm) == 0 && ++n >= THRESHOLD)
						return n;
				}
			}
	return n;
}

static long
min_l(long a, long b)
{
	return a < b ? a : b;
}

/* Valid UTF-8, as many characters as the input, at most as many bytes;
 * *hidden = the stars. */
static int
well_formed(const char *in, const char *out, size_t *hidden)
{
	size_t ci = 0, co = 0, k, i;

	*hidden = 0;
	for (i = 0; in[i]; i += k, ci++)
		if ((k = xj_utf8_char((const unsigned char *)in + i, strlen(in + i))) == 0)
			k = 1;
	for (i = 0; out[i]; i += k, co++) {
		if ((k = xj_utf8_char((const unsigned char *)out + i, strlen(out + i))) == 0)
			return 0;
		*hidden += out[i] == '*';
	}
	return ci == co && strlen(out) <= strlen(in);
}

static struct xj_keys keys;

static void
make_keys(void)
{
	char err[256];

	memset(&keys, 0, sizeof(keys));
	if (xj_keyring_parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    "blind", &keys.blind, err, sizeof(err)) != 0 ||
	    xj_keys_parse_enc("1 ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n",
	    &keys, err, sizeof(err)) != 0) {
		printf("Bail out! keys: %s\n", err);
		exit(1);
	}
}

/* Encrypt n bytes of v and mask them back through xj_field_masked. */
static int
enc_mask(const char *v, size_t n, int kind, char *out, size_t cap)
{
	unsigned char ct[XJ_FIELD_CT_LEN(4 * XJ_DOCNO_MAX_BYTES)];
	size_t len = 0;

	if (xj_field_encrypt(&keys, "registration.id_number", "2611010512345678", v, n, ct,
	    sizeof(ct), &len) != 0)
		return -2;
	return xj_field_masked(&keys, "registration.id_number", "2611010512345678", ct, len,
	    kind, out, cap);
}

int
main(void)
{
	/* children: male, female, an X check character, a 29 February */
	static const char *children[] = {
		"110107202007228763", "510104202006155575", "11010520200101001X",
		"440305202002290024", NULL };
	char m[XJ_MASK_CAP], buf[256];
	size_t hidden;
	long nk, n;

	plan_lazy();

	/* ---- type 1 (and every GB 11643 shaped number) --------------------- */
	is_str((ours("110107202007228763", m), m), "110107************",
	    "H2 type 1 shows the area code only");
	for (int i = 0; children[i]; i++) {
		char id[19];
		snprintf(id, sizeof(id), "%s", children[i]);
		id[17] = xj_idnum_check_char(id);
		n = count_child(id, ours, &nk);
		is_int(nk, 500, "H2 birth date + sex + area leave 500 numbers (N(K))");
		ok(n >= min_l(nk, THRESHOLD),
		    "H2 child %s: masked + birth date + sex + area leave %ld of %ld numbers", id, n, nk);
		n = count_no_birth(id, ours);
		ok(n >= THRESHOLD, "H2 same number without the birth date beside it (guardian, "
		    "permit holder): at least 10^4 numbers (%ld)", n);
	}
	/* the criterion can fail: the rules it replaces */
	n = count_child("110107202007228763", old_6_4, &nk);
	is_int(n, 1, "H2 the old mask (first 6, last 4) + birth date rebuilds the number");
	n = count_child("110107202007228763", review_4_2, &nk);
	ok(n < min_l(nk, THRESHOLD), "H2 1101**********63 + birth date + sex + area leaves "
	    "%ld numbers: refused by the criterion", n);
	n = count_no_birth("110107198007228763", old_6_4);
	ok(n < THRESHOLD, "H2 the old mask without the birth date still leaves only %ld "
	    "numbers (< 10^4)", n);
	/* type 9, the 2023 permanent residence card: GB 11643 shaped */
	xj_mask('9', "911840198505050016", 18, m, sizeof(m));
	is_str(m, "911840************", "H2 type 9 (GB 11643 shaped) masked like type 1");
	xj_mask('1', "11010520200101001x", 18, m, sizeof(m));
	is_str(m, "110105************", "H2 a lower-case x check character is hidden too");

	/* ---- other document types, by construction ------------------------- */
	{
		static const struct { char type; const char *v; const char *want; } docs[] = {
			{ '6', "H12345678", "H*******8" },
			{ '6', "H1234567890", "H*********0" },
			{ '7', "M12345678", "M*******8" },
			{ '8', "12345678", "1******8" },
			{ '8', "1234567", "*******" },
			{ '9', "USA110084050501", "U*************1" },
			{ 'A', "E12345678", "E*******8" },
			{ 'A', "PA1234567", "P*******7" },
			{ 'A', "X1234", "*****" },
			{ 'Z', "ZJ-2026-0001", "Z**********1" },
			{ 'A', "Q\xe6\x8a\xa4\xe6\x8a\xa4\xe6\x8a\xa4\xe6\x8a\xa4\xe6\x8a\xa4\xe6\x8a\xa4"
			    "\xe6\x8a\xa4\xe6\x8a\xa4" "AAA", "Q**********A" },
		};
		for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
			char name[64];
			size_t nc;
			xj_mask(docs[i].type, docs[i].v, strlen(docs[i].v), m, sizeof(m));
			snprintf(name, sizeof(name), "H2 type %c, %zu bytes: %s", docs[i].type,
			    strlen(docs[i].v), docs[i].want);
			is_str(m, docs[i].want, name);
			ok(well_formed(docs[i].v, m, &hidden), "L3 type %c mask is valid UTF-8, one "
			    "character per character", docs[i].type);
			nc = 0;
			for (size_t k = 0, j = 0; docs[i].v[j]; j += k, nc++)
				k = xj_utf8_char((const unsigned char *)docs[i].v + j,
				    strlen(docs[i].v + j));
			/* each hidden character is at least a digit: 10^hidden numbers */
			ok(hidden == nc || hidden >= 4, "H2 type %c: all hidden or >= 10^%zu numbers "
			    "consistent with the mask", docs[i].type, hidden);
		}
	}
	/* every length 1..32, ASCII and 4-byte characters, every type */
	{
		static const char types[] = "16789AZ";
		int good = 1;
		for (const char *t = types; *t; t++)
			for (int len = 1; len <= XJ_DOCNO_MAX_CHARS; len++)
				for (int wide = 0; wide < 2; wide++) {
					char v[XJ_DOCNO_MAX_BYTES + 1];
					size_t o = 0;
					for (int c = 0; c < len; c++) {
						if (wide)
							memcpy(v + o, "\xf0\xa0\x80\x80", 4), o += 4;
						else
							v[o++] = (char)('0' + c % 10);
					}
					v[o] = '\0';
					xj_mask(*t, v, o, m, sizeof(m));
					if (!well_formed(v, m, &hidden) ||
					    !(hidden == (size_t)len || hidden >= 6 ||
					    xj_mask_gb11643_shape(v, o)))
						good = 0;
				}
		ok(good, "L3 every type, 1..32 characters of 1 or 4 bytes: valid UTF-8, "
		    "nothing shown or at least 6 hidden");
	}
	/* invalid bytes are never shown, and the output stays UTF-8 */
	xj_mask('A', "A\xe6\x8a" "BCDEFGHI\xff", 12, m, sizeof(m));
	ok(well_formed("A\xe6\x8a" "BCDEFGHI\xff", m, &hidden) && m[strlen(m) - 1] == '*',
	    "L3 a stray byte is one character, masked, never copied");
	/* a small output buffer is never cut inside a character */
	xj_mask('A', "\xe6\x8a\xa4\xe6\x8a\xa4\xe6\x8a\xa4\xe6\x8a\xa4\xe6\x8a\xa4\xe6\x8a\xa4"
	    "\xe6\x8a\xa4\xe6\x8a\xa4", 24, m, 3);
	is_str(m, "", "L3 a 3-byte buffer gets no half character");

	/* ---- phones ---------------------------------------------------------- */
	{
		char p[12], pm[XJ_MASK_CAP], want[XJ_MASK_CAP];
		long k = 0, old = 0;
		xj_mask(XJ_MASK_PHONE, "13912340001", 11, want, sizeof(want));
		is_str(want, "1391234****", "H2 a phone shows prefix and block, hides the subscriber");
		/* K: prefix and HLR block known (the answer's addresses give the
		 * region); enumerate the subscriber digits */
		for (int s = 0; s < 10000; s++) {
			snprintf(p, sizeof(p), "1391234%04d", s);
			xj_mask(XJ_MASK_PHONE, p, 11, pm, sizeof(pm));
			k += strcmp(pm, want) == 0;
			old += s == 1;	/* 139****0001 names exactly one of them */
		}
		ok(k >= THRESHOLD, "H2 phone: %ld numbers consistent with the mask and the region", k);
		is_int(old, 1, "H2 139****0001 with the region known leaves 1: the old rule fails");
		xj_mask(XJ_MASK_PHONE, "010-12345", 9, pm, sizeof(pm));
		is_str(pm, "*********", "H2 a value that is not a mobile number is all stars");
	}

	/* ---- L4: decrypt and mask, long plaintexts -------------------------- */
	make_keys();
	memset(buf, 'A', 64);
	is_int(enc_mask(buf, 64, 'A', m, sizeof(m)), 0,
	    "L4 a 64-byte plaintext decrypts and masks (no byte written past the buffer)");
	ok(strlen(m) == 64 && m[0] == 'A' && m[1] == '*' && m[63] == 'A',
	    "L4 the 64-character value is masked whole");
	for (int c = 0; c < 32; c++)
		memcpy(buf + 4 * c, "\xf0\xa0\x80\x80", 4);
	buf[128] = '\0';
	is_int(enc_mask(buf, 128, 'A', m, sizeof(m)), 0,
	    "L3 32 four-byte characters (128 bytes) decrypt and mask");
	ok(well_formed(buf, m, &hidden) && hidden == 30,
	    "L3 the masked 128-byte value is 32 characters, 30 hidden");
	memset(buf, 'A', 129);
	is_int(enc_mask(buf, 129, 'A', m, sizeof(m)), -1,
	    "L4 a value longer than any number the rules accept is not shown (not cut)");
	is_str(m, "", "L4 and leaves the output empty");
	is_int(xj_field_masked(&keys, "registration.id_number", "2611010512345678",
	    (const unsigned char *)"x", 0, 'A',
	    m, sizeof(m)), -1, "L4 an empty value is -1 with an empty output");
	/* found by tests/fuzz/fuzz_mask.c: a NUL in the shown first character
	 * ended the masked string early */
	is_int((long long)xj_mask('1', "\0\0\000110105112330", 14, m, sizeof(m)), 14,
	    "mask: a control character is never shown, so the output is one string");
	is_str(m, "*************3", "mask: the control characters became stars, the last character shows");
	{
		/* issue 14 review: a G student number is the identity number */
		char o[1 + XJ_MASK_CAP];
		xj_mask_student_no("G11010520190501123X", o, sizeof(o));
		is_str(o, "G110105************", "student_no: a G number shows G and the area code only");
		xj_mask_student_no("L110105201905011234", o, sizeof(o));
		is_str(o, "L110105201905011234", "student_no: an L number (no identity number) is shown");
		xj_mask_student_no("J1101052019AB01234", o, sizeof(o));
		is_str(o, "J1101052019AB01234", "student_no: a J number is shown");
		xj_mask_student_no("", o, sizeof(o));
		is_str(o, "", "student_no: empty stays empty");
	}
	return done_testing();
}
