// staff-roster.js -- the roster (花名册) and the student record, one page:
// filters (school for bureaus, grade, class, status), the list a page at a
// time, the CSV download of the in-school roster (GET /roster?format=csv:
// the server streams, masks and audits it), and a student's record opened
// in place -- never by a URL with the student in it -- with its history,
// workflow cases and certificates of student status (issue, print).
import { api, t, words, when, el } from './xj.js';
import { label, staffPage, may } from './staff.js';
import './staff-records-strings.js';
import './staff-exchange-strings.js';

const API = '/api/school/v1';
const STATUSES = ['in_school', 'suspended', 'abroad', 'left', 'dropped_out', 'graduated', 'deceased', 'deleted',
	'pending_check', 'transferred'];

const form = document.getElementById('filters');
const list = document.getElementById('list');
const recordBox = document.getElementById('record');
const csv = document.getElementById('csv');
let me = null;             // the session answer
let rows = [];             // the items shown
let next = null;           // next_after of the last page
let current = null;        // the record shown: {student, history, cases, certs}

function query(extra) {
	const f = new FormData(form);
	const q = new URLSearchParams();
	const school = (f.get('school') || '').trim();
	if (school) q.set('school', school);
	const status = f.get('status') || 'in_school';
	if (status === 'in_school') {
		if (f.get('grade')) q.set('grade', f.get('grade'));
		if (f.get('class')) q.set('class', f.get('class'));
	} else {
		q.set('status', status);
		if (f.get('class')) q.set('class', f.get('class'));
	}
	for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
	return { status, q };
}

// the roster of in-school students, or the search by status
function listPath(after) {
	const { status, q } = query(after ? { after, limit: 50 } : { limit: 50 });
	return (status === 'in_school' ? API + '/roster?' : API + '/students?') + q.toString();
}

// the CSV of the in-school roster; a bureau's needs the school named
// (else the server's 400 would be what the browser saves)
function csvHref() {
	const { status, q } = query({ format: 'csv' });
	if (status !== 'in_school') return null;
	if (me.account.org.kind !== 'school' && !q.get('school')) return null;
	return API + '/roster?' + q.toString();
}

async function loadClasses() {
	const sel = form.elements['class'];
	const school = form.elements.school ? form.elements.school.value.trim() : '';
	sel.replaceChildren(el('option', { value: '' }, t('sr_any')));
	if (me.account.org.kind !== 'school' && !/^[0-9]{10}$/.test(school)) return;
	const r = await api('GET', API + '/classes' + (school ? '?school=' + school : ''));
	if (r.status !== 200) return;
	for (const c of r.body.items) sel.append(el('option', { value: c.code }, c.code));
}

function showError(box, r) {
	const e = r.body && r.body.error;
	box.replaceChildren(el('p', { class: 'form-error', role: 'alert' },
		e ? words(e) : t('unexpected', { status: r.status })));
}

function sexText(s) { return s === 'M' ? t('sr_male') : s === 'F' ? t('sr_female') : s; }
function statusText(s) { return t('st_' + s); }

function table() {
	const tb = el('tbody');
	for (const s of rows) {
		const open = el('button', { type: 'button', class: 'link', 'data-student': String(s.id) }, s.name);
		open.addEventListener('click', () => openRecord(s.id));
		tb.append(el('tr', {},
			el('td', {}, s.student_no),
			el('th', { scope: 'row' }, open),
			el('td', {}, sexText(s.sex)),
			el('td', {}, s.birth_date),
			el('td', {}, s.grade ? String(s.grade) : '—'),
			el('td', {}, s.class_code || '—'),
			el('td', {}, statusText(s.status)),
			me.account.org.kind === 'school' ? null : el('td', {}, s.school.name)));
	}
	const head = ['sr_no', 'sr_name', 'sr_sex', 'sr_birth', 'sr_grade', 'sr_class', 'sr_status'];
	if (me.account.org.kind !== 'school') head.push('sr_school');
	return el('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': 'list-caption' },
		el('table', { class: 'data', id: 'roster-table' },
			el('caption', { id: 'list-caption' }, t('sr_caption', { n: rows.length })),
			el('thead', {}, el('tr', {}, ...head.map((k) => el('th', { scope: 'col' }, t(k))))),
			tb));
}

