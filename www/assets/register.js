// register.js -- register.html: the registration form (R-COL-6). Code
// lists come from /api/ref/v1/, divisions are picked province -> city ->
// county, the ID number is checked as the server checks it (idcheck.js)
// and fills in the birth date and sex; every server error is shown beside
// its field. register.html#correct is the same form for a correction
// (PUT .../registrations/{no}, R-COL-4/5): the registrations that may be
// corrected are offered by child's name (no number in the URL), the form
// is filled from the registration; identity and phone numbers come back
// masked, so the parent types them again.
import {
	api, busy, setupPage, requireSession, signOut, t, words, clearErrors, clearField,
	fieldError, formError, showApiError, DivisionPicker, el, applyStrings,
} from './xj.js';
import { checkIdNumber, normalise } from './idcheck.js';

const form = document.getElementById('register');
const F = (name) => form.elements.namedItem(name);
const district = new DivisionPicker(document.getElementById('district'));
const hukou = new DivisionPicker(document.getElementById('child-hukou_location'));
let notice = null;           // the privacy notice in force
let lastBody = null, key = null;   // the Idempotency-Key of the body last sent
const correcting = location.hash === '#correct';
let target = null;           // the registration being corrected

function option(value, label) {
	const o = document.createElement('option');
	o.value = value;
	o.textContent = label;
	return o;
}

async function codeList(sel) {
	const r = await api('GET', '/api/ref/v1/' + sel.dataset.ref);
	const first = option('', t(sel.dataset.optional ? 'none_given' : 'choose'));
	first.dataset.i18n = sel.dataset.optional ? 'none_given' : 'choose';
	sel.replaceChildren(first);
	if (r.status !== 200) return;
	for (const c of r.body.items) sel.append(option(c.code, c.name));
	if (!sel.dataset.optional && sel.name === 'child.id_doc_type') sel.value = '1';
}

function showNotice() {
	const box = document.getElementById('notice');
	if (!notice) return;
	const p = document.createElement('p');
	p.id = 'notice-label';
	p.textContent = words(notice.text);
	box.replaceChildren(p);
}

// ---- live checks, the server's rules and words ------------------------------

const said = (code) => t('f_' + code);

// the area code, which only the server can check (its table of every
// division since 1980): asked once the page's own checks pass; nothing is
// stored or logged there. A stale answer (the field changed meanwhile) is
// dropped.
const asked = {};
async function areaCheck(path, value) {
	asked[path] = value;
	const r = await api('POST', '/api/ref/v1/id-number-checks', { id_number: value });
	if (asked[path] !== value || normalise(F(path).value) !== value) return;
	const e = r.status === 422 && r.body && r.body.error;
	const f = e && e.fields && e.fields.find((x) => x.field === 'id_number');
	if (f) fieldError(form, path, words(f));
}

function checkChild() {
	const type = F('child.id_doc_type').value;
	const num = F('child.id_number');
	clearField(form, 'child.id_number');
	clearField(form, 'child.birth_date');
	clearField(form, 'child.sex');
	num.disabled = type === 'Z';
	if (type !== '1' || !num.value.trim()) return true;
	const c = checkIdNumber(num.value);
	if (!c.ok) { fieldError(form, 'child.id_number', said(c.code)); return false; }
	areaCheck('child.id_number', normalise(num.value));
	let ok = true;
	const bd = F('child.birth_date');
	if (!bd.value) bd.value = c.birth;
	else if (bd.value !== c.birth) { fieldError(form, 'child.birth_date', said('birth_date_mismatch')); ok = false; }
	const sex = form.querySelector('input[name="child.sex"]:checked');
	if (!sex) form.querySelector('input[name="child.sex"][value="' + c.sex + '"]').checked = true;
	else if (sex.value !== c.sex) { fieldError(form, 'child.sex', said('sex_mismatch')); ok = false; }
	return ok;
}

