/* batchw.h -- the StudentBatch on the wire (issue 13 items 4-5,
 * docs/xml/v1/student.xsd): written with libxml2's xmlTextWriter, one
 * record at a time, to a memory buffer (a message of the outbox, job
 * exchange-batch) or to a file (xuejictl exchange export-batch: a million
 * records in constant memory); read back with xmlTextReader, validated
 * against the same XSD while streaming (xuejictl exchange import-batch).
 * One writer and one reader for every StudentBatch, whatever its size. */
#ifndef XJ_BATCHW_H
#define XJ_BATCHW_H

#include <stddef.h>

#include <libxml/xmlwriter.h>

#include "exchange/xmlin.h"

struct xj_xhdr {
	const char	*id;		/* MessageId */
	const char	*sender, *receiver;
	const char	*created;	/* YYYY-MM-DDTHH:MM:SS+08:00 */
	const char	*correlation;	/* NULL: none */
};

/* One record of a batch; strings are UTF-8, NUL-terminated. Optional
 * elements (ethnicity, nationality, hukou_code) are left out when empty. */
struct xj_xbrec {
	const char	*ref, *action;	/* action: new changed supplement */
	const char	*student_no, *name, *sex, *birth, *doc_type, *id_number;
	const char	*ethnicity, *nationality, *hukou_code;
	const char	*school_code, *county, *status;
	int		 entry_year, level;
};

/* A new MessageId of ours, "<org>-<tag>-<16 hex digits>" (random: unique
 * per sender without a counter; tag says what made it: b batch, r
 * receipt, t the sending side of a move, x the receiving side), and the
 * Created time now. 0 or -1. */
int	xj_xmsg_new_id(const char *org, char tag, char id[XJ_XMSG_ID_MAX + 1], char created[26]);

/* 1 when the n bytes at s are a document number the wire carries
 * (types.xsd DocNumber: [A-Za-z0-9-]{1,32}), else 0: a record whose
 * number is not is left out of a message, never sent malformed (an
 * empty one: a child without a document, R-COL-7). */
int	xj_xdoc_number_ok(const char *s, size_t n);

/* The envelope of any message and its payload element `type` opened
 * (the payload's children follow; xj_xbatch_end closes it all). 0 or -1. */
int	xj_xmsg_begin(xmlTextWriterPtr, const struct xj_xhdr *, const char *type);

/* A guardian of a StudentRecord (student.xsd; IdDocType and IdNumber left
 * out when empty). */
struct xj_xguardian {
	const char	*relation, *name, *doc_type, *id_number;
};
/* <Student> of type StudentRecord: the record and up to 4 guardians (the
 * batch's records carry none; a Dossier does, issue 13 item 7). 0 or -1. */
int	xj_xstudent_write(xmlTextWriterPtr, const struct xj_xbrec *, const struct xj_xguardian *,
	    int ng);

/* The envelope and <StudentBatch part= parts=>. 0 or -1 (writer error). */
int	xj_xbatch_begin(xmlTextWriterPtr, const struct xj_xhdr *, unsigned part,
	    unsigned parts);
int	xj_xbatch_record(xmlTextWriterPtr, const struct xj_xbrec *);
/* Close every element and flush. */
int	xj_xbatch_end(xmlTextWriterPtr);

/* Streaming read of a StudentBatch from fd (the whole input), validated
 * against the loaded XSD (xj_xmlin_init) as it is read, with the limits'
 * depth and text run checked per node and any DOCTYPE refused. fn gets
 * each record as it completes (its strings live until fn returns); a
 * non-zero return stops the read with that value. XJ_OK with *count
 * records, or XJ_E_X_MALFORMED, XJ_E_X_DOCTYPE, XJ_E_X_LIMIT,
 * XJ_E_X_VERSION, XJ_E_X_SCHEMA, XJ_E_X_TYPE_MISMATCH, fn's value, with
 * where filled when known. Memory: the reader's window and one record,
 * whatever the count. */
int	xj_xbatch_read_fd(int fd, const struct xj_xml_limits *,
	    int (*fn)(const struct xj_xbrec *, void *), void *arg, unsigned long long *count,
	    struct xj_xml_where *where);

#endif
