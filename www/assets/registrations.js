// registrations.js -- the family's registrations: each with where it
// stands (the server's words say what to do next), its status timeline,
// and what the family can do at that state, in place (no registration
// number in a page URL): print the collection form, open the admission
// notice, file the five certificates (non-local families, R-COL-9),
// correct (register.html#correct), cancel with a confirmation, ask for a
// district change (R-COL-4), follow student record changes (R-MOV-7).
// Cards are built once; words that come from code or from the API are
// re-said on a language switch (said()), so an open form keeps what was
// typed.
import { api, busy, setupPage, requireSession, signOut, t, when, words, clearErrors,
	fieldError, formError, showApiError, DivisionPicker, el, field, alertBox } from './xj.js';
import { certificatesForm } from './certs.js';

const list = document.getElementById('list');
const P = '/api/parent/v1/registrations/';

// an element whose text is fn() in the current language, again on a switch
const sayers = [];
function said(e, fn) {
	const f = () => { e.textContent = fn(); };
	f();
	sayers.push(f);
	return e;
}


function timeline(st) {
	const box = el('div', { class: 'timeline' });
	box.append(el('h3', { i18n: 'steps' }));
	const ol = el('ol', { class: 'steps' });
	for (const s of st.steps) {
		const li = el('li', { class: 'step ' + s.status },
			el('span', { class: 'mark', 'aria-hidden': 'true' }, s.status === 'done' ? '✓' : s.status === 'current' ? '●' : '○'),
			said(el('span', { class: 'what' }), () => words(s)),
			said(el('span', { class: 'visually-hidden' }), () => ' (' + t('step_' + s.status) + ')'),
			s.at ? el('span', { class: 'at' }, when(s.at)) : null);
		if (s.status === 'current') li.setAttribute('aria-current', 'step');
		ol.append(li);
	}
	box.append(ol);
	if (st.history && st.history.length) {
		box.append(el('h3', { i18n: 'history' }));
		const ul = el('ul', { class: 'history' });
		for (const h of st.history)
			ul.append(el('li', {}, el('span', { class: 'at' }, when(h.at)), ' ', said(el('span'), () => words(h)),
				h.detail ? el('span', { class: 'detail' }, ' — ' + h.detail) : null));
		box.append(ul);
	}
	return box;
}

// ---- what the family can do at each state -----------------------------------

const LIVE = ['submitted', 'id_verified', 'id_mismatch', 'cert_review', 'cert_rejected', 'printable'];
const CORRECTABLE = ['submitted', 'id_mismatch'];
const HAS_RECORD = ['district_approved', 'admitted'];

// one panel open per card: the button that opened it says so
function panels(card) {
	const slot = el('div', { class: 'panel-slot' });
	let openBtn = null;
	const close = () => {
		slot.replaceChildren();
		if (openBtn) openBtn.setAttribute('aria-expanded', 'false');
		openBtn = null;
	};
	const toggle = async (btn, build) => {
		if (openBtn === btn) { close(); return; }
		close();
		openBtn = btn;
		btn.setAttribute('aria-expanded', 'true');
		btn.disabled = true;
		try {
			const p = await build();
			if (openBtn === btn) slot.replaceChildren(p);
		} finally { btn.disabled = false; }
	};
	card.append(slot);
	return { toggle, close, slot };
}

function panel(heading) {
	return el('section', { class: 'panel', 'aria-label': t(heading) }, el('h3', { i18n: heading }));
}

function actionButton(key, id) {
	return el('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': id, i18n: key });
}


function cancelPanel(r, done) {
	const p = panel('cancel');
	const f = el('form', { method: 'post', novalidate: '' });
	f.append(alertBox(), el('p', { i18n: 'cancel_confirm' }),
		el('p', { class: 'row' },
			el('button', { type: 'submit', class: 'danger', i18n: 'cancel_yes' }),
			el('button', { type: 'button', class: 'secondary', i18n: 'cancel_no', 'data-close': '' })));
	f.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(f);
		const res = await busy(f, () => api('POST', P + r.prereg_no + '/cancel'));
		if (res.status === 200) done('cancelled_done');
		else showApiError(f, res);
	});
	p.append(f);
	return p;
}


const DC_STATES = { requested: 'dc_requested', revoked: 'dc_revoked', approved: 'dc_approved', refused: 'dc_refused' };