function renderList() {
	if (!rows.length) {
		list.replaceChildren(el('p', { id: 'empty' }, t('sr_none')));
		return;
	}
	const kids = [table()];
	if (next) {
		const more = el('button', { type: 'button', class: 'secondary', id: 'more' }, t('sr_more'));
		more.addEventListener('click', () => load(next));
		kids.push(more);
	}
	list.replaceChildren(...kids);
}

async function load(after) {
	if (!after) { rows = []; next = null; }
	const href = csvHref();
	csv.hidden = !href;
	if (href) csv.setAttribute('href', href);
	const r = await api('GET', listPath(after));
	if (r.status !== 200) { showError(list, r); return; }
	rows = rows.concat(r.body.items);
	next = r.body.next_after;
	renderList();
}

// ---- the record ------------------------------------------------------------

function dl(pairs) {
	const d = el('dl');
	for (const [k, v] of pairs) d.append(el('dt', {}, t(k)), el('dd', {}, v === null || v === '' || v === undefined ? '—' : String(v)));
	return d;
}

function yes(b) { return b ? t('sr_yes') : t('sr_no_'); }

function renderRecord() {
	const { student: s, history, cases, certs } = current;
	const back = el('button', { type: 'button', class: 'link', id: 'back' }, t('sr_back'));
	back.addEventListener('click', closeRecord);
	const kids = [back, el('h1', { id: 'record-h', tabindex: '-1' }, s.name)];
	kids.push(el('section', { class: 'card', 'aria-labelledby': 'rec-basic' },
		el('h3', { id: 'rec-basic' }, t('sr_basic')),
		dl([['sr_no', s.student_no + (s.temporary_number ? ' (' + t('sr_temporary') + ')' : '')],
			['sr_sex', sexText(s.sex)], ['sr_birth', s.birth_date],
			['sr_school', s.school.name], ['sr_entry', s.entry_month], ['sr_grade', s.grade],
			['sr_class', s.class_code], ['sr_status', statusText(s.status)],
			['sr_local', yes(s.local_family)], ['sr_left_behind', yes(s.left_behind)],
			['sr_boarding', yes(s.boarding)], ['sr_current_address', s.current_address],
			['sr_problem', s.problem_open ? t('sr_problem_open') : t('sr_none_short')],
			// issue 13 item 6: where the record came from and stands with the ministry
			['og_label', s.origin ? label('og_', s.origin) : null],
			['nc_label', s.national_check ? label('nc_', s.national_check) : null]])));
	// history of the record (year-end batches, problem records ...)
	const h = el('section', { class: 'card', 'aria-labelledby': 'rec-history' }, el('h3', { id: 'rec-history' }, t('sr_history')));
	if (history && history.items.length) {
		const ul = el('ul', { class: 'history', id: 'history' });
		for (const e of history.items)
			ul.append(el('li', {}, el('span', { class: 'at' }, when(e.at)), ' ',
				t('hk_' + e.kind) === 'hk_' + e.kind ? e.kind : t('hk_' + e.kind),
				e.from_grade || e.to_grade ? ' (' + (e.from_grade || '—') + ' → ' + (e.to_grade || '—') + ')' : '',
				e.kind === 'number_issued' ? ' — ' + t('nh_line', { old: e.student_no_old, new: e.student_no_new }) : ''));
		h.append(ul);
	} else h.append(el('p', {}, history ? t('sr_history_none') : t('sr_unavailable')));
	kids.push(h);
	// the numbers the record had (R-REC-1: an L number replaced, never reused)
	if (history) {
		const issued = history.items.filter((e) => e.kind === 'number_issued');
		const n = el('section', { class: 'card', 'aria-labelledby': 'rec-numbers' }, el('h3', { id: 'rec-numbers' }, t('nh_title')));
		if (issued.length) {
			const ul = el('ul', { class: 'history', id: 'numbers' });
			for (const e of issued)
				ul.append(el('li', {}, el('span', { class: 'at' }, when(e.at)), ' ',
					t('nh_line', { old: e.student_no_old, new: e.student_no_new })));
			n.append(ul);
		} else n.append(el('p', {}, t('nh_none')));
		kids.push(n);
	}
	// workflow cases: transfers
	const w = el('section', { class: 'card', 'aria-labelledby': 'rec-cases' }, el('h3', { id: 'rec-cases' }, t('sr_cases')));
	if (cases && cases.items.length) {
		const ul = el('ul', { class: 'history', id: 'cases' });
		for (const c of cases.items)
			ul.append(el('li', {}, el('span', { class: 'at' }, when(c.started_at)), ' ', c.type_name || c.type, ': ',
				(c.from_school && c.from_school.name) || '—', ' → ', (c.to_school && c.to_school.name) || '—',
				' · ', t('wf_' + c.state), c.reason ? ' — ' + c.reason : ''));
		w.append(ul);
	} else w.append(el('p', {}, cases ? t('sr_cases_none') : t('sr_unavailable')));
	kids.push(w);
	// certificates of student status
	const c = el('section', { class: 'card', 'aria-labelledby': 'rec-certs' }, el('h3', { id: 'rec-certs' }, t('sr_certs')));
	const msg = el('p', { class: 'status', id: 'cert-msg', role: 'status' });
	if (certs && certs.items.length) {
		const ul = el('ul', { class: 'history', id: 'certs' });
		for (const x of certs.items) {
			const li = el('li', {}, el('span', { class: 'serial' }, x.serial), ' · ', when(x.issued_at), ' · ',
				x.issued_by && x.issued_by.name ? x.issued_by.name : '');
			if (may('scert_print')) {
				li.append(' ', el('a', { href: API + '/status-certificates/' + x.serial + '/print', target: '_blank',
					rel: 'noopener', class: 'print' }, t('sr_print')));
			}
			ul.append(li);
		}
		c.append(ul);
	} else c.append(el('p', {}, certs ? t('sr_certs_none') : t('sr_unavailable')));
	if (may('scert_issue') && (s.status === 'in_school' || s.status === 'graduated')) {
		const b = el('button', { type: 'button', class: 'primary', id: 'issue' }, t('sr_issue'));
		b.addEventListener('click', async () => {
			b.disabled = true;
			const r = await api('POST', API + '/students/' + s.id + '/status-certificates');
			b.disabled = false;
			if (r.status !== 201) { showError(msg, r); return; }
			await openRecord(s.id, t('sr_issued', { serial: r.body.serial }));
		});
		c.append(b);
	}
	c.append(msg);
	kids.push(c);
	recordBox.replaceChildren(...kids);
}

