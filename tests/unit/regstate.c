/* regstate.c -- unit tests of the registration state machine
 * (src/domain/regstate.h; R-COL-3, R-COL-4, R-COL-5, R-COL-7, R-COL-9,
 * R-ADM-1): every (state, event) pair, for both families, every
 * certificate track and with or without a document number, is either one
 * row of the table or refused; the table is
 * deterministic; from the start every reachable position is consistent and
 * `printable` needs a verified identity AND (for non-local families)
 * approved certificates, in whichever order they come; the words and
 * machine names cover every state. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "domain/regstate.h"
#include "tap.h"

#define POS(s, c)	((struct xj_reg_pos){ (s), (c) })

static int
family_ok(const struct xj_reg_rule *r, int local)
{
	return r->family == XJ_FAM_ANY || (r->family == XJ_FAM_LOCAL) == !!local;
}

static int
doc_ok(const struct xj_reg_rule *r, int noid)
{
	return r->doc == XJ_DOC_ANY || (r->doc == XJ_DOC_NOID) == !!noid;
}

/* Apply a sequence of events from (submitted, none); -1 when one of them
 * is refused, else the final position in *end. */
static int
run_doc(int local, int noid, const enum xj_reg_event *ev, size_t n, struct xj_reg_pos *end)
{
	struct xj_reg_pos p = POS(XJ_REG_SUBMITTED, XJ_CERT_NONE);

	for (size_t i = 0; i < n; i++)
		if (xj_reg_next_doc(p, ev[i], local, noid, &p) != XJ_OK)
			return -1;
	*end = p;
	return 0;
}

#define EVS(...)	(const enum xj_reg_event[]){ __VA_ARGS__ }, \
	    sizeof((const enum xj_reg_event[]){ __VA_ARGS__ }) / sizeof(enum xj_reg_event)
/* a child with a document number (public security checks it) */
#define RUN(local, end, ...)		run_doc((local), 0, EVS(__VA_ARGS__), (end))
/* a child of document type Z without a number (the district checks it) */
#define RUN_NOID(local, end, ...)	run_doc((local), 1, EVS(__VA_ARGS__), (end))

static int
verifies(int e)
{
	return e == XJ_REV_PSB_MATCH || e == XJ_REV_NOID_VERIFIED;
}

static int
admitting(enum xj_reg_state s)
{
	return s == XJ_REG_PRINTABLE || s == XJ_REG_SCHOOL_ACCEPTED ||
	    s == XJ_REG_DISTRICT_APPROVED || s == XJ_REG_ADMITTED;
}

/* Breadth-first walk over (state, cert, identity verified) from the start.
 * Returns the number of broken invariants; sets seen[state]. */
static int
reach(int local, int noid, int seen[XJ_REG__N])
{
	struct { struct xj_reg_pos p; int verified; } q[XJ_REG__N * XJ_CERT__N * 2];
	int visited[XJ_REG__N][XJ_CERT__N][2];
	size_t head = 0, tail = 0;
	int broken = 0;

	memset(visited, 0, sizeof(visited));
	q[tail].p = POS(XJ_REG_SUBMITTED, XJ_CERT_NONE);
	q[tail++].verified = 0;
	visited[XJ_REG_SUBMITTED][XJ_CERT_NONE][0] = 1;
	while (head < tail) {
		struct xj_reg_pos p = q[head].p, to;
		int v = q[head++].verified;

		seen[p.state] = 1;
		if (!xj_reg_pos_valid(p, local))
			broken++;
		/* R-COL-5 + R-COL-9: printable and beyond need both tracks */
		if (admitting(p.state) && (!v || (!local && p.cert != XJ_CERT_APPROVED)))
			broken++;
		if (local && p.cert != XJ_CERT_NONE)
			broken++;
		for (int e = 0; e < XJ_REV__N; e++) {
			int nv;
			if (xj_reg_next_doc(p, (enum xj_reg_event)e, local, noid, &to) != XJ_OK)
				continue;
			nv = verifies(e) ? 1 : e == XJ_REV_CORRECTED ? 0 : v;
			if (!visited[to.state][to.cert][nv]) {
				visited[to.state][to.cert][nv] = 1;
				q[tail].p = to;
				q[tail++].verified = nv;
			}
		}
	}
	return broken;
}

