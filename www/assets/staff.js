// staff.js -- what every staff page shares (issue 14): the school portal
// as xj.js's portal (its session, its sign-in page), the staff words, the
// header with the signed-in account and its org, the navigation by what
// the account may do, sign-out, and what happens when the session ends
// while a page is open. Fetch, CSRF, errors beside fields and the strings
// are xj.js's; this module only configures them.
//
// What an account may do is the server's answer: GET /api/school/v1/session
// lists the actions of the access table (src/school/scope.c, records.c)
// that its role and org kind allow ("may"). The pages keep no copy of that
// table; a page or button shows when the list holds its action.
//
// A staff page:
//   <body class="staff"> with the header of www/staff/inbox.html
//   (#who, #lang, #signout), <nav id="nav">, <div id="authlost">, <main>;
//   its module: const me = await staffPage('inbox.html', rerender);
//   then may('tick') etc. To add a page to the navigation, add a row to
//   NAV below (its file name, its words' key, the actions that show it).
import { addStrings, api, busy, clearErrors, el, fieldError, session, setPortal, setupPage, showApiError, signOut, t, words } from './xj.js';
import { S } from './staffstrings.js';

export const SESSION = '/api/school/v1/session';

addStrings(S);
setPortal({ session: SESSION, signin: 'index.html' }, authLost);

// the navigation: a page shows when the session's "may" holds any of its
// actions (none listed: every staff member)
export const NAV = [
	{ href: 'inbox.html', key: 'nav_inbox', may: [] },
	{ href: 'applicant.html', key: 'nav_applicant', may: ['applicant'] },
	{ href: 'lists.html', key: 'nav_lists', may: ['list_read'] },
	{ href: 'roster.html', key: 'nav_roster', may: ['rec_read'] },
	{ href: 'supplement.html', key: 'nav_supplement', may: ['supplement', 'student_import'] },
	{ href: 'transfer.html', key: 'nav_transfer', may: ['transfer_start', 'graduate_move_start'] },
	{ href: 'statistics.html', key: 'nav_stats', may: ['rec_stats'] },
	{ href: 'accounts.html', key: 'nav_accounts', may: ['accounts'] },
	{ href: 'account.html', key: 'nav_account', may: [] },
];

let me = null;
let pageId = '';

// the session answer of the signed-in account ({account, may, ...})
export function current() { return me; }

export function may(action) { return !!me && me.may.includes(action); }

// the account may work: its password changed and a required second
// factor enrolled (until then the server answers only the setup routes)
export function setupDone(s) {
	return !s.must_change_password && !(s.second_factor.required && !s.second_factor.enrolled);
}

// a staff page's start: signed in (else to sign-in, which also finishes a
// password change or enrolment), the header, the language switch (then
// onLang re-renders what the page made). Resolves with the session.
export async function staffPage(id, onLang) {
	const s = await session();
	if (!s || !setupDone(s)) {
		location.replace('index.html');
		return new Promise(() => {});
	}
	me = s;
	pageId = id;
	setupPage(() => { header(); if (onLang) onLang(); });
	header();
	document.getElementById('signout').addEventListener('click', () => signOut());
	// back from signing in again in another window: the page goes on
	window.addEventListener('focus', recheck);
	return s;
}

function header() {
	const nav = document.getElementById('nav');
	if (nav) {
		const ul = el('ul');
		for (const n of NAV) {
			if (n.may.length && !n.may.some(may)) continue;
			ul.append(el('li', {}, el('a', { href: n.href, 'aria-current': n.href === pageId ? 'page' : null }, t(n.key))));
		}
		nav.replaceChildren(ul);
	}
	const who = document.getElementById('who');
	if (who && me) {
		const a = me.account;
		who.textContent = t('who_at', { name: a.display_name, org: a.org.name }) + ' · ' + t('role_' + a.role);
	}
}

// An answer said the session is gone: expired, or ended by a sign-in of
// this account elsewhere (R-ORG-4, session_replaced), in the server's
// words. Signing in again happens in another window, so that nothing
// typed here is lost; xj.js then sends a refused change once more with
// the new session's CSRF token.
function authLost(e) {
	const box = document.getElementById('authlost');
	if (!box) return;
	const a = el('a', { href: 'index.html', target: '_blank', rel: 'noopener' }, t('auth_lost_signin'));
	box.replaceChildren(el('p', {}, words(e)), el('p', {}, a));
	box.hidden = false;
	box.focus();
}

