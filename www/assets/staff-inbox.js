// staff-inbox.js -- www/staff/inbox.html: what waits for the org, by what
// the account may read (the session's "may"): the five-certificate
// reviews, children without an identity document, district changes,
// admission lists and workflow steps (overdue and escalated flagged),
// with their counts. An item opens in place (never by a URL that names a
// child) with what the API tells about it and, where the account may
// decide, the decision: approve, or reject / return / refuse with a
// reason the family or school reads.
import { api, el, t, when, words } from './xj.js';
import { current, decisionForm, label, may, prereg, staffPage } from './staff.js';
import './staff-exchange-strings.js';

const S = '/api/school/v1/';
const box = document.getElementById('inbox');
const alertsBox = document.getElementById('alerts');
let data = {};            // section id -> {items, more, ...}
let opened = null;        // {sec, item}: re-opened after a language switch
let okText = '';

function myCode() { return current().account.org.code; }
function nameOf(o) { return o && (o.name || o.code) || ''; }
function dl(rows) {
	const d = el('dl');
	for (const [k, v] of rows) if (v !== null && v !== undefined && v !== '') d.append(el('dt', {}, t(k)), el('dd', {}, v));
	return d;
}
function tags(it) {
	const s = el('span');
	if (it.overdue) s.append(' ', el('span', { class: 'tag late' }, t('overdue')));
	if (it.escalated) s.append(' ', el('span', { class: 'tag up' }, t('escalated')));
	return s;
}
async function both(paths) {
	const rs = await Promise.all(paths.map((p) => api('GET', p)));
	const bad = rs.find((r) => r.status !== 200);
	if (bad) return { error: bad };
	return { items: rs.flatMap((r) => r.body.items), more: rs.some((r) => r.body.next_after) };
}

// ---- the sections: who sees them, what they load, their columns, and
// what an opened item shows ------------------------------------------------

const SECTIONS = [
	{
		id: 'cert', key: 'sec_cert', may: 'cert_read',
		load: () => both([S + 'certificate-reviews?state=submitted']),
		cols: [['child_name', (i) => i.child_name], ['prereg_no', (i) => i.prereg_no_display],
			['district_s', (i) => nameOf(i.district)], ['filed_at', (i) => when(i.submitted_at)]],
		title: (i) => i.child_name,
		open: openCert,
	},
	{
		id: 'noid', key: 'sec_noid', may: 'noid_read',
		load: () => both([S + 'no-id-reviews']),
		cols: [['child_name', (i) => i.child.name], ['prereg_no', (i) => i.prereg_no_display],
			['district_s', (i) => nameOf(i.district)], ['family', (i) => t(i.local_family ? 'family_local' : 'family_nonlocal')],
			['registered_at_s', (i) => when(i.registered_at)]],
		title: (i) => i.child.name,
		open: openNoid,
	},
	{
		id: 'change', key: 'sec_change', may: 'change_read',
		load: () => both([S + 'district-changes?state=requested', S + 'district-changes?state=revoked']),
		cols: [['child_name', (i) => i.child_name], ['prereg_no', (i) => prereg(i.prereg_no)],
			['change_from', (i) => i.from_district], ['change_to', (i) => i.to_district],
			['list_state', (i) => t(i.state === 'revoked' ? 'change_wait_new' : 'change_wait_old')],
			['filed_at', (i) => when(i.requested_at)]],
		title: (i) => i.child_name,
		open: openChange,
	},
	{
		id: 'lists', key: 'sec_lists', may: 'list_read',
		load: () => both([S + 'admission-lists?state=submitted', S + 'admission-lists?state=deciding']),
		cols: [['list_school', (i) => nameOf(i.school)], ['list_children', (i) => String(i.children)],
			['list_state', (i) => label('list_state_', i.state)], ['list_submitted_at', (i) => when(i.submitted_at)]],
		title: (i) => nameOf(i.school),
		// a list opens on its own page (its id names no child)
		link: (i) => 'lists.html#list-' + i.id,
	},
	{
		// issue 12 R-DUP-1, issue 13 item 6: the open problem groups with a
		// record in scope, national ones with the other provinces' records
		id: 'problem', key: 'sec_problem', may: 'problem_read',
		load: async () => {
			const r = await api('GET', S + 'problem-groups?limit=50');
			if (r.status !== 200) return { error: r };
			return { items: r.body.items.filter((g) => g.state === 'open'), more: !!r.body.next };
		},
		cols: [['pg_kind', (g) => label('pg_kind_', g.kind)], ['pg_national', (g) => t(g.national ? 'yes' : 'no')],
			['pg_members', (g) => String(g.members)], ['pg_created', (g) => when(g.created_at)]],
		title: (g) => label('pg_kind_', g.kind) + ' #' + g.id,
		open: openGroup,
	},
	{
		id: 'wf', key: 'sec_wf', may: 'wf_read',
		load: async () => {
			const r = await api('GET', S + 'workflow/inbox');
			if (r.status !== 200) return { error: r };
			return { items: r.body.items, notices: r.body.notices, started: r.body.started || [], counts: r.body.counts, more: false };
		},
		cols: [['wf_type', (i) => label('wft_', i.type) + (i.asked_by ? ' · ' + t('wf_asked_by_value', { school: i.asked_by.school_code, county: i.asked_by.county_code }) : '')],
			['wf_student', (i) => i.student_name],
			['wf_steps', (i) => t('wf_step', { n: i.step }) + ' · ' + label('wf_party_', i.party)],
			['deadline', (i) => { const s = el('span', {}, i.deadline || '—', i.deadline_provisional ? t('deadline_provisional') : ''); s.append(tags(i)); return s; }]],
		title: (i) => i.student_name,
		late: (i) => i.overdue,
		open: openCase,
	},
];

