/* filesniff.c -- see filesniff.h. */
#include "config.h"

#include <string.h>

#include "filesniff.h"

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static unsigned long
le32(const unsigned char *p)
{
	return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 |
	    (unsigned long)p[3] << 24;
}

/* JPEG: SOI, then segments FF xx [len hi lo] up to SOS. Fill bytes (FF FF)
 * may precede a marker; RSTn and TEM stand alone. */
static enum xj_file_kind
jpeg(const unsigned char *p, size_t n, const char **why)
{
	size_t i = 2;

	for (;;) {
		unsigned m;

		if (i >= n || p[i] != 0xFF) {
			*why = "jpeg_marker";
			return XJ_FILE_NONE;
		}
		while (i < n && p[i] == 0xFF)
			i++;
		if (i >= n) {
			*why = "jpeg_truncated";
			return XJ_FILE_NONE;
		}
		m = p[i++];
		if (m == 0xDA)		/* start of scan: the header is sound */
			return i + 2 <= n ? XJ_FILE_JPG : (*why = "jpeg_truncated", XJ_FILE_NONE);
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD7))
			continue;
		if (m == 0x00 || m == 0xD8 || m == 0xD9) {
			*why = "jpeg_marker";
			return XJ_FILE_NONE;
		}
		if (i + 2 > n) {
			*why = "jpeg_truncated";
			return XJ_FILE_NONE;
		}
		{
			unsigned len = (unsigned)p[i] << 8 | p[i + 1];
			if (len < 2 || len > n - i) {
				*why = "jpeg_truncated";
				return XJ_FILE_NONE;
			}
			i += len;
		}
	}
}

/* OLE2: the header (MS-CFB 2.2), then the directory stream's sectors
 * (following the FAT chain from the first directory sector) for an entry
 * named "WordDocument" (UTF-16LE, 64-byte name field, 128-byte entries). */
static enum xj_file_kind
ole2(const unsigned char *p, size_t n, const char **why)
{
	static const unsigned char word[] = {
		'W', 0, 'o', 0, 'r', 0, 'd', 0, 'D', 0, 'o', 0, 'c', 0, 'u', 0,
		'm', 0, 'e', 0, 'n', 0, 't', 0, 0, 0
	};
	unsigned shift, ssize, visited = 0;
	unsigned long sect, nfat;
	size_t nsect;

	if (n < 512) {
		*why = "ole2_truncated";
		return XJ_FILE_NONE;
	}
	shift = le16(p + 30);
	if (le16(p + 28) != 0xFFFE || (shift != 9 && shift != 12)) {
		*why = "ole2_header";
		return XJ_FILE_NONE;
	}
	ssize = 1u << shift;
	/* the header occupies sector -1, padded to a whole sector */
	if (n < (size_t)ssize * 2) {
		*why = "ole2_truncated";
		return XJ_FILE_NONE;
	}
	nsect = n / ssize - 1;
	nfat = le32(p + 44);
	sect = le32(p + 48);
	while (sect < nsect && visited++ < nsect) {
		const unsigned char *s = p + (size_t)(sect + 1) * ssize;
		unsigned long fatidx, fatsect;
		size_t off;

		for (unsigned e = 0; e + 128 <= ssize; e += 128) {
			unsigned nlen = le16(s + e + 64);
			if (nlen == sizeof(word) && memcmp(s + e, word, sizeof(word)) == 0 &&
			    s[e + 66] == 2)	/* a stream object */
				return XJ_FILE_DOC;
		}
		/* the next directory sector: FAT entry `sect`; the FAT's own
		 * sectors are listed in the header's DIFAT (the first 109,
		 * enough for files of up to 6.8 MB with 512-byte sectors) */
		fatidx = sect / (ssize / 4);
		if (fatidx >= nfat || fatidx >= 109)
			break;
		fatsect = le32(p + 76 + fatidx * 4);
		if (fatsect >= nsect)
			break;
		off = (size_t)(fatsect + 1) * ssize + (sect % (ssize / 4)) * 4;
		if (off + 4 > n)
			break;
		sect = le32(p + off);
	}
	*why = "ole2_not_word";
	return XJ_FILE_NONE;
}

enum xj_file_kind
xj_file_sniff(const unsigned char *p, size_t n, const char **why)
{
	static const unsigned char ole[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
	static const unsigned char rar4[7] = { 'R', 'a', 'r', '!', 0x1A, 0x07, 0x00 };
	static const unsigned char rar5[8] = { 'R', 'a', 'r', '!', 0x1A, 0x07, 0x01, 0x00 };
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	*why = "";
	if (p == NULL || n == 0) {
		*why = "empty";
		return XJ_FILE_NONE;
	}
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return jpeg(p, n, why);
	if (n >= sizeof(ole) && memcmp(p, ole, sizeof(ole)) == 0)
		return ole2(p, n, why);
	if ((n > sizeof(rar4) && memcmp(p, rar4, sizeof(rar4)) == 0) ||
	    (n > sizeof(rar5) && memcmp(p, rar5, sizeof(rar5)) == 0))
		return XJ_FILE_RAR;
	*why = "unknown";
	return XJ_FILE_NONE;
}

const char *
xj_file_kind_name(enum xj_file_kind k)
{
	return k == XJ_FILE_DOC ? "doc" : k == XJ_FILE_RAR ? "rar" : k == XJ_FILE_JPG ? "jpg" : "";
}

const char *
xj_file_kind_mime(enum xj_file_kind k)
{
	return k == XJ_FILE_DOC ? "application/msword" : k == XJ_FILE_RAR ? "application/vnd.rar" :
	    k == XJ_FILE_JPG ? "image/jpeg" : "application/octet-stream";
}

enum xj_file_kind
xj_file_kind_parse(const char *s)
{
	return s == NULL ? XJ_FILE_NONE : strcmp(s, "doc") == 0 ? XJ_FILE_DOC :
	    strcmp(s, "rar") == 0 ? XJ_FILE_RAR : strcmp(s, "jpg") == 0 ? XJ_FILE_JPG : XJ_FILE_NONE;
}