function checkGuardianId(i) {
	const path = 'guardians[' + i + '].id_number';
	clearField(form, path);
	if (F('guardians[' + i + '].id_doc_type').value !== '1' || !F(path).value.trim()) return true;
	const c = checkIdNumber(F(path).value);
	if (!c.ok) fieldError(form, path, said(c.code));
	else areaCheck(path, normalise(F(path).value));
	return c.ok;
}

for (const n of ['child.id_number', 'child.id_doc_type', 'child.birth_date'])
	F(n).addEventListener('change', checkChild);
for (const r of form.querySelectorAll('input[name="child.sex"]')) r.addEventListener('change', checkChild);
for (const i of [0, 1]) {
	F('guardians[' + i + '].id_number').addEventListener('change', () => checkGuardianId(i));
	F('guardians[' + i + '].id_doc_type').addEventListener('change', () => checkGuardianId(i));
}

// the second guardian is shown on request
const second = document.getElementById('guardian-1');
const addBtn = document.getElementById('add-guardian');
second.hidden = true;
addBtn.addEventListener('click', () => {
	second.hidden = false;
	addBtn.hidden = true;
	F('guardians[1].relation').focus();
});

// ---- the request body ---------------------------------------------------------

function val(name) {
	const v = F(name).value.trim();
	return v === '' ? undefined : v;
}

function guardian(i) {
	const g = 'guardians[' + i + '].';
	const o = {
		relation: val(g + 'relation'), relation_desc: val(g + 'relation_desc'), name: val(g + 'name'),
		phone: val(g + 'phone'), id_doc_type: val(g + 'id_doc_type'), employer: val(g + 'employer'),
	};
	const id = val(g + 'id_number');
	if (id) o.id_number = normalise(id);
	for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
	return o;
}

function body() {
	const sex = form.querySelector('input[name="child.sex"]:checked');
	const child = {
		name: val('child.name'), sex: sex ? sex.value : undefined, birth_date: val('child.birth_date'),
		id_doc_type: val('child.id_doc_type'), ethnicity: val('child.ethnicity'),
		nationality: val('child.nationality'), hukou_nature: val('child.hukou_nature'),
		hukou_location: hukou.value() ? hukou.value() + '000000' : undefined,
		birthplace: val('child.birthplace'), native_place: val('child.native_place'),
		current_address: val('child.current_address'), home_address: val('child.home_address'),
		contact_address: val('child.contact_address'),
	};
	if (child.id_doc_type !== 'Z' && val('child.id_number')) child.id_number = normalise(val('child.id_number'));
	for (const k of Object.keys(child)) if (child[k] === undefined) delete child[k];
	const b = {
		district: district.value() || undefined,
		school_code: val('school_code'),
		child,
		guardians: second.hidden ? [guardian(0)] : [guardian(0), guardian(1)],
		special_category: val('special_category'),
		left_behind: F('left_behind').checked,
		migrant_worker_child: F('migrant_worker_child').checked,
		distance_km: val('distance_km') === undefined ? undefined : Number(val('distance_km')),
		privacy_notice_version: F('privacy_notice_version').checked && notice ? notice.version : undefined,
	};
	if (Number.isNaN(b.distance_km)) b.distance_km = val('distance_km');
	for (const k of Object.keys(b)) if (b[k] === undefined) delete b[k];
	return b;
}

form.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	clearErrors(form);
	let ok = checkChild();
	for (const i of second.hidden ? [0] : [0, 1]) ok = checkGuardianId(i) && ok;
	if (!correcting && !F('privacy_notice_version').checked) {
		fieldError(form, 'privacy_notice_version', t('accept_notice_first'));
		ok = false;
	}
	if (!ok) {
		formError(form, t('fix_marked'));
		return;
	}
	const b = body();
	if (correcting) {
		if (!target) return;
		delete b.privacy_notice_version;
		const r = await busy(form, () => api('PUT', '/api/parent/v1/registrations/' + target.prereg_no, b));
		if (r.status === 200) location.assign('registrations.html');
		else showApiError(form, r);
		return;
	}
	const text = JSON.stringify(b);
	if (text !== lastBody) { lastBody = text; key = crypto.randomUUID(); }
	const r = await busy(form, () => apiWithKey(b, key));
	if (r.status === 201) location.assign('registrations.html');
	else showApiError(form, r);
});

