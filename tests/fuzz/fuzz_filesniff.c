/* fuzz_filesniff.c -- the evidence file check by content
 * (src/domain/filesniff.c, issue 12 item 3) over any bytes an upload
 * might hold: it never reads outside the buffer (ASan), always ends (the
 * OLE2 directory walk is bounded), and a kind it answers starts with that
 * kind's signature. */
#include "config.h"

#include "domain/filesniff.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	unsigned char *v;
	enum xj_file_kind k;

	if (size > 3 * 1024 * 1024)
		return 0;
	v = (unsigned char *)fz_copy(data, size);
	k = xj_file_sniff(v, size, &why);
	FZ_ASSERT(why != NULL);
	if (k == XJ_FILE_JPG)
		FZ_ASSERT(size >= 3 && v[0] == 0xFF && v[1] == 0xD8);
	if (k == XJ_FILE_DOC)
		FZ_ASSERT(size >= 1024 && v[0] == 0xD0 && v[1] == 0xCF);
	if (k == XJ_FILE_RAR)
		FZ_ASSERT(size > 7 && memcmp(v, "Rar!", 4) == 0);
	if (k == XJ_FILE_NONE)
		FZ_ASSERT(why[0] != '\0');
	free(v);
	return 0;
}