function visible() { return SECTIONS.filter((s) => may(s.may)); }

async function refresh() {
	const secs = visible();
	const res = await Promise.all(secs.map((s) => s.load()));
	// the session ended meanwhile: what is shown stays (staff.js says why)
	if (res.some((x) => x.error && x.error.status === 401)) return;
	data = {};
	secs.forEach((s, i) => { data[s.id] = res[i]; });
	const a = await api('GET', S + 'alerts');
	data.alerts = a.status === 200 ? a.body.items : [];
	render();
}

function count(sec) {
	const d = data[sec.id];
	if (!d || d.error) return '—';
	return d.more ? t('more_than', { n: d.items.length }) : String(d.items.length);
}

function render() {
	alertsBox.replaceChildren(...(data.alerts || []).map((a) =>
		el('p', { class: a.severity === 'error' ? 'authlost' : 'notice-box' }, words(a))));
	const secs = visible();
	const counts = el('ul', { class: 'counts', 'aria-label': t('inbox_counts') });
	for (const s of secs) {
		const li = el('li', {}, el('a', { href: '#sec-' + s.id }, el('span', { class: 'n' }, count(s)), t(s.key)));
		const d = data[s.id];
		if (s.id === 'wf' && d && d.items) {
			const late = d.items.filter((i) => i.overdue).length;
			if (late) li.append(el('span', { class: 'late' }, ' ' + late + ' ' + t('overdue')));
		}
		counts.append(li);
	}
	const out = [];
	if (okText) out.push(el('p', { class: 'ok-box', role: 'status' }, okText));
	out.push(counts);
	let any = false;
	for (const s of secs) {
		const d = data[s.id];
		const sec = el('section', { id: 'sec-' + s.id, 'aria-labelledby': 'h-' + s.id });
		sec.append(el('h2', { id: 'h-' + s.id }, t(s.key) + ' (' + count(s) + ')'));
		if (!d || d.error) {
			sec.append(el('p', { class: 'err' }, d && d.error ? words(d.error.body && d.error.body.error) || t('unexpected', { status: d.error.status }) : ''));
		} else if (!d.items.length) {
			sec.append(el('p', {}, t('inbox_empty')));
		} else {
			any = true;
			sec.append(table(s, d.items));
		}
		if (s.id === 'wf' && d && d.started && d.started.length) sec.append(startedList(d.started));
		if (s.id === 'wf' && d && d.notices && d.notices.length) sec.append(notices(d.notices));
		if (opened && opened.sec === s.id) sec.append(opened.panel);
		out.push(sec);
	}
	if (!any && !secs.length) out.push(el('p', {}, t('inbox_empty')));
	box.replaceChildren(...out);
}

function table(s, items) {
	const head = el('tr', {}, ...s.cols.map(([k]) => el('th', { scope: 'col' }, t(k))), el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, t('open'))));
	const body = el('tbody');
	for (const it of items) {
		const tr = el('tr', { class: s.late && s.late(it) ? 'late' : null });
		for (const [, f] of s.cols) tr.append(el('td', {}, f(it)));
		const name = t('open') + '：' + s.title(it);
		if (s.link) tr.append(el('td', {}, el('a', { href: s.link(it), 'aria-label': name }, t('open'))));
		else {
			const b = el('button', { type: 'button', 'aria-label': name }, t('open'));
			b.addEventListener('click', () => openItem(s, it));
			tr.append(el('td', {}, b));
		}
		body.append(tr);
	}
	return el('div', { class: 'tablewrap' }, el('table', { class: 'data' }, el('thead', {}, head), body));
}