async function openRecord(id, note) {
	const r = await api('GET', API + '/students/' + id);
	if (r.status !== 200) { showError(list, r); return; }
	const [h, w, c] = await Promise.all([
		api('GET', API + '/students/' + id + '/history'),
		api('GET', API + '/students/' + id + '/workflow-cases'),
		api('GET', API + '/status-certificates?student=' + id),
	]);
	current = { student: r.body, history: h.status === 200 ? h.body : null,
		cases: w.status === 200 ? w.body : null, certs: c.status === 200 ? c.body : null };
	renderRecord();
	if (note) document.getElementById('cert-msg').textContent = note;
	document.getElementById('roster-part').hidden = true;
	recordBox.hidden = false;
	document.getElementById('record-h').focus();
}

function closeRecord() {
	current = null;
	recordBox.hidden = true;
	recordBox.replaceChildren();
	document.getElementById('roster-part').hidden = false;
	const b = list.querySelector('button[data-student]');
	if (b) b.focus();
}

// ---- start -----------------------------------------------------------------

me = await staffPage('roster.html', () => {
	if (current) renderRecord();
	else renderList();
	fillStatuses();
});
if (me) {
	const schoolRow = document.getElementById('school-row');
	schoolRow.hidden = me.account.org.kind === 'school';
	fillStatuses();
	form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
	form.elements.school.addEventListener('change', loadClasses);
	form.elements.status.addEventListener('change', () => {
		form.elements.grade.disabled = form.elements.status.value !== 'in_school';
	});
	await loadClasses();
	if (me.account.org.kind === 'school') await load();
	else list.replaceChildren(el('p', {}, t('sr_pick_school')));
}

function fillStatuses() {
	const sel = form.elements.status;
	const v = sel.value || 'in_school';
	sel.replaceChildren(...STATUSES.map((s) => el('option', { value: s }, statusText(s))));
	sel.value = v;
}
