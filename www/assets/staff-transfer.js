// staff-transfer.js -- www/staff/transfer.html: the receiving school
// applies (R-MOV-1, issue 13 item 7). A transfer (POST /transfers) names
// the pupil by number and name; when the clerk says the pupil is in another
// province the form asks for the sending school, its county and the reason
// the TransferRequest carries. A graduate of another province moving up
// (POST /graduate-moves, R-MOV-5) only while the province's window is
// open. The server's refusals are shown beside their fields or above the
// form in its words, with what to do for the ones a clerk meets
// (graduate_move_closed, transfer_same_province, transfer_record_here,
// 2001/2002/2003, no exchange configured).
import { api, busy, clearErrors, el, field, fieldError, formError, showApiError, t } from './xj.js';
import { label, may, staffPage } from './staff.js';
import './staff-exchange-strings.js';

const API = '/api/school/v1';
const tr = document.getElementById('transfer');
const gm = document.getElementById('gmove');
const NO = /^[GJL][0-9]{17}[0-9X]$/;
const WHY = ['graduate_move_closed', 'transfer_same_province', 'transfer_record_here', 'transfer_refused_2001',
	'transfer_refused_2002', 'transfer_refused_2003', 'exchange_not_configured'];

function box() { return el('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }); }
const NUM = (n) => ({ inputmode: 'numeric', maxlength: String(n), autocomplete: 'off' });

function buildTransfer() {
	const other = el('div', { id: 'tr-other-fields', hidden: true },
		field('tr', 'from_school', 'tr_from_school', NUM(10)),
		field('tr', 'from_county', 'tr_from_county', NUM(6)),
		field('tr', 'reason', 'tr_reason', { maxlength: '200', autocomplete: 'off' }));
	const where = el('fieldset', { class: 'radios' }, el('legend', { i18n: 'tr_where' }),
		el('label', { for: 'tr-here' }, el('input', { type: 'radio', id: 'tr-here', name: 'where', value: 'here', checked: true }), el('span', { i18n: 'tr_here' })),
		el('label', { for: 'tr-other' }, el('input', { type: 'radio', id: 'tr-other', name: 'where', value: 'other' }), el('span', { i18n: 'tr_other' })));
	tr.replaceChildren(box(),
		field('tr', 'student_no', 'tr_student_no', { maxlength: '19', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters' }),
		field('tr', 'name', 'tr_name', { maxlength: '64', autocomplete: 'off' }),
		where, other,
		field('tr', 'class_code', 'tr_class', NUM(7)),
		el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', i18n: 'tr_submit' })),
		el('div', { class: 'result', 'aria-live': 'polite' }));
	for (const r of tr.querySelectorAll('input[name=where]'))
		r.addEventListener('change', () => { other.hidden = tr.elements.where.value !== 'other'; });
}

function buildGraduate() {
	gm.replaceChildren(box(),
		field('gm', 'student_no', 'tr_student_no', { maxlength: '19', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters' }),
		field('gm', 'name', 'tr_name', { maxlength: '64', autocomplete: 'off' }),
		field('gm', 'from_school', 'tr_from_school', NUM(10)),
		field('gm', 'from_county', 'tr_from_county', NUM(6)),
		field('gm', 'graduation_year', 'gm_year', NUM(4)),
		field('gm', 'reason', 'tr_reason', { maxlength: '200', autocomplete: 'off' }),
		field('gm', 'class_code', 'tr_class', NUM(7)),
		el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', i18n: 'gm_submit' })),
		el('div', { class: 'result', 'aria-live': 'polite' }));
}

const v = (f, n) => f.elements[n].value.trim();

// the server's bounds, checked before sending; false when one failed
function checks(f, rules) {
	let ok = true;
	for (const [n, re, key, optional] of rules) {
		const x = v(f, n);
		if (!x && optional) continue;
		if (!x) { fieldError(f, n, t('f_required')); ok = false; } else if (re && !re.test(x)) { fieldError(f, n, t(key)); ok = false; }
	}
	if (!ok) {
		formError(f, t('fix_marked'));
		f.querySelector('[aria-invalid="true"]').focus();
	}
	return ok;
}

function result(f, html) { f.querySelector('.result').replaceChildren(...html); }

// a refusal in the server's words, and what to do where the page knows
function refused(f, r) {
	showApiError(f, r);
	const code = r.body && r.body.error && r.body.error.code;
	const codes = [code].concat(((r.body && r.body.error && r.body.error.fields) || []).map((x) => x.code));
	const known = codes.find((c) => WHY.includes(c));
	result(f, known ? [el('div', { class: 'notice-box', id: f.id + '-why' }, el('p', {}, el('strong', {}, t('tr_why_title'))),
		el('p', {}, t('why_' + known)))] : []);
}

async function submit(f, path, body) {
	const r = await busy(f, () => api('POST', API + path, body));
	if (r.status !== 201) { refused(f, r); return; }
	result(f, [el('p', { class: 'ok-box', role: 'status', tabindex: '-1', id: f.id + '-ok' },
		t('tr_started', { id: r.body.id, state: label('wfs_', r.body.state) + ' · ' + (r.body.type_name || label('wft_', r.body.type)) }))]);
	f.reset();
	if (f === tr) document.getElementById('tr-other-fields').hidden = true;
	document.getElementById(f.id + '-ok').focus();
}

tr.addEventListener('submit', (ev) => {
	ev.preventDefault();
	clearErrors(tr);
	result(tr, []);
	const other = tr.elements.where.value === 'other';
	const rules = [['student_no', NO, 'tr_no_format'], ['name'], ['class_code', /^[0-9]{7}$/, 'sp_class_format', true]];
	if (other) rules.push(['from_school', /^[0-9]{10}$/, 'tr_school_format'], ['from_county', /^[0-9]{6}$/, 'tr_county_format'], ['reason']);
	if (!checks(tr, rules)) return;
	const body = { student_no: v(tr, 'student_no').toUpperCase(), name: v(tr, 'name') };
	if (v(tr, 'class_code')) body.class_code = v(tr, 'class_code');
	if (other) Object.assign(body, { from_school: v(tr, 'from_school'), from_county: v(tr, 'from_county'), reason: v(tr, 'reason') });
	submit(tr, '/transfers', body);
});

gm.addEventListener('submit', (ev) => {
	ev.preventDefault();
	clearErrors(gm);
	result(gm, []);
	if (!checks(gm, [['student_no', NO, 'tr_no_format'], ['name'], ['from_school', /^[0-9]{10}$/, 'tr_school_format'],
		['from_county', /^[0-9]{6}$/, 'tr_county_format'], ['graduation_year', /^20[0-9]{2}$/, 'sp_year_format'],
		['reason', null, null, true], ['class_code', /^[0-9]{7}$/, 'sp_class_format', true]])) return;
	const body = { student_no: v(gm, 'student_no').toUpperCase(), name: v(gm, 'name'), from_school: v(gm, 'from_school'),
		from_county: v(gm, 'from_county'), graduation_year: Number(v(gm, 'graduation_year')) };
	if (v(gm, 'reason')) body.reason = v(gm, 'reason');
	if (v(gm, 'class_code')) body.class_code = v(gm, 'class_code');
	submit(gm, '/graduate-moves', body);
});

buildTransfer();
buildGraduate();
const me = await staffPage('transfer.html', () => {});
if (me) {
	if (!may('transfer_start')) tr.closest('section').hidden = true;
	if (!may('graduate_move_start')) gm.closest('section').hidden = true;
}