int
main(void)
{
	size_t nrules;
	const struct xj_reg_rule *rules = xj_reg_rules(&nrules);
	struct xj_reg_pos to, end;
	int seen_local[XJ_REG__N] = { 0 }, seen_nonlocal[XJ_REG__N] = { 0 };
	char name[200];

	plan_lazy();

	/* 1. exhaustive: each (state, event) over both families, all four
	 * certificate tracks, with and without a document number, agrees
	 * with the table, one row at most */
	for (int s = 0; s < XJ_REG__N; s++)
		for (int e = 0; e < XJ_REV__N; e++) {
			int wrong = 0, allowed = 0;
			for (int noid = 0; noid < 2; noid++)
			for (int local = 0; local < 2; local++)
				for (int c = 0; c < XJ_CERT__N; c++) {
					struct xj_reg_pos from = POS((enum xj_reg_state)s, (enum xj_cert_state)c);
					const struct xj_reg_rule *hit = NULL;
					int matches = 0, rc;

					to = POS(XJ_REG__N, XJ_CERT__N);
					rc = xj_reg_next_doc(from, (enum xj_reg_event)e, local, noid, &to);
					if (!noid) {	/* xj_reg_next is the numbered case */
						struct xj_reg_pos to0 = POS(XJ_REG__N, XJ_CERT__N);
						if (xj_reg_next(from, (enum xj_reg_event)e, local, &to0) != rc ||
						    to0.state != to.state || to0.cert != to.cert)
							wrong++;
					}
					for (size_t i = 0; i < nrules; i++)
						if ((int)rules[i].from == s && (int)rules[i].ev == e &&
						    family_ok(&rules[i], local) && doc_ok(&rules[i], noid) &&
						    (rules[i].certs & XJ_CERT_BIT(c))) {
							hit = &rules[i];
							matches++;
						}
					if (matches > 1)
						wrong++;	/* the table must be deterministic */
					if (!xj_reg_pos_valid(from, local) || hit == NULL) {
						if (rc != XJ_E_REG_TRANSITION && rc != XJ_E_REG_ACCEPTED)
							wrong++;
						if (to.state != XJ_REG__N)
							wrong++;	/* refused: *to untouched */
						continue;
					}
					allowed++;
					if (rc != XJ_OK || to.state != hit->to ||
					    (int)to.cert != (hit->cert_to == XJ_CERT_KEEP ? c : hit->cert_to))
						wrong++;
					/* rows only ever lead to consistent positions */
					if (!xj_reg_pos_valid(to, local))
						wrong++;
				}
			snprintf(name, sizeof(name), "R-COL-4/5/7/9 %s --%s--> %s",
			    xj_reg_state_name((enum xj_reg_state)s),
			    xj_reg_event_name((enum xj_reg_event)e),
			    allowed ? "per table" : "refused");
			is_int(wrong, 0, name);
		}

	/* 2. certificate events are rows for non-local families only */
	{
		int bad = 0;
		for (size_t i = 0; i < nrules; i++)
			if ((rules[i].ev == XJ_REV_CERTS_SUBMITTED ||
			    rules[i].ev == XJ_REV_CERTS_APPROVED ||
			    rules[i].ev == XJ_REV_CERTS_REJECTED) &&
			    rules[i].family != XJ_FAM_NONLOCAL)
				bad++;
		is_int(bad, 0, "R-COL-9 certificate events are rows for non-local families only");
	}

	/* 2b. the district's check of a no-ID certificate (R-COL-7): its
	 * rows are for type Z without a number only, leave submitted only,
	 * and have exactly the consequences of the PSB's answers --
	 * noid_verified those of psb_match, noid_rejected those of
	 * psb_mismatch -- row for row; the PSB's rows need a number */
	{
		int bad = 0, nverified = 0, nrejected = 0;
		for (size_t i = 0; i < nrules; i++) {
			const struct xj_reg_rule *r = &rules[i];
			enum xj_reg_event twin;
			int found = 0;

			if (r->ev == XJ_REV_PSB_MATCH || r->ev == XJ_REV_PSB_MISMATCH ||
			    r->ev == XJ_REV_PSB_NOT_FOUND) {
				bad += r->doc != XJ_DOC_NUMBER;
				continue;
			}
			if (r->ev != XJ_REV_NOID_VERIFIED && r->ev != XJ_REV_NOID_REJECTED) {
				bad += r->doc != XJ_DOC_ANY;
				continue;
			}
			bad += r->doc != XJ_DOC_NOID || r->from != XJ_REG_SUBMITTED;
			if (r->ev == XJ_REV_NOID_VERIFIED)
				nverified++;
			else
				nrejected++;
			twin = r->ev == XJ_REV_NOID_VERIFIED ? XJ_REV_PSB_MATCH : XJ_REV_PSB_MISMATCH;
			for (size_t k = 0; k < nrules; k++)
				found += rules[k].ev == twin && rules[k].from == r->from &&
				    rules[k].family == r->family && rules[k].certs == r->certs &&
				    rules[k].to == r->to && rules[k].cert_to == r->cert_to;
			bad += found != 1;
		}
		for (size_t k = 0; k < nrules; k++) {
			nverified -= rules[k].ev == XJ_REV_PSB_MATCH;
			nrejected -= rules[k].ev == XJ_REV_PSB_MISMATCH;
		}
		is_int(bad, 0, "R-COL-7 the no-ID rows mirror the PSB rows, from submitted, for type Z without a number only");
		is_int(nverified, 0, "R-COL-7 noid_verified has as many rows as psb_match");
		is_int(nrejected, 0, "R-COL-7 noid_rejected has as many rows as psb_mismatch");
	}

	/* 3. reachability and the both-tracks invariant */
	is_int(reach(1, 0, seen_local), 0, "R-COL-5 local family: every reachable position consistent, printable only after psb_match");
	is_int(reach(0, 0, seen_nonlocal), 0, "R-COL-9 non-local family: printable only with identity verified AND certificates approved");
	{
		int seen_l[XJ_REG__N] = { 0 }, seen_n[XJ_REG__N] = { 0 };
		is_int(reach(1, 1, seen_l), 0, "R-COL-7 local type-Z child: every reachable position consistent, printable only after noid_verified");
		is_int(reach(0, 1, seen_n), 0, "R-COL-7 non-local type-Z child: printable only with the no-ID check passed AND certificates approved");
		ok(seen_l[XJ_REG_PRINTABLE] && seen_l[XJ_REG_ADMITTED] && !seen_l[XJ_REG_ID_REJECTED],
		    "R-COL-7 a type-Z child can be admitted, and is never rejected by public security");
	}
	ok(!seen_local[XJ_REG_ID_VERIFIED] && !seen_local[XJ_REG_CERT_REVIEW] &&
	    !seen_local[XJ_REG_CERT_REJECTED], "R-COL-9 local family never enters a certificate state");
	{
		int all = 1;
		for (int s = 0; s < XJ_REG__N; s++)
			all &= seen_nonlocal[s];
		ok(all, "every state is reachable for a non-local family");
	}

	/* 4. the stories */
	ok(RUN(1, &end, XJ_REV_PSB_MATCH, XJ_REV_SCHOOL_TICK, XJ_REV_DISTRICT_APPROVE,
	    XJ_REV_ADMIT) == 0 && end.state == XJ_REG_ADMITTED,
	    "R-ADM-1 local: registered, verified, printed, ticked, approved, admitted");
	ok(RUN(1, &end, XJ_REV_PSB_MATCH) == 0 && end.state == XJ_REG_PRINTABLE &&
	    end.cert == XJ_CERT_NONE, "R-COL-5 local: psb_match makes the form printable");
	ok(RUN(0, &end, XJ_REV_PSB_MATCH) == 0 && end.state == XJ_REG_ID_VERIFIED,
	    "R-COL-9 non-local: psb_match alone does not make the form printable");
	ok(RUN(0, &end, XJ_REV_PSB_MATCH, XJ_REV_CERTS_SUBMITTED) == 0 &&
	    end.state == XJ_REG_CERT_REVIEW && end.cert == XJ_CERT_REVIEW,
	    "R-COL-9 non-local: certificates after verification go to cert_review");
	ok(RUN(0, &end, XJ_REV_PSB_MATCH, XJ_REV_CERTS_SUBMITTED, XJ_REV_CERTS_APPROVED) == 0 &&
	    end.state == XJ_REG_PRINTABLE && end.cert == XJ_CERT_APPROVED,
	    "R-COL-9 non-local, identity first: approval makes the form printable");
	ok(RUN(0, &end, XJ_REV_CERTS_SUBMITTED, XJ_REV_CERTS_APPROVED) == 0 &&
	    end.state == XJ_REG_SUBMITTED && end.cert == XJ_CERT_APPROVED,
	    "R-COL-9 non-local, certificates first: approved but not printable before PSB");
	ok(RUN(0, &end, XJ_REV_CERTS_SUBMITTED, XJ_REV_CERTS_APPROVED, XJ_REV_PSB_MATCH) == 0 &&
	    end.state == XJ_REG_PRINTABLE, "R-COL-9 non-local, certificates first: psb_match then makes it printable");
	ok(RUN(0, &end, XJ_REV_CERTS_SUBMITTED, XJ_REV_PSB_MATCH) == 0 &&
	    end.state == XJ_REG_CERT_REVIEW, "R-COL-9 non-local: psb_match during review lands in cert_review");
	ok(RUN(0, &end, XJ_REV_CERTS_SUBMITTED, XJ_REV_CERTS_REJECTED, XJ_REV_PSB_MATCH) == 0 &&
	    end.state == XJ_REG_CERT_REJECTED, "R-COL-9 non-local: psb_match after refused certificates lands in cert_rejected");
	ok(RUN(0, &end, XJ_REV_PSB_MATCH, XJ_REV_CERTS_SUBMITTED, XJ_REV_CERTS_REJECTED,
	    XJ_REV_CERTS_SUBMITTED, XJ_REV_CERTS_APPROVED) == 0 && end.state == XJ_REG_PRINTABLE,
	    "R-COL-9 refused certificates may be filed again and approved");
	ok(RUN(0, &end, XJ_REV_CERTS_SUBMITTED, XJ_REV_CERTS_APPROVED, XJ_REV_PSB_MISMATCH,
	    XJ_REV_CORRECTED, XJ_REV_PSB_MATCH) == 0 && end.state == XJ_REG_PRINTABLE,
	    "R-COL-5 + R-COL-9 approved certificates survive an identity correction");
	ok(RUN(1, &end, XJ_REV_PSB_MISMATCH, XJ_REV_CORRECTED, XJ_REV_PSB_MATCH) == 0 &&
	    end.state == XJ_REG_PRINTABLE, "R-COL-5 mismatch goes back to the parent; corrected data is checked again");
	ok(RUN(1, &end, XJ_REV_PSB_NOT_FOUND) == 0 && end.state == XJ_REG_ID_REJECTED,
	    "R-COL-5 verified false data voids the registration");
	ok(RUN(1, &end, XJ_REV_PSB_NOT_FOUND, XJ_REV_CORRECTED) < 0,
	    "R-COL-5 a registration found false cannot be corrected back to life");
	ok(RUN(1, &end, XJ_REV_PSB_MISMATCH, XJ_REV_PSB_MATCH) < 0,
	    "R-COL-5 no PSB answer is taken while the parent must correct");
	ok(RUN(0, &end, XJ_REV_CERTS_APPROVED) < 0,
	    "R-COL-9 certificates cannot be approved before they are filed");
	ok(RUN(1, &end, XJ_REV_CERTS_SUBMITTED) < 0,
	    "R-COL-9 a local family files no certificates");
	ok(RUN(1, &end, XJ_REV_SCHOOL_TICK) < 0,
	    "R-ADM-1 a school cannot tick a child whose form is not printable");
	ok(RUN(1, &end, XJ_REV_PSB_MATCH, XJ_REV_CANCEL) == 0 && end.state == XJ_REG_CANCELLED,
	    "R-COL-4 a parent may cancel a printable registration");
	ok(RUN(1, &end, XJ_REV_PSB_MATCH, XJ_REV_DISTRICT_CHANGE_APPROVED) == 0 &&
	    end.state == XJ_REG_VOID, "R-COL-4 district change after the window voids the old form");
	ok(RUN(1, &end, XJ_REV_PSB_MATCH, XJ_REV_SCHOOL_TICK, XJ_REV_SCHOOL_UNTICK,
	    XJ_REV_CANCEL) == 0 && end.state == XJ_REG_CANCELLED,
	    "R-COL-4 untick returns the child to printable: cancel possible again");

	/* 4b. the district's check of a no-ID certificate (R-COL-7) */
	ok(RUN_NOID(1, &end, XJ_REV_NOID_VERIFIED) == 0 && end.state == XJ_REG_PRINTABLE &&
	    end.cert == XJ_CERT_NONE, "R-COL-7 local type-Z child: noid_verified makes the form printable");
	ok(RUN_NOID(1, &end, XJ_REV_NOID_VERIFIED, XJ_REV_SCHOOL_TICK, XJ_REV_DISTRICT_APPROVE,
	    XJ_REV_ADMIT) == 0 && end.state == XJ_REG_ADMITTED,
	    "R-COL-7 + R-ADM-1 a type-Z child verified by the district is ticked, approved, admitted");
	ok(RUN_NOID(0, &end, XJ_REV_NOID_VERIFIED) == 0 && end.state == XJ_REG_ID_VERIFIED &&
	    end.cert == XJ_CERT_NONE, "R-COL-7 + R-COL-9 non-local type-Z child: noid_verified leads to id_verified, not printable");
	ok(RUN_NOID(0, &end, XJ_REV_CERTS_SUBMITTED, XJ_REV_NOID_VERIFIED) == 0 &&
	    end.state == XJ_REG_CERT_REVIEW && end.cert == XJ_CERT_REVIEW,
	    "R-COL-7 + R-COL-9 noid_verified during the certificate review lands in cert_review");
	ok(RUN_NOID(0, &end, XJ_REV_CERTS_SUBMITTED, XJ_REV_CERTS_REJECTED, XJ_REV_NOID_VERIFIED) == 0 &&
	    end.state == XJ_REG_CERT_REJECTED,
	    "R-COL-7 + R-COL-9 noid_verified after refused certificates lands in cert_rejected");
	ok(RUN_NOID(0, &end, XJ_REV_CERTS_SUBMITTED, XJ_REV_CERTS_APPROVED, XJ_REV_NOID_VERIFIED) == 0 &&
	    end.state == XJ_REG_PRINTABLE && end.cert == XJ_CERT_APPROVED,
	    "R-COL-7 + R-COL-9 noid_verified after approved certificates makes the form printable");
	ok(RUN_NOID(0, &end, XJ_REV_NOID_VERIFIED, XJ_REV_CERTS_SUBMITTED, XJ_REV_CERTS_APPROVED) == 0 &&
	    end.state == XJ_REG_PRINTABLE, "R-COL-7 + R-COL-9 certificates approved after the no-ID check: printable");
	ok(RUN_NOID(1, &end, XJ_REV_NOID_REJECTED) == 0 && end.state == XJ_REG_ID_MISMATCH,
	    "R-COL-7 noid_rejected sends the registration back to the parent (id_mismatch)");
	ok(RUN_NOID(0, &end, XJ_REV_CERTS_SUBMITTED, XJ_REV_NOID_REJECTED) == 0 &&
	    end.state == XJ_REG_ID_MISMATCH && end.cert == XJ_CERT_REVIEW,
	    "R-COL-7 + R-COL-9 noid_rejected keeps the certificate track");
	ok(RUN_NOID(1, &end, XJ_REV_NOID_REJECTED, XJ_REV_CORRECTED, XJ_REV_NOID_VERIFIED) == 0 &&
	    end.state == XJ_REG_PRINTABLE, "R-COL-7 after noid_rejected a correction goes back to submitted and is checked again");
	ok(RUN_NOID(1, &end, XJ_REV_NOID_REJECTED, XJ_REV_CANCEL) == 0 && end.state == XJ_REG_CANCELLED,
	    "R-COL-4 a parent may cancel after noid_rejected");
	ok(RUN_NOID(1, &end, XJ_REV_NOID_VERIFIED, XJ_REV_NOID_VERIFIED) < 0,
	    "R-COL-7 a second noid_verified is refused");
	ok(RUN_NOID(1, &end, XJ_REV_NOID_VERIFIED, XJ_REV_NOID_REJECTED) < 0,
	    "R-COL-7 noid_rejected after noid_verified is refused");
	ok(RUN_NOID(1, &end, XJ_REV_NOID_REJECTED, XJ_REV_NOID_REJECTED) < 0 &&
	    RUN_NOID(1, &end, XJ_REV_NOID_REJECTED, XJ_REV_NOID_VERIFIED) < 0,
	    "R-COL-7 no decision is taken while the parent must correct");
	ok(RUN(1, &end, XJ_REV_NOID_VERIFIED) < 0 && RUN(0, &end, XJ_REV_NOID_VERIFIED) < 0 &&
	    RUN(1, &end, XJ_REV_NOID_REJECTED) < 0,
	    "R-COL-7 a child with a document number is not checked by the district");
	ok(RUN_NOID(1, &end, XJ_REV_PSB_MATCH) < 0 && RUN_NOID(1, &end, XJ_REV_PSB_MISMATCH) < 0 &&
	    RUN_NOID(0, &end, XJ_REV_PSB_NOT_FOUND) < 0,
	    "R-COL-5 + R-COL-7 public security answers nothing for a child without a number");
	{
		int wrong = 0;
		for (int s = 0; s < XJ_REG__N; s++)
			for (int local = 0; local < 2; local++)
				for (int c = 0; c < XJ_CERT__N; c++) {
					struct xj_reg_pos from = POS((enum xj_reg_state)s, (enum xj_cert_state)c);
					if (s == XJ_REG_SUBMITTED)
						continue;
					wrong += xj_reg_next_doc(from, XJ_REV_NOID_VERIFIED, local, 1, &to) == XJ_OK;
					wrong += xj_reg_next_doc(from, XJ_REV_NOID_REJECTED, local, 1, &to) == XJ_OK;
				}
		is_int(wrong, 0, "R-COL-7 the district's decisions are refused in every state but submitted");
	}
	ok(xj_reg_noid("Z", 0) && !xj_reg_noid("Z", 28) && !xj_reg_noid("1", 0) &&
	    !xj_reg_noid("", 0) && !xj_reg_noid(NULL, 0) && !xj_reg_noid("ZZ", 0),
	    "R-COL-7 no-ID means document type Z without a number");
	is_str(xj_reg_state_zh_doc(XJ_REG_SUBMITTED, 1), "已登记，等待区教委核验无身份证明",
	    "R-COL-7 parent words for submitted without a document number name the district");
	ok(strstr(xj_reg_state_en_doc(XJ_REG_ID_MISMATCH, 1), "no-ID certificate") != NULL &&
	    strcmp(xj_reg_state_en_doc(XJ_REG_ID_MISMATCH, 0), xj_reg_state_en(XJ_REG_ID_MISMATCH)) == 0 &&
	    strcmp(xj_reg_state_zh_doc(XJ_REG_PRINTABLE, 1), xj_reg_state_zh(XJ_REG_PRINTABLE)) == 0,
	    "R-COL-7 only the words that name the identity check differ");

	RUN(1, &end, XJ_REV_PSB_MATCH, XJ_REV_SCHOOL_TICK);
	is_int(xj_reg_next(end, XJ_REV_CANCEL, 1, &to), XJ_E_REG_ACCEPTED,
	    "R-COL-4 no cancel once a school accepted the child");
	is_int(xj_reg_next(end, XJ_REV_DISTRICT_CHANGE_APPROVED, 1, &to), XJ_E_REG_ACCEPTED,
	    "R-COL-4 no district change once a school accepted the child");
	RUN(0, &end, XJ_REV_PSB_MATCH, XJ_REV_CERTS_SUBMITTED, XJ_REV_CERTS_APPROVED,
	    XJ_REV_SCHOOL_TICK, XJ_REV_DISTRICT_APPROVE);
	is_int(xj_reg_next(end, XJ_REV_CANCEL, 0, &to), XJ_E_REG_ACCEPTED,
	    "R-COL-4 no cancel after district approval");
	is_int(xj_reg_next(end, XJ_REV_SCHOOL_UNTICK, 0, &to), XJ_E_REG_TRANSITION,
	    "R-ADM-1 a school cannot untick after district approval");
	is_int(xj_reg_next(POS(XJ_REG_CERT_REVIEW, XJ_CERT_NONE), XJ_REV_CERTS_APPROVED, 0, &to),
	    XJ_E_REG_TRANSITION, "inconsistent position (cert_review without review) refused");
	is_int(xj_reg_next(POS(XJ_REG_PRINTABLE, XJ_CERT_REVIEW), XJ_REV_SCHOOL_TICK, 0, &to),
	    XJ_E_REG_TRANSITION, "R-COL-9 a non-local printable position without approval refused");
	is_int(xj_reg_next(POS(XJ_REG_SUBMITTED, XJ_CERT_APPROVED), XJ_REV_PSB_MATCH, 1, &to),
	    XJ_E_REG_TRANSITION, "a local family with a certificate track is an inconsistent position");
	is_int(xj_reg_next(POS(XJ_REG__N, XJ_CERT_NONE), XJ_REV_CANCEL, 1, &to),
	    XJ_E_REG_TRANSITION, "state out of range refused");
	is_int(xj_reg_next(POS(XJ_REG_SUBMITTED, XJ_CERT_NONE), XJ_REV__N, 1, &to),
	    XJ_E_REG_TRANSITION, "event out of range refused");
	{
		static const enum xj_reg_state final[] = { XJ_REG_ADMITTED,
		    XJ_REG_CANCELLED, XJ_REG_VOID };
		int exits = 0, rejected = 0;
		for (size_t i = 0; i < sizeof(final) / sizeof(final[0]); i++)
			for (size_t r = 0; r < nrules; r++)
				exits += rules[r].from == final[i];
		is_int(exits, 0, "admitted, cancelled and void are final");
		for (size_t r = 0; r < nrules; r++)
			rejected += rules[r].from == XJ_REG_ID_REJECTED &&
			    !(rules[r].ev == XJ_REV_COUNTY_VOID && rules[r].to == XJ_REG_VOID);
		is_int(rejected, 0, "H1 id_rejected leaves only by the county's void (which frees the claim)");
	}
	/* H1: the county's void and the release of an uncorrected mismatch */
	{
		static const enum xj_reg_state live[] = { XJ_REG_SUBMITTED, XJ_REG_ID_MISMATCH,
		    XJ_REG_ID_REJECTED, XJ_REG_PRINTABLE };
		int bad = 0;
		for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++)
			bad += xj_reg_next(POS(live[i], XJ_CERT_NONE), XJ_REV_COUNTY_VOID, 1, &to) != XJ_OK ||
			    to.state != XJ_REG_VOID;
		is_int(bad, 0, "H1 the county voids a registration before a school accepted the child");
		is_int(xj_reg_next(POS(XJ_REG_SCHOOL_ACCEPTED, XJ_CERT_NONE), XJ_REV_COUNTY_VOID, 1, &to),
		    XJ_E_REG_ACCEPTED, "H1 the county cannot void a child a school accepted (untick first)");
		is_int(xj_reg_next(POS(XJ_REG_VOID, XJ_CERT_NONE), XJ_REV_COUNTY_VOID, 1, &to),
		    XJ_E_REG_TRANSITION, "H1 a void registration cannot be voided again");
		ok(xj_reg_next(POS(XJ_REG_ID_MISMATCH, XJ_CERT_NONE), XJ_REV_MISMATCH_EXPIRED, 1, &to) ==
		    XJ_OK && to.state == XJ_REG_VOID, "H1 an expired mismatch becomes void");
		is_int(xj_reg_next(POS(XJ_REG_SUBMITTED, XJ_CERT_NONE), XJ_REV_MISMATCH_EXPIRED, 1, &to),
		    XJ_E_REG_TRANSITION, "H1 only id_mismatch expires");
	}

	/* 5. names and words */
	for (int s = 0; s < XJ_REG__N; s++) {
		const char *n = xj_reg_state_name((enum xj_reg_state)s);
		snprintf(name, sizeof(name), "state %s: name parses back, zh and en words present", n);
		ok(n != NULL && xj_reg_state_parse(n) == s &&
		    xj_reg_state_zh((enum xj_reg_state)s) != NULL &&
		    strlen(xj_reg_state_zh((enum xj_reg_state)s)) > 0 &&
		    xj_reg_state_en((enum xj_reg_state)s) != NULL &&
		    strlen(xj_reg_state_en((enum xj_reg_state)s)) > 0, "%s", name);
	}
	for (int e = 0; e < XJ_REV__N; e++) {
		const char *n = xj_reg_event_name((enum xj_reg_event)e);
		ok(n != NULL && xj_reg_event_parse(n) == e, "event %s: name parses back", n ? n : "?");
	}
	for (int c = 0; c < XJ_CERT__N; c++) {
		const char *n = xj_cert_state_name((enum xj_cert_state)c);
		ok(n != NULL && xj_cert_state_parse(n) == c &&
		    xj_cert_state_zh((enum xj_cert_state)c) != NULL &&
		    xj_cert_state_en((enum xj_cert_state)c) != NULL,
		    "certificate track %s: name parses back, words present", n ? n : "?");
	}
	is_str(xj_reg_state_name(XJ_REG_SUBMITTED), "submitted", "API name of submitted");
	is_str(xj_reg_state_name(XJ_REG_SCHOOL_ACCEPTED), "school_accepted", "API name of school_accepted");
	is_str(xj_reg_state_zh(XJ_REG_SUBMITTED), "已登记，等待公安部门核验身份信息",
	    "R-COL-5 parent words for submitted");
	is_int(xj_reg_state_parse("Submitted"), -1, "state names are case-sensitive");
	is_int(xj_reg_state_parse("nonsense"), -1, "unknown state name refused");
	is_int(xj_reg_state_parse(NULL), -1, "NULL state name refused");
	is_int(xj_reg_event_parse("tick"), -1, "unknown event name refused");
	ok(xj_reg_state_name(XJ_REG__N) == NULL && xj_reg_state_zh(XJ_REG__N) == NULL &&
	    xj_reg_event_name(XJ_REV__N) == NULL && xj_cert_state_en(XJ_CERT__N) == NULL,
	    "out-of-range values have no name");
	return done_testing();
}