// the org's own applications still open (a transfer it asked for): each
// opens in place, a cross-province one with the other side's progress
function startedList(list) {
	const wf = SECTIONS.find((x) => x.id === 'wf');
	const body = el('tbody');
	for (const c of list) {
		const b = el('button', { type: 'button', 'aria-label': t('open') + '：' + c.student_name }, t('open'));
		b.addEventListener('click', () => openItem(wf, { case_id: c.case_id, step: -1, student_name: c.student_name }));
		body.append(el('tr', { 'data-case': String(c.case_id) }, el('td', {}, label('wft_', c.type)), el('td', {}, c.student_name),
			el('td', {}, t('wf_step', { n: c.step })), el('td', {}, when(c.started_at)), el('td', {}, b)));
	}
	return el('div', { class: 'tablewrap' }, el('table', { class: 'data', id: 'started' }, el('caption', {}, t('sec_started')),
		el('thead', {}, el('tr', {}, ...['wf_type', 'wf_student', 'wf_steps', 'filed_at'].map((k) => el('th', { scope: 'col' }, t(k))),
			el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, t('open'))))), body));
}

// a notice names its case: it opens in place as an inbox item does (the
// receiving school follows a case it started -- a cross-province one's
// other side included -- once its own step is done)
function notices(list) {
	const ul = el('ul', { class: 'history', id: 'notices' });
	const wf = SECTIONS.find((x) => x.id === 'wf');
	for (const n of list) {
		const li = el('li', { 'data-case': String(n.case_id) }, el('span', { class: 'at' }, when(n.at) + ' '), label('notice_', n.kind) + '：' + (n.student_name || ''));
		if (n.case_id) {
			const b = el('button', { type: 'button', class: 'link', 'aria-label': t('open') + '：' + label('notice_', n.kind) + ' ' + (n.student_name || '') }, t('open'));
			b.addEventListener('click', () => openItem(wf, { case_id: n.case_id, step: -1, student_name: n.student_name }));
			li.append(' ', b);
		}
		ul.append(li);
	}
	return el('div', {}, el('h3', {}, t('sec_notices')), ul);
}

// ---- an opened item ------------------------------------------------------

async function openItem(s, it) {
	okText = '';
	const panel = el('div', { class: 'panel', role: 'region', 'aria-labelledby': 'panel-h' });
	const h = el('h3', { id: 'panel-h', tabindex: '-1' }, s.title(it));
	const close = el('button', { type: 'button' }, t('close'));
	close.addEventListener('click', () => { opened = null; render(); });
	panel.append(h, el('p', {}, t('loading')));
	opened = { sec: s.id, item: it, panel };
	render();
	const body = await s.open(it);
	panel.replaceChildren(h, ...body, el('div', { class: 'actions' }, close));
	h.focus();
}

async function decided(text) {
	opened = null;
	okText = text || t('decided_ok');
	await refresh();
	const ok = box.querySelector('.ok-box');
	if (ok) { ok.tabIndex = -1; ok.focus(); }
}

function failed(r) {
	return [el('p', { class: 'err' }, words(r.body && r.body.error) || t('unexpected', { status: r.status }))];
}

async function openCert(it) {
	const r = await api('GET', S + 'certificate-reviews/' + it.prereg_no);
	if (r.status !== 200) return failed(r);
	const v = r.body;
	const out = [dl([['prereg_no', v.prereg_no_display], ['child_name', v.child.name], ['sex', label('sex_', v.child.sex)],
		['birth_date', v.child.birth_date], ['hukou_location', v.child.hukou_location], ['district_s', nameOf(v.district)],
		['identity_checked', t(v.identity_verified ? 'yes' : 'no')], ['list_state', label('rs_', v.registration_state)],
		['filed_at', when(v.submitted_at)]]), el('h4', {}, t('cert_details'))];
	for (const [k, o] of Object.entries(v.details || {})) {
		if (!o) continue;
		out.push(el('h5', {}, label('cert_', k)), dl(Object.entries(o).map(([f, x]) => ['cf_' + f, x])));
	}
	if (may('cert_decide') && v.state === 'submitted')
		out.push(decisionForm({
			choices: [['approve', 'approve'], ['reject', 'reject']], needReason: ['reject'],
			send: (d, why) => api('POST', S + 'certificate-reviews/' + it.prereg_no + '/decision', why ? { decision: d, reason: why } : { decision: d }),
			done: () => decided(),
		}));
	return out;
}

