/* qrsvg.c -- unit tests of the QR code drawing (src/core/qrsvg.h): the
 * path, read back module by module, is exactly libqrencode's matrix inside
 * a 4-module quiet zone; nothing for empty or oversize text; the arena's
 * cap is respected. Decoding a printed code is the black-box test's job
 * (tests/api/parent_form.py, zbarimg on a screenshot). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qrencode.h>

#include "core/arena.h"
#include "core/qrsvg.h"
#include "tap.h"

#define SIDE_MAX	(177 + 8)

/* Fill grid from the path's "Mx yhNv1h-Nz" rectangles; -1 on anything else. */
static int
read_path(const char *svg, int side, unsigned char grid[SIDE_MAX][SIDE_MAX])
{
	const char *p = strstr(svg, " d=\"");
	int x, y, n, m, used;

	if (p == NULL)
		return -1;
	for (p += 4; *p == 'M'; p += used) {
		if (sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m, &used) != 4 || n != m ||
		    n < 1 || x < 0 || y < 0 || x + n > side || y >= side)
			return -1;
		while (n--)
			grid[y][x++] = 1;
	}
	return strcmp(p, "\"/></svg>") == 0 ? 0 : -1;
}

static void
test_matrix(const char *text, const char *what)
{
	static unsigned char grid[SIDE_MAX][SIDE_MAX];
	struct xj_arena *a = xj_arena_new(1 << 20);
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	size_t len = 0;
	char *svg = xj_qr_svg(a, text, &len), head[128];
	int side, same = 1;

	memset(grid, 0, sizeof(grid));
	if (q == NULL || svg == NULL) {
		ok(0, "qrsvg: %s: an SVG", what);
		goto out;
	}
	side = q->width + 8;
	snprintf(head, sizeof(head), "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "shape-rendering=\"crispEdges\">", side, side);
	ok(strncmp(svg, head, strlen(head)) == 0 && strlen(svg) == len,
	    "qrsvg: %s: viewBox of the symbol plus the quiet zone, crispEdges, length", what);
	ok(read_path(svg, side, grid) == 0, "qrsvg: %s: one path of unit-height rectangles", what);
	for (int y = 0; y < side; y++)
		for (int x = 0; x < side; x++) {
			int in = x >= 4 && y >= 4 && x < side - 4 && y < side - 4;
			int want = in ? q->data[(y - 4) * q->width + (x - 4)] & 1 : 0;
			if (grid[y][x] != want)
				same = 0;
		}
	ok(same, "qrsvg: %s: the dark modules are libqrencode's, 4 light modules around", what);
out:
	if (q)
		QRcode_free(q);
	xj_arena_free(a);
}

int
main(void)
{
	struct xj_arena *a = xj_arena_new(1 << 20), *tiny = xj_arena_new(64);
	char *big = malloc(8000);
	size_t len = 0;

	plan_lazy();
	test_matrix("261101051234567X", "a pre-registration number (version 1)");
	test_matrix("https://xueji.example.gov.cn/verify?no=26-110105-1234567-X&k=abcdef0123456789",
	    "a longer text (a higher version)");
	ok(xj_qr_svg(a, "", &len) == NULL, "qrsvg: empty text gives no code");
	memset(big, '7', 7999);
	big[7999] = '\0';
	ok(xj_qr_svg(a, big, &len) == NULL, "qrsvg: text beyond the largest QR code gives NULL");
	ok(xj_qr_svg(tiny, "261101051234567X", &len) == NULL,
	    "qrsvg: an exhausted arena gives NULL, not growth");
	free(big);
	xj_arena_free(tiny);
	xj_arena_free(a);
	return done_testing();
}
