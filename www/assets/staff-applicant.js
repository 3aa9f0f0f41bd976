// staff-applicant.js -- www/staff/applicant.html: a school finds an
// applicant by the pre-registration number, typed or read from the
// printed form's QR code with the device's camera (the browser's
// BarcodeDetector where it exists; feature-detected, the typed number
// otherwise), then records the documents the family showed (R-COL-12),
// ticks or unticks the child (R-ADM-1), and issues and prints the
// admission notice once the county approved.
//
// A school the family did not choose sees the child only with the form in
// hand (review M5): the QR code's text or the printed form code goes with
// every call as X-Form-Token, or the child's ID number as
// X-Child-Id-Number -- headers, never the URL. The number, the proof and
// the answer live in this module only (no URL, no storage).
import { api, busy, clearErrors, el, fieldError, formError, showApiError, t, when } from './xj.js';
import { label, may, prereg, staffPage } from './staff.js';

const S = '/api/school/v1/applicants/';
const form = document.getElementById('find');
const result = document.getElementById('result');
const scanMsg = document.getElementById('scan-msg');
let cur = null;           // {no, proof: headers, applicant}
let okText = '';

const canon = (s) => s.replace(/[\s-]/g, '').toUpperCase();
const PREREG = /^[0-9]{15}[0-9X]$/;

async function find(no, proof) {
	const r = await api('GET', S + no, undefined, proof);
	if (r.status === 200) {
		cur = { no, proof, applicant: r.body };
		okText = '';
		render();
		const h = document.getElementById('child-h');
		if (h) h.focus();
	} else {
		cur = null;
		result.replaceChildren();
		showApiError(form, r);
		// not found without the form in hand: perhaps another school's
		// applicant, whom this school sees only with the form (review M5)
		if (r.status === 404 && !proof['X-Form-Token'] && !proof['X-Child-Id-Number']) {
			document.getElementById('proof').open = true;
			form.querySelector('.form-error').append(' ', t('not_found_hint'));
		}
	}
}

form.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	clearErrors(form);
	const no = canon(form.elements.prereg_no.value);
	if (!PREREG.test(no)) {
		fieldError(form, 'prereg_no', t('prereg_format'));
		formError(form, t('fix_marked'));
		form.elements.prereg_no.focus();
		return;
	}
	const proof = {};
	const tok = form.elements.form_token.value.trim();
	const idn = form.elements.child_id_number.value.trim();
	if (tok) proof['X-Form-Token'] = tok;
	else if (idn) proof['X-Child-Id-Number'] = idn.toUpperCase();
	await busy(form, () => find(no, proof));
});

// ---- the QR code: BarcodeDetector where the browser has it ---------------

let stream = null;

async function scanner() {
	const box = document.getElementById('scan-box');
	if (!('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
		scanMsg.textContent = t('scan_unsupported');
		return;
	}
	try {
		const formats = await window.BarcodeDetector.getSupportedFormats();
		if (!formats.includes('qr_code')) { scanMsg.textContent = t('scan_unsupported'); return; }
	} catch (e) { scanMsg.textContent = t('scan_unsupported'); return; }
	box.hidden = false;
	document.getElementById('scan').addEventListener('click', () => (stream ? stop() : scan()));
}

function stop() {
	if (stream) for (const tr of stream.getTracks()) tr.stop();
	stream = null;
	const v = document.getElementById('video');
	v.hidden = true;
	v.srcObject = null;
	document.getElementById('scan').textContent = t('scan');
}

async function scan() {
	const v = document.getElementById('video');
	try {
		stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
	} catch (e) {
		scanMsg.textContent = t('scan_no_camera');
		return;
	}
	v.srcObject = stream;
	v.hidden = false;
	await v.play().catch(() => {});
	document.getElementById('scan').textContent = t('scan_stop');
	scanMsg.textContent = t('scan_hint');
	const det = new window.BarcodeDetector({ formats: ['qr_code'] });
	while (stream) {
		let codes = [];
		try { codes = await det.detect(v); } catch (e) { codes = []; }
		for (const c of codes) {
			// the form's QR code: "<prereg_no>-<form token>"
			const m = /^([0-9]{15}[0-9X])-([0-9A-Z]{16})$/i.exec((c.rawValue || '').trim());
			if (!m) { scanMsg.textContent = t('scan_not_form'); continue; }
			stop();
			const no = m[1].toUpperCase();
			form.elements.prereg_no.value = no;
			form.elements.form_token.value = '';
			form.elements.child_id_number.value = '';
			scanMsg.textContent = t('scanned', { no: prereg(no) });
			clearErrors(form);
			await busy(form, () => find(no, { 'X-Form-Token': c.rawValue.trim() }));
			return;
		}
		await new Promise((r) => setTimeout(r, 250));
	}
}

// ---- the applicant ----------------------------------------------------------

function dl(rows) {
	const d = el('dl');
	for (const [k, v] of rows) if (v !== null && v !== undefined && v !== '') d.append(el('dt', {}, t(k)), el('dd', {}, v));
	return d;
}

// a change to the applicant (documents, tick, untick): the answer is the
// applicant as it stands now; the button is disabled while it runs
async function change(f, path, body, text, button) {
	button.disabled = true;
	let r;
	try { r = await api('POST', S + cur.no + path, body, cur.proof); } finally { button.disabled = false; }
	if (r.status === 200) {
		cur.applicant = r.body;
		okText = text;
		render();
		const ok = result.querySelector('.ok-box');
		if (ok) ok.focus();
	} else showApiError(f, r);
}

function documents(a) {
	const d = a.documents;
	const f = el('form', { id: 'documents', method: 'post', novalidate: true });
	const box = el('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true });
	const ul = el('ul', { class: 'checks' });
	for (const item of d.required) {
		const id = 'doc-' + item;
		ul.append(el('li', {}, el('label', { for: id },
			el('input', { type: 'checkbox', id, name: 'items', value: item, checked: d.checked.includes(item) }),
			label('doc_', item))));
	}
	const fs = el('fieldset', { 'aria-describedby': 'err-items' }, el('legend', {}, t('documents_intro')), ul);
	const note = el('textarea', { id: 'doc-note', name: 'note', maxlength: '200', rows: '2', 'aria-describedby': 'err-note' });
	note.value = d.note || '';
	f.append(box, fs, el('p', { class: 'err', id: 'err-items', 'data-error-for': 'items', hidden: true }),
		el('label', { for: 'doc-note' }, t('documents_note')), note,
		el('p', { class: 'err', id: 'err-note', 'data-error-for': 'note', hidden: true }),
		el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, t('documents_save'))));
	f.addEventListener('submit', (ev) => {
		ev.preventDefault();
		clearErrors(f);
		const items = [...f.querySelectorAll('input[name=items]:checked')].map((x) => x.value);
		const body = { items };
		if (note.value.trim()) body.note = note.value.trim();
		change(f, '/documents-checked', body, t('documents_saved'), f.querySelector('button[type=submit]'));
	});
	return f;
}

