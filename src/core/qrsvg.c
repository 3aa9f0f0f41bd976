/* qrsvg.c -- QR code to inline SVG (qrsvg.h). Each horizontal run of dark
 * modules is one rectangle of the single <path>, so a version-1 symbol is
 * about 1 KB; crispEdges keeps module edges sharp at any print size. The
 * 4-module quiet zone is what ISO/IEC 18004 asks around the symbol. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <qrencode.h>

#include "core/arena.h"
#include "qrsvg.h"

#define QUIET		4
#define RUN_MAX		24	/* "M185 185h177v1h-177z": 20 characters */
#define FRAME_MAX	256	/* the <svg>, <rect> and <path> tags around */

static size_t
count_runs(const QRcode *q)
{
	size_t n = 0;
	int x, y;

	for (y = 0; y < q->width; y++)
		for (x = 0; x < q->width; x++)
			if ((q->data[y * q->width + x] & 1) &&
			    (x == 0 || !(q->data[y * q->width + x - 1] & 1)))
				n++;
	return n;
}

char *
xj_qr_svg(struct xj_arena *a, const char *text, size_t *len)
{
	QRcode *q;
	char *out = NULL;
	size_t cap, n = 0;
	int x, y, run, side;

	if (text == NULL || text[0] == '\0')
		return NULL;
	/* mode 8 as the hint: the library still picks numeric and
	 * alphanumeric segments where they are shorter */
	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
		return NULL;
	side = q->width + 2 * QUIET;
	cap = FRAME_MAX + count_runs(q) * RUN_MAX;
	if ((out = xj_alloc(a, cap)) == NULL)
		goto out;
	n += (size_t)snprintf(out + n, cap - n,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	    "fill=\"#fff\"/><path fill=\"#000\" d=\"", side, side, side, side);
	for (y = 0; y < q->width; y++) {
		for (x = 0; x < q->width; x += run ? run : 1) {
			run = 0;
			while (x + run < q->width && (q->data[y * q->width + x + run] & 1))
				run++;
			if (run)
				n += (size_t)snprintf(out + n, cap - n, "M%d %dh%dv1h-%dz",
				    x + QUIET, y + QUIET, run, run);
		}
	}
	n += (size_t)snprintf(out + n, cap - n, "\"/></svg>");
	if (n >= cap) {		/* cannot happen: RUN_MAX and FRAME_MAX bound it */
		out = NULL;
		goto out;
	}
	*len = n;
out:
	QRcode_free(q);
	return out;
}
