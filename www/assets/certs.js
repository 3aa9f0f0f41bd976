// certs.js -- the five certificates of a non-local family (五证, R-COL-9)
// and, for renters, the rental-housing verification, as the API takes
// them (POST .../certificates: numbers and dates typed from the papers;
// the district checks the papers themselves). Opened in place on the
// registrations page. The page flags what it can before sending, in the
// server's words (a missing item, a residence permit already expired, a
// start date in the future); every server error shows beside its field.
import { api, busy, t, clearErrors, fieldError, formError, showApiError, el, field, alertBox } from './xj.js';
import { todayBeijing } from './idcheck.js';

// [group, [path, label key, attrs]...]; paths are the API's
const GROUPS = [
	['c_work', [['work_in_city.employer', 'c_work_employer', { maxlength: '100' }],
		['work_in_city.permit_or_contract_no', 'c_work_no', { maxlength: '64', autocomplete: 'off' }],
		['work_in_city.since', 'c_work_since', { type: 'date' }]]],
	['c_residence', [['residence_in_city.address', 'c_residence_address', { maxlength: '200' }],
		['residence_in_city.proof_no', 'c_residence_proof', { maxlength: '64', autocomplete: 'off' }]]],
	['c_hukou', [['hukou_book.holder_name', 'c_hukou_holder', { maxlength: '60', autocomplete: 'off' }],
		['hukou_book.book_no', 'c_hukou_book', { maxlength: '64', autocomplete: 'off' }]]],
	['c_permit', [['residence_permit.permit_no', 'c_permit_no', { maxlength: '64', autocomplete: 'off' }],
		['residence_permit.valid_until', 'c_permit_until', { type: 'date' }]]],
	['c_noguard', [['no_guardian_at_home.certificate_no', 'c_noguard_no', { maxlength: '64', autocomplete: 'off' }],
		['no_guardian_at_home.issued_by', 'c_noguard_by', { maxlength: '100' }]]],
];
const RENTAL = ['c_rental', [['rental_verification.contract_no', 'c_rental_no', { maxlength: '64', autocomplete: 'off' }],
	['rental_verification.address', 'c_rental_address', { maxlength: '200' }]]];

function group(prefix, [legend, fields]) {
	const fs = el('fieldset', { class: 'group' }, el('legend', { i18n: legend }));
	for (const [path, key, attrs] of fields) fs.append(field(prefix, path, key, attrs));
	return fs;
}

// the panel with the form; done() after a filing
export async function certificatesForm(prereg, prefix, done) {
	prefix += '-certs';
	const box = el('section', { class: 'panel', 'aria-labelledby': prefix + '-h' },
		el('h3', { id: prefix + '-h', i18n: 'h_certs' }), el('p', { class: 'hint', i18n: 'certs_intro' }));
	const f = el('form', { method: 'post', novalidate: '' });
	f.append(alertBox());
	for (const g of GROUPS) f.append(group(prefix, g));
	const renting = el('input', { type: 'checkbox', id: prefix + '-renting' });
	f.append(el('div', { class: 'field check' }, el('label', { for: prefix + '-renting' }, renting, ' ',
		el('span', { i18n: 'c_renting' }))));
	const rental = group(prefix, RENTAL);
	rental.hidden = true;
	renting.addEventListener('change', () => { rental.hidden = !renting.checked; });
	f.append(rental, el('button', { type: 'submit', class: 'primary', i18n: 'certs_submit' }));
	box.append(f);

	// a refused filing: what was filed comes back (masked numbers stay empty)
	const got = await api('GET', '/api/parent/v1/registrations/' + prereg + '/certificates');
	if (got.status === 200 && got.body.details) {
		const d = got.body.details;
		for (const [, fields] of [...GROUPS, RENTAL])
			for (const [path] of fields) {
				const [a, b] = path.split('.');
				const v = d[a] && d[a][b];
				if (v && !/\*/.test(v)) f.elements.namedItem(path).value = v;
			}
		if (d.rental_verification) { renting.checked = true; rental.hidden = false; }
	}

	// a first filing is sent with an Idempotency-Key (a resend after a lost
	// answer gets the first answer); a new filing after a refusal without
	const first = !(got.status === 200 && got.body.state !== 'none');
	let lastBody = null, key = null;
	f.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(f);
		const body = {};
		let ok = true;
		const today = todayBeijing();
		for (const [, fields] of renting.checked ? [...GROUPS, RENTAL] : GROUPS)
			for (const [path] of fields) {
				const v = f.elements.namedItem(path).value.trim();
				const [a, b] = path.split('.');
				if (!v) { fieldError(f, path, t('f_required')); ok = false; continue; }
				(body[a] = body[a] || {})[b] = v;
			}
		const until = body.residence_permit && body.residence_permit.valid_until;
		if (until && until < today) { fieldError(f, 'residence_permit.valid_until', t('f_document_expired')); ok = false; }
		const since = body.work_in_city && body.work_in_city.since;
		if (since && since > today) { fieldError(f, 'work_in_city.since', t('f_date_in_future')); ok = false; }
		if (!ok) {
			formError(f, t('fix_marked'));
			const first = f.querySelector('[aria-invalid="true"]');
			if (first) first.focus();
			return;
		}
		const text = JSON.stringify(body);
		if (text !== lastBody) { lastBody = text; key = crypto.randomUUID(); }
		const r = await busy(f, () => api('POST', '/api/parent/v1/registrations/' + prereg + '/certificates',
			body, first ? { 'Idempotency-Key': key } : undefined));
		if (r.status === 200) done();
		else showApiError(f, r);
	});
	return box;
}
