/* password.c -- unit tests of password hashing (src/crypto/password.h):
 * scrypt with a random salt, the self-describing stored form
 * $scrypt$ln=N,r=R,p=P$salt$hash, verification that never says "match"
 * for a malformed hash, and rehash when the configured cost changes. Cost
 * ln=10 keeps the test fast; production uses the configured cost. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "crypto/password.h"
#include "tap.h"

#define LN	10
#define R	8
#define P	1

static int
hash(const char *pw, size_t len, char *out)
{
	return xj_pw_hash(pw, len, LN, R, P, out, XJ_PW_HASH_MAX);
}

/* $scrypt$ln=10,r=8,p=1$ then 24 base64 digits of salt, '$', 44 of hash. */
static int
well_formed(const char *s)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
	static const char head[] = "$scrypt$ln=10,r=8,p=1$";
	size_t h = sizeof(head) - 1;

	return strncmp(s, head, h) == 0 && strlen(s) == h + 24 + 1 + 44 &&
	    strspn(s + h, b64) == 24 && s[h + 24] == '$' &&
	    strspn(s + h + 25, b64) == 44;
}

static void
test_hash_verify(void)
{
	char a[XJ_PW_HASH_MAX], b[XJ_PW_HASH_MAX], e[XJ_PW_HASH_MAX];
	static const char pw[] = "correct horse battery staple";
	static const char nul[] = "abc\0def";

	is_int(hash(pw, strlen(pw), a), 0, "password: hash succeeds");
	is_int(xj_pw_verify(pw, strlen(pw), a), 1, "password: hash then verify matches");
	is_int(xj_pw_verify("correct horse battery stapler", 29, a), 0,
	    "password: wrong password does not match");
	is_int(xj_pw_verify(pw, strlen(pw) - 1, a), 0,
	    "password: a prefix of the password does not match");
	ok(well_formed(a), "password: stored form is $scrypt$ln=10,r=8,p=1$<salt>$<hash>");
	if (!well_formed(a))
		diag("stored: %s", a);

	is_int(hash(pw, strlen(pw), b), 0, "password: second hash of one password succeeds");
	ok(strcmp(a, b) != 0, "password: two hashes of one password differ (salt)");
	is_int(xj_pw_verify(pw, strlen(pw), b), 1, "password: the second hash verifies too");

	is_int(hash("", 0, e), 0, "password: empty password hashes");
	is_int(xj_pw_verify("", 0, e), 1, "password: empty password verifies");
	is_int(xj_pw_verify("x", 1, e), 0, "password: non-empty password does not match the empty one");

	is_int(hash(nul, sizeof(nul) - 1, a), 0, "password: password with a NUL byte hashes");
	is_int(xj_pw_verify(nul, sizeof(nul) - 1, a), 1,
	    "password: password with a NUL byte verifies with its length");
	is_int(xj_pw_verify(nul, 3, a), 0,
	    "password: password with a NUL byte differs from its prefix before the NUL");

	is_int(xj_pw_hash(pw, strlen(pw), LN, R, P, a, 40), -1,
	    "password: hash into a too small buffer fails");
	is_int(xj_pw_hash(pw, strlen(pw), 0, R, P, a, sizeof(a)), -1,
	    "password: cost ln=0 refused");
	is_int(xj_pw_hash(pw, strlen(pw), 25, R, P, a, sizeof(a)), -1,
	    "password: cost ln=25 refused");
}

static void
test_malformed(void)
{
	char good[XJ_PW_HASH_MAX], bad[XJ_PW_HASH_MAX + 8];
	static const char pw[] = "secret";
	size_t n;

	hash(pw, strlen(pw), good);
	n = strlen(good);

	is_int(xj_pw_verify(pw, strlen(pw), ""), -1, "password: empty stored hash is malformed");
	is_int(xj_pw_verify(pw, strlen(pw), "secret"), -1,
	    "password: plain-text stored value is malformed");
	snprintf(bad, sizeof(bad), "%.*s", (int)(n - 1), good);
	is_int(xj_pw_verify(pw, strlen(pw), bad), -1,
	    "password: stored hash missing its last digit is malformed");
	snprintf(bad, sizeof(bad), "%.*s", (int)(n - 45), good);
	is_int(xj_pw_verify(pw, strlen(pw), bad), -1,
	    "password: stored hash truncated after the salt is malformed");
	snprintf(bad, sizeof(bad), "%sA", good);
	is_int(xj_pw_verify(pw, strlen(pw), bad), -1,
	    "password: stored hash with a digit too many is malformed");
	snprintf(bad, sizeof(bad), "%s$", good);
	is_int(xj_pw_verify(pw, strlen(pw), bad), -1,
	    "password: stored hash with trailing text is malformed");
	snprintf(bad, sizeof(bad), "$bcrypt%s", good + 7);
	is_int(xj_pw_verify(pw, strlen(pw), bad), -1,
	    "password: stored hash of another scheme is malformed");
	snprintf(bad, sizeof(bad), "%s", good);
	bad[30] = '*';
	is_int(xj_pw_verify(pw, strlen(pw), bad), -1,
	    "password: stored hash with a non-base64 salt is malformed");
	snprintf(bad, sizeof(bad), "$scrypt$ln=30,r=8,p=1%s", good + 21);
	is_int(xj_pw_verify(pw, strlen(pw), bad), -1,
	    "password: stored hash with an impossible cost is malformed");
	snprintf(bad, sizeof(bad), "$scrypt$ln=10,r=0,p=1%s", good + 21);
	is_int(xj_pw_verify(pw, strlen(pw), bad), -1,
	    "password: stored hash with r=0 is malformed");
	snprintf(bad, sizeof(bad), "%s", good);
	bad[n - 10] = bad[n - 10] == 'A' ? 'B' : 'A';
	is_int(xj_pw_verify(pw, strlen(pw), bad), 0,
	    "password: well-formed hash of another value does not match");
}

static void
test_rehash(void)
{
	char s[XJ_PW_HASH_MAX];

	hash("pw", 2, s);
	is_int(xj_pw_needs_rehash(s, LN, R, P), 0, "password: no rehash at the same cost");
	is_int(xj_pw_needs_rehash(s, LN + 1, R, P), 1, "password: rehash when ln differs");
	is_int(xj_pw_needs_rehash(s, LN, R + 1, P), 1, "password: rehash when r differs");
	is_int(xj_pw_needs_rehash(s, LN, R, P + 1), 1, "password: rehash when p differs");
	is_int(xj_pw_needs_rehash("garbage", LN, R, P), 1,
	    "password: malformed stored hash needs rehash");
	/* found by tests/fuzz/fuzz_password.c: the cost was shifted before
	 * its bounds were checked (1 << 66, undefined; UBSan reported it) */
	is_int(xj_pw_verify("x", 1, "$scrypt$ln=66,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA==$"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAAA="), -1,
	    "password: a stored cost of ln=66 is refused before any shift");
}

int
main(void)
{
	plan_lazy();
	test_hash_verify();
	test_malformed();
	test_rehash();
	return done_testing();
}
