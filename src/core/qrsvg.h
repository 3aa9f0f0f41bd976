/* qrsvg.h -- a QR code as inline SVG, for printed pages (the
 * collection form, R-COL-3; the certificate of student status, R-REC-7).
 * The symbol comes from libqrencode (Reed-Solomon, masking, version
 * choice); this module only draws it. */
#ifndef XJ_CORE_QRSVG_H
#define XJ_CORE_QRSVG_H

#include <stddef.h>

struct xj_arena;

/* An <svg> element (no XML prolog, ready to inline in HTML) encoding text
 * with error correction level M: one <path> of dark modules on a white
 * square with a 4-module quiet zone, viewBox in modules, crispEdges, no
 * width or height (the page's CSS sizes it). Built in the arena; *len
 * gets its length. NULL when text is empty or too long for a QR code, or
 * the arena is exhausted. */
char	*xj_qr_svg(struct xj_arena *, const char *text, size_t *len);

#endif