function admission(a) {
	const out = [];
	const adm = a.admission;
	if (!adm) out.push(el('p', {}, t('adm_none')));
	else out.push(dl([['adm_school', adm.school.name], ['adm_state', label('adm_', adm.state)], ['reason_short', adm.reason],
		['notice_no', adm.notice_no]]));
	const f = el('form', { id: 'admission', method: 'post', novalidate: true },
		el('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }));
	const acts = el('div', { class: 'actions' });
	const button = (key, primary, fn) => {
		const b = el('button', { type: 'button', class: primary ? 'primary' : null }, t(key));
		b.addEventListener('click', () => fn(b));
		acts.append(b);
	};
	if (may('tick') && !adm && a.registration_state === 'printable')
		button('tick', true, (b) => change(f, '/tick', undefined, t('ticked_ok'), b));
	if (may('tick') && adm && adm.ours && (adm.state === 'ticked' || adm.state === 'returned'))
		button('untick', false, (b) => change(f, '/untick', undefined, t('unticked_ok'), b));
	if (may('notice_issue') && adm && adm.ours && adm.state === 'approved')
		button('issue_notice', true, async (b) => {
			b.disabled = true;
			const r = await api('POST', '/api/school/v1/admissions/' + cur.no + '/notice');
			b.disabled = false;
			if (r.status !== 200) { showApiError(f, r); return; }
			await find(cur.no, cur.proof);
			okText = t('notice_issued', { no: r.body.notice_no });
			render();
			const ok = result.querySelector('.ok-box');
			if (ok) ok.focus();
		});
	if (may('notice_read') && adm && adm.ours && adm.state === 'admitted')
		acts.append(el('a', { class: 'button', href: '/api/school/v1/admissions/' + cur.no + '/notice', target: '_blank', rel: 'noopener' }, t('print_notice')));
	if (acts.childElementCount) { f.append(acts); out.push(f); }
	return out;
}

function render() {
	if (!cur) { result.replaceChildren(); return; }
	const a = cur.applicant;
	const c = a.child;
	const certs = a.certificates || {};
	const sec = el('section', { class: 'card', 'aria-labelledby': 'child-h' },
		el('h2', { id: 'child-h', tabindex: '-1' }, c.name + ' · ' + a.prereg_no_display));
	if (okText) sec.append(el('p', { class: 'ok-box', role: 'status', tabindex: '-1' }, okText));
	if (a.age_warning) sec.append(el('p', { class: 'notice-box' }, t('age_warning')));
	sec.append(dl([['sex', label('sex_', c.sex)], ['birth_date', c.birth_date], ['id_number', c.id_number_masked],
		['hukou_location', c.hukou_location], ['district_s', a.district],
		['family', t(a.local_family ? 'family_local' : 'family_nonlocal')],
		['list_state', label('rs_', a.registration_state)], ['identity', label('identity_', a.identity)],
		['guardian_link', a.guardian_link ? label('gl_', a.guardian_link) : null],
		['certificates', certs.required ? label('cert_', certs.state) : t('cert_not_required')],
		['study_permit_no', certs.study_permit_no],
		['form_printable', t(a.form_printable ? 'yes' : 'no')]]));
	const docs = el('section', { 'aria-labelledby': 'docs-h' }, el('h3', { id: 'docs-h' }, t('h_documents')));
	const d = a.documents;
	docs.append(el('p', {}, t(d.complete ? 'documents_complete' : 'documents_incomplete'),
		d.checked_at ? ' · ' + t('checked_at_by', { at: when(d.checked_at), by: d.checked_by || '' }) : ''));
	if (may('tick')) docs.append(documents(a));
	const adm = el('section', { 'aria-labelledby': 'adm-h' }, el('h3', { id: 'adm-h' }, t('h_admission')), ...admission(a));
	sec.append(docs, adm);
	result.replaceChildren(sec);
}

await staffPage('applicant.html', () => {
	render();
	document.getElementById('scan').textContent = t(stream ? 'scan_stop' : 'scan');
});
scanner();