async function districtPanel(r, prefix) {
	const p = panel('district_change');
	p.append(el('p', { class: 'hint', i18n: 'dc_intro' }));
	const have = el('div');
	const showList = (items) => {
		const ul = el('ul', { class: 'history' });
		for (const c of items)
			ul.append(el('li', {}, el('span', { class: 'at' }, when(c.requested_at)), ' ',
				c.from_district + ' → ' + c.to_district + ' ',
				el('strong', { i18n: DC_STATES[c.state] || 'dc_requested' }),
				c.reason ? ' — ' + c.reason : ''));
		have.replaceChildren(el('h4', { i18n: 'dc_list' }), items.length ? ul : el('p', { i18n: 'dc_none' }));
	};
	const got = await api('GET', P + r.prereg_no + '/district-change');
	if (got.status === 200) showList(got.body.items || []);
	const f = el('form', { method: 'post', novalidate: '' });
	const id = prefix + '-dc';
	const picker = el('fieldset', { class: 'picker', id },
		el('legend', { i18n: 'dc_to' }),
		el('label', { for: id + '-p', i18n: 'province' }), el('select', { id: id + '-p', 'aria-describedby': 'err-' + id }),
		el('label', { for: id + '-c', i18n: 'city' }), el('select', { id: id + '-c', 'aria-describedby': 'err-' + id, disabled: '' }),
		el('label', { for: id + '-x', i18n: 'county' }), el('select', { id: id + '-x', name: 'district', 'aria-describedby': 'err-' + id, disabled: '' }),
		el('p', { class: 'err', id: 'err-' + id, 'data-error-for': 'district', hidden: '' }));
	const dp = new DivisionPicker(picker);
	f.append(alertBox(), picker, field(prefix + '-dc', 'reason', 'dc_reason', { tag: 'textarea', maxlength: '200', rows: '3' }),
		el('button', { type: 'submit', class: 'primary', i18n: 'dc_submit' }),
		el('p', { class: 'status', role: 'status' }));
	f.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(f);
		f.querySelector('.status').textContent = '';
		const body = { district: dp.value(), reason: f.elements.namedItem('reason').value.trim() };
		let ok = true;
		if (!body.district) { fieldError(f, 'district', t('f_required')); ok = false; }
		else if (body.district === r.district) { fieldError(f, 'district', t('dc_same')); ok = false; }
		if (!body.reason) { fieldError(f, 'reason', t('f_required')); ok = false; }
		if (!ok) { formError(f, t('fix_marked')); return; }
		const res = await busy(f, () => api('POST', P + r.prereg_no + '/district-change', body));
		if (res.status === 201) {
			showList(res.body.items || []);
			f.querySelector('.status').textContent = t('dc_sent');
		} else showApiError(f, res);
	});
	p.append(have, f);
	await dp.load();
	return p;
}

const RC_STEP = { waiting: 'rc_step_waiting', open: 'rc_step_open', approved: 'rc_step_approved',
	rejected: 'rc_step_rejected', cancelled: 'rc_step_cancelled' };

async function recordPanel(r) {
	const p = panel('record_changes');
	const res = await api('GET', P + r.prereg_no + '/record-changes');
	if (res.status !== 200) {
		p.append(el('p', { class: 'err', role: 'alert' }, words(res.body && res.body.error)));
		return p;
	}
	if (!res.body.items.length) { p.append(el('p', { i18n: 'rc_none' })); return p; }
	for (const c of res.body.items) {
		const box = el('div', { class: 'case' },
			el('h4', {}, c.type_name || c.type, ' — ', el('span', { i18n: 'rc_' + c.state })),
			said(el('p', { class: 'state' }), () => words({ zh: c.progress, en: c.progress_en })),
			el('p', { class: 'hint' }, el('span', { i18n: 'rc_started' }), ' ', when(c.started_at)));
		const ol = el('ol', { class: 'steps' });
		for (const s of c.steps || [])
			ol.append(el('li', { class: 'step ' + (s.state === 'approved' ? 'done' : s.state === 'open' ? 'current' : 'pending') },
				el('span', { class: 'mark', 'aria-hidden': 'true' }, s.state === 'approved' ? '✓' : s.state === 'open' ? '●' : '○'),
				el('span', { class: 'what' }, s.party_name || '', ' ', el('span', { i18n: RC_STEP[s.state] || 'rc_step_waiting' })),
				s.decided_at ? el('span', { class: 'at' }, when(s.decided_at)) : null));
		box.append(ol);
		p.append(box);
	}
	return p;
}

