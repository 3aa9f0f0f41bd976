/* filesniff.h -- what an uploaded evidence file is, from its bytes
 * (R-DUP-2: DOC, RAR or JPG). The name and the declared Content-Type are
 * never asked: a renamed file is what its content says. Pure; no I/O.
 *
 *   jpg  JPEG/JFIF/Exif: SOI (FF D8), then a walk of the marker segments
 *        up to the start of scan (FF DA), each length inside the file;
 *   doc  Word 97-2003: an OLE2 compound file (D0 CF 11 E0 A1 B1 1A E1,
 *        little-endian byte order mark, 512- or 4096-byte sectors) whose
 *        directory names a "WordDocument" stream (an Excel or PowerPoint
 *        file, or an installer, is OLE2 too and is refused);
 *   rar  RAR 1.5-4.x ("Rar!" 1A 07 00) or RAR 5 ("Rar!" 1A 07 01 00).
 *
 * Anything else -- PDF, PNG, ZIP and the Office Open XML formats (a .docx
 * is a ZIP), executables, text -- is refused. */
#ifndef XJ_FILESNIFF_H
#define XJ_FILESNIFF_H

#include <stddef.h>

enum xj_file_kind {
	XJ_FILE_NONE = 0,
	XJ_FILE_DOC,
	XJ_FILE_RAR,
	XJ_FILE_JPG
};

/* The kind of the n bytes at p, or XJ_FILE_NONE; *why (may be NULL) gets a
 * short reason for a refusal ("empty", "unknown", "jpeg_truncated",
 * "ole2_not_word", ...), for logs and tests, never shown as is. */
enum xj_file_kind	xj_file_sniff(const unsigned char *p, size_t n, const char **why);
/* "doc", "rar", "jpg" ("" for NONE) and the media type served. */
const char		*xj_file_kind_name(enum xj_file_kind);
const char		*xj_file_kind_mime(enum xj_file_kind);
/* The kind named s ("doc", "rar", "jpg"), or XJ_FILE_NONE. */
enum xj_file_kind	xj_file_kind_parse(const char *s);

#endif