async function openNoid(it) {
	const out = [dl([['prereg_no', it.prereg_no_display], ['child_name', it.child.name], ['sex', label('sex_', it.child.sex)],
		['birth_date', it.child.birth_date], ['district_s', nameOf(it.district)],
		['family', t(it.local_family ? 'family_local' : 'family_nonlocal')], ['registered_at_s', when(it.registered_at)]])];
	if (may('noid_decide'))
		out.push(decisionForm({
			choices: [['approve', 'approve'], ['reject', 'reject']], needReason: ['reject'],
			send: (d, why) => api('POST', S + 'no-id-reviews/' + it.prereg_no + '/decision',
				Object.assign({ decision: d, version: it.version }, why ? { reason: why } : {})),
			done: () => decided(),
		}));
	return out;
}

async function openChange(it) {
	const out = [dl([['prereg_no', prereg(it.prereg_no)], ['child_name', it.child_name], ['change_from', it.from_district],
		['change_to', it.to_district], ['change_reason', it.reason], ['filed_at', when(it.requested_at)]])];
	if (may('change_revoke') && it.state === 'requested' && it.from_district === myCode()) {
		const b = el('button', { type: 'button', class: 'primary' }, t('change_revoke'));
		const err = el('p', { class: 'err', role: 'alert' });
		b.addEventListener('click', async () => {
			b.disabled = true;
			const r = await api('POST', S + 'district-changes/' + it.id + '/revoke');
			b.disabled = false;
			if (r.status === 200) decided();
			else err.textContent = words(r.body && r.body.error) || t('unexpected', { status: r.status });
		});
		out.push(el('p', {}, t('change_revoke_hint')), el('div', { class: 'actions' }, b), err);
	} else if (may('change_decide') && it.state === 'revoked' && it.to_district === myCode()) {
		out.push(decisionForm({
			choices: [['approve', 'approve'], ['refuse', 'refuse']], needReason: ['refuse'],
			send: (d, why) => api('POST', S + 'district-changes/' + it.id + '/decision', why ? { decision: d, reason: why } : { decision: d }),
			done: () => decided(),
		}));
	}
	return out;
}

async function openCase(it) {
	const r = await api('GET', S + 'workflow/cases/' + it.case_id);
	if (r.status !== 200) return failed(r);
	const c = r.body;
	const rows = [['wf_type', c.type_name || label('wft_', c.type)], ['wf_student', c.student.name + ' ' + (c.student.student_no || '')],
		['list_state', label('wfs_', c.state)], ['filed_at', when(c.started_at)], ['reason_short', c.reason]];
	// a request relayed from another province: who asks, and why (issue 13 item 7)
	const x = c.exchange;
	if (x && x.receiving_school_code)
		rows.push(['wf_asked_by', t('wf_asked_by_value', { school: x.receiving_school_code,
			county: x.receiving_county_code }) + (x.reason ? ' · ' + x.reason : '')]);
	if (x) rows.push(['xc_transfer_id', x.transfer_id], ['xc_graduation_year', x.graduation_year ? String(x.graduation_year) : null]);
	const out = [dl(rows)];
	if (x && x.sending_school_code) out.push(otherSide(x));
	const head = el('tr', {}, ...['wf_steps', 'list_school', 'list_state', 'deadline', 'reason_short'].map((k) => el('th', { scope: 'col' }, t(k))));
	const body = el('tbody');
	for (const st of c.steps) {
		const d = el('td', {}, st.deadline || '—', st.deadline_provisional ? t('deadline_provisional') : '');
		d.append(tags({ overdue: st.overdue && st.state === 'open', escalated: st.escalations > 0 }));
		body.append(el('tr', { class: st.overdue && st.state === 'open' ? 'late' : null },
			el('td', {}, st.seq + ' · ' + label('wf_party_', st.party)), el('td', {}, nameOf(st.org)),
			el('td', {}, label('wfs_', st.state)), d, el('td', {}, st.reason || st.escalation_reason || '')));
	}
	out.push(el('div', { class: 'tablewrap' }, el('table', { class: 'data' }, el('caption', {}, t('wf_steps')), el('thead', {}, head), body)));
	// the exchange's step is the other province's: no one here decides it
	const now = c.steps.find((st) => st.seq === c.current_step);
	if (now && now.by_exchange && c.state === 'open') out.push(el('p', { class: 'notice-box', id: 'xc-wait' }, t('xc_by_exchange')));
	else if (may('wf_decide') && c.state === 'open' && c.current_step === it.step)
		out.push(decisionForm({
			choices: [['approve', 'approve'], ['reject', 'reject']], needReason: ['reject'],
			send: (d, why) => api('POST', S + 'workflow/cases/' + it.case_id + '/decision',
				Object.assign({ step: it.step, decision: d }, why ? { reason: why } : {})),
			done: () => decided(),
		}));
	return out;
}

