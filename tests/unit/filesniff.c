/* filesniff.c -- unit tests of the evidence file check by content
 * (src/domain/filesniff.h, R-DUP-2: DOC, RAR or JPG, by magic bytes and
 * structure, never by name). */
#include "config.h"

#include <string.h>

#include "domain/filesniff.h"
#include "tap.h"

static unsigned char buf[4096];

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void
put32(unsigned char *p, unsigned long v)
{
	put16(p, (unsigned)(v & 0xFFFF));
	put16(p + 2, (unsigned)(v >> 16));
}

/* A minimal compound file: header, FAT (sector 0), directory (sector 1)
 * with the root and one stream named `name`, the stream (sector 2). */
static size_t
ole(const char *name, unsigned char type)
{
	static const unsigned char sig[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
	unsigned char *fat = buf + 512, *dir = buf + 1024;
	size_t nl = strlen(name);

	memset(buf, 0, 2048);
	memcpy(buf, sig, 8);
	put16(buf + 24, 0x3E);
	put16(buf + 26, 3);
	put16(buf + 28, 0xFFFE);
	put16(buf + 30, 9);
	put16(buf + 32, 6);
	put32(buf + 44, 1);		/* FAT sectors */
	put32(buf + 48, 1);		/* first directory sector */
	put32(buf + 56, 4096);
	put32(buf + 60, 0xFFFFFFFE);
	put32(buf + 68, 0xFFFFFFFE);
	put32(buf + 76, 0);		/* DIFAT[0]: the FAT is sector 0 */
	for (int i = 1; i < 109; i++)
		put32(buf + 76 + i * 4, 0xFFFFFFFF);
	for (int i = 0; i < 128; i++)
		put32(fat + i * 4, 0xFFFFFFFF);
	put32(fat, 0xFFFFFFFD);
	put32(fat + 4, 0xFFFFFFFE);
	put32(fat + 8, 0xFFFFFFFE);
	/* root entry */
	memcpy(dir, "R\0o\0o\0t\0 \0E\0n\0t\0r\0y\0", 20);
	put16(dir + 64, 22);
	dir[66] = 5;
	/* the stream */
	for (size_t i = 0; i < nl; i++)
		dir[128 + i * 2] = (unsigned char)name[i];
	put16(dir + 128 + 64, (unsigned)(nl + 1) * 2);
	dir[128 + 66] = type;
	put32(dir + 128 + 116, 2);
	put32(dir + 128 + 120, 512);
	return 2048;
}

static size_t
jpeg(int truncate)
{
	static const unsigned char j[] = {
		0xFF, 0xD8,
		0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
		0xFF, 0xDB, 0x00, 0x05, 0, 1, 2,
		0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0,
		0x12, 0x34, 0xFF, 0xD9
	};

	memcpy(buf, j, sizeof(j));
	return truncate ? 25 : sizeof(j);
}

int
main(void)
{
	const char *why;
	size_t n;

	plan_lazy();

	n = jpeg(0);
	is_int(xj_file_sniff(buf, n, &why), XJ_FILE_JPG, "R-DUP-2 a JPEG (SOI, APP0, DQT, SOS) is jpg");
	n = jpeg(1);
	is_int(xj_file_sniff(buf, n, &why), XJ_FILE_NONE, "R-DUP-2 a JPEG cut inside a segment is refused");
	is_str(why, "jpeg_truncated", "  ... as truncated");
	buf[0] = 0xFF; buf[1] = 0xD8; buf[2] = 0xFF; buf[3] = 0xD9;
	is_int(xj_file_sniff(buf, 4, &why), XJ_FILE_NONE, "R-DUP-2 SOI then EOI is no picture");

	n = ole("WordDocument", 2);
	is_int(xj_file_sniff(buf, n, &why), XJ_FILE_DOC, "R-DUP-2 an OLE2 file with a WordDocument stream is doc");
	n = ole("Workbook", 2);
	is_int(xj_file_sniff(buf, n, &why), XJ_FILE_NONE, "R-DUP-2 an Excel workbook (OLE2, no WordDocument) is refused");
	is_str(why, "ole2_not_word", "  ... as not Word");
	n = ole("WordDocument", 1);
	is_int(xj_file_sniff(buf, n, &why), XJ_FILE_NONE, "R-DUP-2 a storage named WordDocument is not the stream");
	n = ole("WordDocument", 2);
	is_int(xj_file_sniff(buf, 600, &why), XJ_FILE_NONE, "R-DUP-2 an OLE2 header without its sectors is refused");
	buf[28] = 0;
	is_int(xj_file_sniff(buf, n, &why), XJ_FILE_NONE, "R-DUP-2 an OLE2 file with a wrong byte order mark is refused");
	n = ole("WordDocument", 2);
	put32(buf + 48, 0);		/* directory chain pointing at the FAT */
	put32(buf + 512, 0);		/* ... which points at itself */
	is_int(xj_file_sniff(buf, n, &why), XJ_FILE_NONE, "R-DUP-2 a directory chain that loops ends (refused)");

	memcpy(buf, "Rar!\x1a\x07\x00\xcf\x90", 9);
	is_int(xj_file_sniff(buf, 9, &why), XJ_FILE_RAR, "R-DUP-2 a RAR 4 archive is rar");
	memcpy(buf, "Rar!\x1a\x07\x01\x00\x33", 9);
	is_int(xj_file_sniff(buf, 9, &why), XJ_FILE_RAR, "R-DUP-2 a RAR 5 archive is rar");
	is_int(xj_file_sniff(buf, 7, &why), XJ_FILE_NONE, "R-DUP-2 a RAR signature alone is refused");

	memcpy(buf, "%PDF-1.7\n", 9);
	is_int(xj_file_sniff(buf, 9, &why), XJ_FILE_NONE, "R-DUP-2 a PDF is refused");
	memcpy(buf, "PK\x03\x04\x14\x00", 6);
	is_int(xj_file_sniff(buf, 6, &why), XJ_FILE_NONE, "R-DUP-2 a .docx (ZIP) is refused");
	memcpy(buf, "\x89PNG\r\n\x1a\n", 8);
	is_int(xj_file_sniff(buf, 8, &why), XJ_FILE_NONE, "R-DUP-2 a PNG is refused");
	memcpy(buf, "MZ\x90\x00", 4);
	is_int(xj_file_sniff(buf, 4, &why), XJ_FILE_NONE, "R-DUP-2 an executable renamed .jpg is refused");
	is_str(why, "unknown", "  ... as unknown");
	is_int(xj_file_sniff(buf, 0, &why), XJ_FILE_NONE, "R-DUP-2 an empty file is refused");
	is_int(xj_file_sniff(NULL, 5, NULL), XJ_FILE_NONE, "a NULL buffer is refused");

	is_str(xj_file_kind_name(XJ_FILE_DOC), "doc", "kind names");
	is_str(xj_file_kind_mime(XJ_FILE_JPG), "image/jpeg", "media types");
	is_int(xj_file_kind_parse("rar"), XJ_FILE_RAR, "kind parse");
	is_int(xj_file_kind_parse("exe"), XJ_FILE_NONE, "kind parse refuses others");
	return done_testing();
}
