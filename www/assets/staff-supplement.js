// staff-supplement.js -- www/staff/supplement.html: 补建学籍 and the batch
// import (issue 12 item 5, R-DUP-4, R-REC-8) for a school's clerk or
// reviewer. One pupil above grade 1 through a form (POST
// /students/supplements) whose checks mirror the server's (required
// fields, the ID number by idcheck.js, the grade that follows from the
// entry year, R-REC-10, never grade 1 of primary school); what only the
// server knows comes back beside its field in its words. A CSV file
// through POST /students/imports (atomic: a refused file lists every
// line's error, shown as a table of line, field and message). The records
// made are listed as the API answers them (the L number as it is shown to
// staff) with their status, and the school's records still waiting for the
// ministry's answer below (GET /students?status=pending_check).
import { api, busy, clearErrors, el, field, fieldError, formError, showApiError, t, words } from './xj.js';
import { may, staffPage } from './staff.js';
import { checkIdNumber, normalise, todayBeijing } from './idcheck.js';
import './staff-records-strings.js';
import './staff-exchange-strings.js';

const API = '/api/school/v1';
const form = document.getElementById('supp');
const importForm = document.getElementById('import');
const doneBox = document.getElementById('done');
const errBox = document.getElementById('import-errors');
const pendingBox = document.getElementById('pending');
let created = [];          // the records made on this page: {student_no, name, grade, status, problem_open}
let lineErrors = null;     // the refused file's errors: [{line, field, text}]
let pending = null;        // GET /students?status=pending_check's items

// the form's fields: [API name, words key, attributes]; select options
// [value, key]; ref: a list of /api/ref/v1
const TEXT = { maxlength: '200', autocomplete: 'off' };
const FIELDS = [
	['name', 'sp_name', { maxlength: '60', autocomplete: 'off' }],
	['sex', 'sex', { tag: 'select' }, [['M', 'sp_male'], ['F', 'sp_female']]],
	['id_doc_type', 'sp_id_doc_type', { tag: 'select', 'data-ref': 'id-doc-types' }],
	['id_number', 'sp_id_number', { maxlength: '32', autocomplete: 'off', spellcheck: 'false' }],
	['birth_date', 'birth_date', { type: 'date' }],
	['ethnicity', 'sp_ethnicity', { tag: 'select', 'data-ref': 'ethnicities' }],
	['nationality', 'sp_nationality', { maxlength: '32', value: '中国' }],
	['hukou_nature', 'sp_hukou_nature', { tag: 'select' },
		[['resident', 'sp_hk_resident'], ['non_agricultural', 'sp_hk_non_agricultural'], ['agricultural', 'sp_hk_agricultural']]],
	['hukou_location', 'sp_hukou_location', { inputmode: 'numeric', maxlength: '12', autocomplete: 'off' }, null, 'sp_hukou_hint'],
	['birthplace', 'sp_birthplace', { maxlength: '128' }],
	['native_place', 'sp_native_place', { maxlength: '128' }],
	['current_address', 'sp_current_address', TEXT],
	['home_address', 'sp_home_address', TEXT],
	['contact_address', 'sp_contact_address', TEXT],
	['level', 'sp_level', { tag: 'select' }, [['1', 'sp_level_1'], ['2', 'sp_level_2'], ['3', 'sp_level_3']]],
	['entry_year', 'sp_entry_year', { inputmode: 'numeric', maxlength: '4', autocomplete: 'off' }, null, 'sp_entry_hint'],
	['class_code', 'sp_class_code', { inputmode: 'numeric', maxlength: '7', autocomplete: 'off' }],
];
const OPTIONAL = ['class_code'];
const CHECKS = [['left_behind', 'sp_left_behind'], ['boarding', 'sp_boarding'], ['id_number_as_printed', 'sp_as_printed']];
const GRADES = { 1: 6, 2: 3, 3: 3 };

function option(value, key) {
	const o = el('option', { value }, key ? t(key) : value);
	if (key) o.dataset.i18n = key;
	return o;
}