// the registration's card: summary, state, certificates, what to do
function card(r, d) {
	const id = 'reg-' + r.prereg_no;
	const c = el('section', { class: 'card', 'aria-labelledby': id + '-h' });
	c.append(el('h2', { id: id + '-h' }, r.child_name));
	const dl = el('dl');
	const row = (k, v) => dl.append(el('dt', { i18n: k }), el('dd', {}, v));
	row('prereg_no', r.prereg_no_display);
	row('district', r.district_name || r.district);
	if (d && d.school) row('school', d.school.name);
	row('registered_at', when(r.created_at));
	if (d && d.certificates && d.certificates.study_permit_no) row('permit_no', d.certificates.study_permit_no);
	c.append(dl);
	c.append(el('p', { class: 'state state-' + r.state }, el('strong', { i18n: 'now' }), ' ',
		said(el('span'), () => words(r.state_text))));
	const certs = d && d.certificates && d.certificates.required &&
		r.state !== 'cancelled' && r.state !== 'void' ? d.certificates : null;
	let reason = null;
	if (certs) {
		reason = el('span', { class: 'detail' });
		c.append(el('p', { class: 'certs' }, el('strong', { i18n: 'certs_line' }),
			said(el('span'), () => words(certs.state_text)), reason));
	}

	const live = LIVE.includes(r.state);
	const hints = el('div');
	const buttons = el('div', { class: 'actions' });
	c.append(hints, buttons);
	const pn = panels(c);
	pn.slot.id = id + '-panel';
	const done = (key) => { load(key); };  // a message's strings key

	// progress
	const prog = actionButton('show_progress', pn.slot.id);
	prog.addEventListener('click', () => pn.toggle(prog, async () => {
		const s = await api('GET', P + r.prereg_no + '/status');
		if (s.status === 200) return timeline(s.body);
		return el('p', { class: 'err', role: 'alert' }, words(s.body && s.body.error));
	}));
	buttons.append(prog);
	// print the form: the worker's A4 page in a new window, the browser prints it
	if (d && d.form_printable) {
		buttons.append(el('a', { class: 'button print', href: P + r.prereg_no + '/form', target: '_blank', rel: 'noopener', i18n: 'print_form' }));
		hints.append(el('p', { class: 'hint', i18n: 'print_hint' }));
	}
	if (r.state === 'admitted') {
		buttons.append(el('a', { class: 'button primary open-notice', href: P + r.prereg_no + '/notice', target: '_blank', rel: 'noopener', i18n: 'open_notice' }));
		hints.append(el('p', { class: 'hint', i18n: 'notice_hint' }));
	}
	if (certs && live && (certs.state === 'none' || certs.state === 'rejected')) {
		const b = actionButton(certs.state === 'rejected' ? 'refile_certs' : 'file_certs', pn.slot.id);
		b.addEventListener('click', () => pn.toggle(b, () => certificatesForm(r.prereg_no, id, () => done('certs_sent'))));
		buttons.append(b);
	}
	if (certs && certs.state !== 'none') {
		// the district's reason for a refusal, from the certificates answer
		api('GET', P + r.prereg_no + '/certificates').then((g) => {
			if (g.status === 200 && g.body.reason) {
				reason.replaceChildren(el('br'), el('strong', { i18n: 'certs_reason' }), g.body.reason);
			}
		});
	}
	if (CORRECTABLE.includes(r.state))
		buttons.append(el('a', { class: 'button secondary', href: 'register.html#correct', i18n: 'correct' }));
	if (live) {
		const dc = actionButton('district_change', pn.slot.id);
		dc.addEventListener('click', () => pn.toggle(dc, () => districtPanel(r, id)));
		const cb = actionButton('cancel', pn.slot.id);
		cb.addEventListener('click', () => pn.toggle(cb, () => {
			const p = cancelPanel(r, done);
			p.querySelector('[data-close]').addEventListener('click', () => { pn.close(); cb.focus(); });
			return p;
		}));
		buttons.append(dc, cb);
	}
	if (HAS_RECORD.includes(r.state)) {
		const rb = actionButton('record_changes', pn.slot.id);
		rb.addEventListener('click', () => pn.toggle(rb, () => recordPanel(r)));
		buttons.append(rb);
	}
	return c;
}

async function load(message) {   // message: a strings key, said after the reload
	const r = await api('GET', '/api/parent/v1/registrations');
	if (r.status === 401) { location.replace('index.html'); return; }
	if (r.status !== 200) {
		list.replaceChildren(el('p', { class: 'err', role: 'alert' }, words(r.body && r.body.error)));
		return;
	}
	const items = r.body.items;
	if (!items.length) {
		list.replaceChildren(el('p', { i18n: 'no_registrations' }));
		return;
	}
	// each registration's detail: certificates, printable, school
	const details = await Promise.all(items.map((x) => api('GET', P + x.prereg_no)
		.then((g) => (g.status === 200 ? g.body : null))));
	sayers.length = 0;
	const cards = items.map((x, i) => card(x, details[i]));
	list.replaceChildren(...cards);
	if (message) {
		const s = el('p', { class: 'status', role: 'status', tabindex: '-1', i18n: message });
		list.prepend(s);
		s.focus();
	}
}

setupPage(() => { for (const f of sayers) f(); });
document.getElementById('signout').addEventListener('click', signOut);
requireSession().then((s) => { if (s) load(); });