async function recheck() {
	const box = document.getElementById('authlost');
	if (!box || box.hidden) return;
	const s = await session();
	if (!s || !setupDone(s)) return;
	me = s;
	header();
	box.replaceChildren(el('p', {}, t('auth_back')));
}

// a registration state, a certificate state ... in words: the key's
// prefix and the server's code (rs_printable); the code itself if unknown
export function label(prefix, code) {
	if (code === null || code === undefined) return '';
	const k = prefix + code;
	const s = t(k);
	return s === k ? String(code) : s;
}

// the pre-registration number as printed: year, district, sequence,
// check character (26-110105-6931101-8), as the API's prereg_no_display
export function prereg(no) {
	const m = /^(\d{2})(\d{6})(\d{7})([\dX])$/.exec(String(no || ''));
	return m ? m.slice(1).join('-') : String(no || '');
}

let seq = 0;

// A decision form: a radio per choice ([[value, words key], ...]), a
// reason (needed for the values in needReason, as the API requires), the
// submit button, an error box. send(decision, reason) returns the API's
// answer; a refusal is shown beside its field or in the box, an answer
// 2xx goes to done(answer).
export function decisionForm({ choices, needReason, send, done }) {
	const n = ++seq;
	const f = el('form', { class: 'decide', method: 'post', novalidate: true });
	const box = el('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true });
	const fs = el('fieldset', { class: 'radios', 'aria-describedby': 'd' + n + '-err' },
		el('legend', {}, t('decision')));
	choices.forEach(([value, key], i) => {
		const id = 'd' + n + '-' + value;
		fs.append(el('label', { for: id }, el('input', { type: 'radio', id, name: 'decision', value, checked: i === 0 }), t(key)));
	});
	const errD = el('p', { class: 'err', id: 'd' + n + '-err', 'data-error-for': 'decision', hidden: true });
	const rid = 'd' + n + '-reason';
	const reason = el('textarea', { id: rid, name: 'reason', maxlength: '200', rows: '2', 'aria-describedby': rid + '-err' });
	const errR = el('p', { class: 'err', id: rid + '-err', 'data-error-for': 'reason', hidden: true });
	f.append(box, fs, errD, el('label', { for: rid }, t('reason')), reason, errR,
		el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, t('decide_submit'))));
	f.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(f);
		const d = f.elements.decision.value;
		const why = reason.value.trim();
		if (needReason.includes(d) && !why) {
			fieldError(f, 'reason', t('reason_required'));
			reason.focus();
			return;
		}
		const r = await busy(f, () => send(d, why));
		if (r.status >= 200 && r.status < 300) done(r.body);
		else showApiError(f, r);
	});
	return f;
}

// The account's own credentials (review M10), on the sign-in page (when
// the session must change its password or enrol) and on account.html:
// the forms #changepw (current_password, new_password) and #enrol (the
// button #enrol-start makes the secret, shown once in #secret and as the
// #otpauth link; code confirms it). done(session) gets the new session
// answer.
export function credentialForms(done) {
	const changepw = document.getElementById('changepw');
	const enrol = document.getElementById('enrol');
	if (changepw) changepw.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(changepw);
		const body = { current_password: changepw.elements.current_password.value,
			new_password: changepw.elements.new_password.value };
		const r = await busy(changepw, () => api('PUT', '/api/school/v1/account/password', body));
		if (r.status === 200) { changepw.reset(); done(r.body, 'password'); } else showApiError(changepw, r);
	});
	if (!enrol) return;
	document.getElementById('enrol-start').addEventListener('click', async () => {
		clearErrors(enrol);
		const r = await api('POST', '/api/school/v1/account/second-factor');
		if (r.status !== 201) { showApiError(enrol, r); return; }
		// shown this once; never stored
		document.getElementById('secret').textContent = r.body.secret.replace(/(.{4})(?=.)/g, '$1 ');
		document.getElementById('otpauth').href = r.body.otpauth_uri;
		document.getElementById('secret-box').hidden = false;
		enrol.elements.code.focus();
	});
	enrol.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(enrol);
		const r = await busy(enrol, () => api('POST', '/api/school/v1/account/second-factor/confirmation',
			{ code: enrol.elements.code.value.trim() }));
		if (r.status === 200) { enrol.reset(); done(r.body, 'enrol'); } else showApiError(enrol, r);
	});
}