function build() {
	const kids = [el('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true })];
	for (const [path, key, attrs, opts, hint] of FIELDS) {
		const f = field('s', path, key, attrs);
		const input = f.querySelector('[name]');
		if (attrs.tag === 'select') {
			input.append(option('', 'sp_choose'));
			for (const [v, k] of opts || []) input.append(option(v, k));
		}
		if (hint) {
			input.setAttribute('aria-describedby', 's-' + path + '-hint ' + input.getAttribute('aria-describedby'));
			f.insertBefore(el('p', { class: 'hint', id: 's-' + path + '-hint', i18n: hint }), input.nextSibling);
		}
		kids.push(f);
	}
	const checks = el('div', { class: 'check' });
	for (const [path, key] of CHECKS)
		checks.append(el('label', { for: 's-' + path }, el('input', { type: 'checkbox', id: 's-' + path, name: path }),
			el('span', { i18n: key })));
	kids.push(checks, el('p', { class: 'err', id: 'err-s-flags', 'data-error-for': 'id_number_as_printed', hidden: true }));
	kids.push(el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', i18n: 'sp_submit' })));
	form.replaceChildren(...kids);
}

async function refLists() {
	for (const sel of form.querySelectorAll('select[data-ref]')) {
		const r = await api('GET', '/api/ref/v1/' + sel.dataset.ref);
		if (r.status !== 200) continue;
		// Z (no document) is the no-ID review's, never a 补建's
		for (const c of r.body.items) if (!(sel.name === 'id_doc_type' && c.code === 'Z')) sel.append(el('option', { value: c.code }, c.name));
		if (sel.name === 'id_doc_type') sel.value = '1';
		if (sel.name === 'ethnicity') sel.value = '01';
	}
}

function val(name) { return form.elements[name].value.trim(); }

// the school year of today in Beijing (R-REC-10: it turns on 1 September)
function schoolYear() {
	const [y, m] = todayBeijing().split('-').map(Number);
	return m >= 9 ? y : y - 1;
}

// the checks the server makes that need nothing but the form
function check() {
	let ok = true;
	const bad = (path, text) => { fieldError(form, path, text); ok = false; };
	for (const [path] of FIELDS) if (!OPTIONAL.includes(path) && !val(path)) bad(path, t('f_required'));
	const idn = val('id_number');
	if (val('id_doc_type') === '1' && idn && !form.elements.id_number_as_printed.checked) {
		const c = checkIdNumber(idn);
		if (!c.ok) bad('id_number', t('f_' + c.code));
		else {
			if (val('birth_date') && val('birth_date') !== c.birth) bad('birth_date', t('f_birth_date_mismatch'));
			if (val('sex') && val('sex') !== c.sex) bad('sex', t('f_sex_mismatch'));
		}
	}
	if (val('hukou_location') && !/^[0-9]{6}000000$/.test(val('hukou_location'))) bad('hukou_location', t('sp_hukou_format'));
	const y = val('entry_year');
	if (y && !/^[0-9]{4}$/.test(y)) bad('entry_year', t('sp_year_format'));
	else if (y && val('level')) {
		const grade = schoolYear() - Number(y) + 1;
		if (val('level') === '1' && grade === 1) bad('entry_year', t('sp_grade_one'));
		else if (grade < 1 || grade > GRADES[val('level')]) bad('entry_year', t('sp_out_of_range'));
	}
	if (val('class_code') && !/^[0-9]{7}$/.test(val('class_code'))) bad('class_code', t('sp_class_format'));
	return ok;
}

function body() {
	const b = {};
	for (const [path] of FIELDS) {
		const v = val(path);
		if (v === '') continue;
		b[path] = path === 'entry_year' || path === 'level' ? Number(v) : path === 'id_number' ? normalise(v) : v;
	}
	for (const [path] of CHECKS) if (form.elements[path].checked) b[path] = true;
	return b;
}

form.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	clearErrors(form);
	if (!check()) {
		formError(form, t('fix_marked'));
		const first = form.querySelector('[aria-invalid="true"]');
		if (first) first.focus();
		return;
	}
	const b = body();
	const r = await busy(form, () => api('POST', API + '/students/supplements', b));
	if (r.status !== 201) { showApiError(form, r); return; }
	created = [{ id: r.body.id, student_no: r.body.student_no, name: r.body.name, grade: r.body.grade, status: r.body.status,
		problem_open: r.body.problem_open }].concat(created);
	form.reset();
	form.elements.nationality.value = '中国';
	form.elements.id_doc_type.value = '1';
	form.elements.ethnicity.value = '01';
	lineErrors = null;
	renderDone(1);
	await loadPending();
});

// ---- the import ------------------------------------------------------------

// "lines[3].birth_date" -> {line: 3, field: 'birth_date'}; "header.name",
// "lines", "body" name the whole file
function where(path) {
	const m = /^lines\[(\d+)\](?:\.(.+))?$/.exec(path || '');
	if (m) return { line: Number(m[1]), field: m[2] || '' };
	return { line: null, field: path || '' };
}

importForm.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	clearErrors(importForm);
	const file = importForm.elements.file.files[0];
	if (!file) { fieldError(importForm, 'file', t('sp_no_file')); importForm.elements.file.focus(); return; }
	// the body is the file as it is; the type is the API's, whatever the
	// browser guessed from the name (Windows says application/vnd.ms-excel)
	const r = await busy(importForm, () => api('POST', API + '/students/imports', new Blob([file], { type: 'text/csv' })));
	if (r.status === 201) {
		lineErrors = null;
		const byLine = r.body.items.map((i) => ({ id: i.id, student_no: i.student_no, status: i.status,
			problem_open: i.problem_open }));
		created = byLine.concat(created);
		importForm.reset();
		renderErrors();
		// the import answers numbers only: names and grades from the list
		// of records waiting (one request, not one per line)
		await loadPending();
		renderDone(byLine.length);
		return;
	}
	const e = r.body && r.body.error;
	if (r.status === 422 && e && e.fields && e.fields.length) {
		lineErrors = e.fields.map((f) => Object.assign(where(f.field), { words: f }));
		renderErrors();
		formError(importForm, t('sp_refused', { n: lineErrors.length }));
		return;
	}
	lineErrors = null;
	renderErrors();
	showApiError(importForm, r);
});