// POST with the Idempotency-Key: a resend after a lost answer gets the
// first answer, not a second registration
async function apiWithKey(b, k) {
	return api('POST', '/api/parent/v1/registrations', b, { 'Idempotency-Key': k });
}

async function init() {
	const s = await requireSession();
	if (!s) return;
	await Promise.all([
		...[...form.querySelectorAll('select[data-ref]')].map(codeList),
		district.load(), hukou.load(),
		api('GET', '/api/ref/v1/privacy-notice').then((r) => { if (r.status === 200) { notice = r.body; showNotice(); } }),
	]);
}

// ---- correcting: the form filled from the registration ------------------------

const CORRECTABLE = ['submitted', 'id_mismatch'];

function retype(input, masked) {
	input.value = '';
	if (masked) input.placeholder = t('retype', { masked });
}

async function fill(no) {
	const r = await api('GET', '/api/parent/v1/registrations/' + no);
	if (r.status !== 200) { showApiError(form, r); return; }
	const d = r.body;
	target = d;
	clearErrors(form);
	const c = d.child;
	for (const k of ['name', 'birth_date', 'id_doc_type', 'ethnicity', 'nationality', 'hukou_nature',
		'birthplace', 'native_place', 'current_address', 'home_address', 'contact_address'])
		F('child.' + k).value = c[k] || '';
	for (const x of form.querySelectorAll('input[name="child.sex"]')) x.checked = x.value === c.sex;
	retype(F('child.id_number'), c.id_number_masked);
	F('child.id_number').disabled = c.id_doc_type === 'Z';
	d.guardians.forEach((g, i) => {
		const p = 'guardians[' + i + '].';
		for (const k of ['relation', 'relation_desc', 'name', 'employer']) F(p + k).value = g[k] || '';
		F(p + 'id_doc_type').value = g.id_doc_type || '';
		retype(F(p + 'phone'), g.phone_masked);
		retype(F(p + 'id_number'), g.id_number_masked);
	});
	second.hidden = d.guardians.length < 2;
	addBtn.hidden = !second.hidden;
	F('special_category').value = d.special_category || '';
	F('left_behind').checked = !!d.left_behind;
	F('migrant_worker_child').checked = !!d.migrant_worker_child;
	F('distance_km').value = d.distance_km === undefined || d.distance_km === null ? '' : String(d.distance_km);
	F('school_code').value = d.school ? d.school.code : '';
	await Promise.all([district.set(d.district.code), hukou.set(c.hukou_location.slice(0, 6))]);
	// another district is a new registration: the county stays
	for (const s of document.querySelectorAll('#district select')) s.disabled = true;
}

async function startCorrecting() {
	for (const [sel, key] of [['h1', 'h_correct'], ['h1 + p', 'correct_intro'],
		['button[type="submit"]', 'correct_submit']])
		document.querySelector(sel).dataset.i18n = key;
	document.getElementById('notice').closest('fieldset').hidden = true;
	applyStrings();
	const r = await api('GET', '/api/parent/v1/registrations');
	const items = r.status === 200 ? r.body.items.filter((x) => CORRECTABLE.includes(x.state)) : [];
	if (!items.length) {
		form.hidden = true;
		form.before(el('p', { class: 'form-error', role: 'alert', i18n: 'correct_none' }));
		return;
	}
	const which = el('select', { id: 'correct-which' },
		...items.map((x) => el('option', { value: x.prereg_no }, x.child_name + ' (' + x.prereg_no_display + ')')));
	const box = el('div', { class: 'field' }, el('label', { for: 'correct-which', i18n: 'correct_which' }), which);
	form.before(box);
	if (items.length === 1) which.disabled = true;
	which.addEventListener('change', () => fill(which.value));
	await fill(items[0].prereg_no);
}

function relabel() { showNotice(); district.relabel(); hukou.relabel(); }

setupPage(relabel);
document.getElementById('signout').addEventListener('click', signOut);
init().then(() => { if (correcting) startCorrecting(); });
