/* fuzz_password.c -- the stored password-hash string as
 * src/crypto/password.c parses it ("$scrypt$ln=..,r=..,p=..$salt$hash"):
 * the hash comes from the database, so a corrupted or planted row must be
 * refused, never read out of bounds nor make scrypt run at an unbounded
 * cost. Invariant: verification never accepts a wrong password. */
#include "config.h"

#include "crypto/password.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *stored;

	if (size > 512)
		return 0;
	stored = fz_cstr(data, size);
	/* "\x01" is a password no real hash of this harness's seeds is of */
	FZ_ASSERT(xj_pw_verify("\x01", 1, stored) != 1);
	(void)xj_pw_needs_rehash(stored, 14, 8, 5);
	free(stored);
	return 0;
}