// a column of the file: its words on the form, and its name in the header
function column(name) {
	const k = 'sp_' + name;
	return t(k) === k ? name : t(k) + ' (' + name + ')';
}

function renderErrors() {
	if (!lineErrors) { errBox.replaceChildren(); return; }
	const tb = el('tbody');
	for (const x of lineErrors)
		tb.append(el('tr', {}, el('td', {}, x.line === null ? t('sp_whole_file') : String(x.line)),
			el('td', {}, column(x.field)), el('td', {}, words(x.words))));
	errBox.replaceChildren(el('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': 'errors-caption' },
		el('table', { class: 'data', id: 'errors-table' },
			el('caption', { id: 'errors-caption' }, t('sp_errors_caption')),
			el('thead', {}, el('tr', {}, ...['sp_line', 'sp_field', 'sp_message'].map((k) => el('th', { scope: 'col' }, t(k))))),
			tb)));
}

// ---- the records made, and those waiting ------------------------------------

function recordsTable(id, caption, rows) {
	const tb = el('tbody');
	for (const s of rows)
		tb.append(el('tr', {}, el('td', {}, s.student_no), el('th', { scope: 'row' }, s.name || '—'),
			el('td', {}, s.grade ? String(s.grade) : '—'), el('td', {}, t('st_' + s.status)),
			el('td', {}, s.problem_open ? t('sp_problem') : '—')));
	return el('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': id + '-caption' },
		el('table', { class: 'data', id },
			el('caption', { id: id + '-caption' }, caption),
			el('thead', {}, el('tr', {}, ...['sp_no', 'sp_name', 'sp_grade', 'sp_status', 'sp_problem'].map((k) => el('th', { scope: 'col' }, t(k))))),
			tb));
}

function renderDone(n) {
	if (!created.length) { doneBox.replaceChildren(); return; }
	const kids = [];
	if (n) kids.push(el('p', { class: 'ok-box', role: 'status', tabindex: '-1', id: 'done-msg' }, t('sp_created', { n })));
	kids.push(recordsTable('created-table', t('sp_created_caption'), created));
	doneBox.replaceChildren(...kids);
	if (n) document.getElementById('done-msg').focus();
}

async function loadPending() {
	const r = await api('GET', API + '/students?status=pending_check&limit=200');
	pending = r.status === 200 ? r.body.items : null;
	for (const c of created) {
		const p = pending && !c.name && pending.find((x) => x.id === c.id);
		if (p) { c.name = p.name; c.grade = p.grade; }
	}
	if (r.status !== 200) {
		pendingBox.replaceChildren(el('p', { class: 'err' }, words(r.body && r.body.error) || t('unexpected', { status: r.status })));
		return;
	}
	renderPending();
}

function renderPending() {
	if (!pending) return;
	pendingBox.replaceChildren(pending.length
		? recordsTable('pending-table', t('sp_pending_caption', { n: pending.length }), pending)
		: el('p', { id: 'pending-none' }, t('sp_pending_none')));
}

// ---- start -------------------------------------------------------------------

build();
const me = await staffPage('supplement.html', () => { renderDone(0); renderErrors(); renderPending(); });
if (me) {
	if (!may('supplement')) form.closest('section').hidden = true;
	if (!may('student_import')) importForm.closest('section').hidden = true;
	await refLists();
	await loadPending();
}