// the receiving side of a cross-province move (R-MOV-7): whom it asks,
// whether the request went, and each decision of the other province as it
// arrived, a refusal with its code's meaning (R-MOV-2)
function otherSide(x) {
	const sec = el('section', { class: 'exchange', 'aria-labelledby': 'xc-h' }, el('h4', { id: 'xc-h' }, t('xc_title')),
		dl([['xc_asks', t('xc_asks_value', { school: x.sending_school_code, county: x.sending_county_code })
			+ (x.reason ? ' · ' + x.reason : '')],
		['xc_request', x.request ? t('xc_request_' + x.request) : null],
		['xc_record', x.student_id ? t('xc_record_value', { id: x.student_id }) : null]]));
	const ds = x.decisions || [];
	if (!ds.length) { sec.append(el('p', { id: 'xc-none' }, t('xc_none'))); return sec; }
	const body = el('tbody');
	for (const d of ds)
		body.append(el('tr', { 'data-step': d.step }, el('td', {}, label('xc_step_', d.step)), el('td', {}, label('xc_', d.decision)),
			el('td', {}, d.refusal_code ? label('xc_code_', d.refusal_code) : '—'), el('td', {}, d.reason || ''), el('td', {}, when(d.decided_at))));
	sec.append(el('div', { class: 'tablewrap' }, el('table', { class: 'data', id: 'xc-decisions' }, el('caption', {}, t('xc_decisions')),
		el('thead', {}, el('tr', {}, ...['xc_step', 'xc_decision', 'xc_code', 'reason_short', 'xc_at'].map((k) => el('th', { scope: 'col' }, t(k))))),
		body)));
	return sec;
}

// a problem group: our records (names only where in scope), and for a
// national group the other provinces' records as the ministry masked them
async function openGroup(g) {
	const r = await api('GET', S + 'problem-groups/' + g.id);
	if (r.status !== 200) return failed(r);
	const v = r.body;
	const out = [dl([['pg_kind', label('pg_kind_', v.kind)], ['list_state', label('pg_state_', v.state)],
		['pg_created', when(v.created_at)], ['pg_national_id', v.national ? v.national.group_id : null]])];
	const mb = el('tbody');
	for (const m of v.members)
		mb.append(el('tr', {}, el('td', {}, m.name || t('pg_not_in_scope')), el('td', {}, m.student_no || '—'),
			el('td', {}, m.school_name), el('td', {}, m.id_number_masked || '—'), el('td', {}, label('pg_nk_', m.reason)),
			el('td', {}, label('pg_ms_', m.state))));
	out.push(el('div', { class: 'tablewrap' }, el('table', { class: 'data', id: 'pg-members' }, el('caption', {}, t('pg_members')),
		el('thead', {}, el('tr', {}, ...['pg_name', 'pg_no', 'pg_school', 'pg_id_masked', 'pg_reason', 'pg_member_state'].map((k) => el('th', { scope: 'col' }, t(k))))),
		mb)));
	if (v.national && v.national.others && v.national.others.length) {
		const ob = el('tbody');
		for (const o of v.national.others)
			ob.append(el('tr', {}, el('td', {}, o.province), el('td', {}, o.school_name), el('td', {}, o.name),
				el('td', {}, label('sex_', o.sex)), el('td', {}, o.birth_date), el('td', {}, o.student_no), el('td', {}, o.id_number_masked || '—')));
		out.push(el('div', { class: 'tablewrap' }, el('table', { class: 'data', id: 'pg-others' }, el('caption', {}, t('pg_others')),
			el('thead', {}, el('tr', {}, ...['pg_province', 'pg_school', 'pg_name', 'sex', 'birth_date', 'pg_no', 'pg_id_masked'].map((k) => el('th', { scope: 'col' }, t(k))))),
			ob)));
	}
	return out;
}

await staffPage('inbox.html', async () => {
	if (opened) {
		const s = SECTIONS.find((x) => x.id === opened.sec);
		await openItem(s, opened.item);
	} else render();
});
await refresh();
