/* xmovew.c -- TransferRequest and GraduateMove on the wire (see xmovew.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "store/xmove.h"
#include "exchange/xmlin.h"
#include "xmovew.h"

#define W(x)	do { if ((x) < 0) return -1; } while (0)

const char *
xj_xmove_msg_type(const struct xj_xmove *x)
{
	return strcmp(x->kind, "graduate") == 0 ? "GraduateMove" : "TransferRequest";
}

static int
party(xmlTextWriterPtr w, const char *el, const char *school, const char *county)
{
	W(xmlTextWriterStartElement(w, BAD_CAST el));
	W(xmlTextWriterWriteElement(w, BAD_CAST "School", BAD_CAST school));
	W(xmlTextWriterWriteElement(w, BAD_CAST "County", BAD_CAST county));
	W(xmlTextWriterEndElement(w));
	return 0;
}

int
xj_xmove_write(xmlTextWriterPtr w, const struct xj_xmove *x)
{
	int grad = strcmp(x->kind, "graduate") == 0;

	W(xmlTextWriterWriteElement(w, BAD_CAST "TransferId", BAD_CAST x->transfer_id));
	W(xmlTextWriterStartElement(w, BAD_CAST "Student"));
	W(xmlTextWriterWriteElement(w, BAD_CAST "StudentNo", BAD_CAST x->student_no));
	W(xmlTextWriterWriteElement(w, BAD_CAST "Name", BAD_CAST x->name));
	W(xmlTextWriterEndElement(w));
	if (party(w, grad ? "GraduatedFrom" : "From", x->from_school, x->from_county) != 0 ||
	    party(w, "To", x->to_school, x->to_county) != 0)
		return -1;
	if (grad)
		W(xmlTextWriterWriteFormatElement(w, BAD_CAST "GraduationYear", "%04d",
		    x->graduation_year));
	else
		W(xmlTextWriterWriteElement(w, BAD_CAST "Reason", BAD_CAST x->reason));
	W(xmlTextWriterWriteElement(w, BAD_CAST "Requested", BAD_CAST x->requested));
	return 0;
}
