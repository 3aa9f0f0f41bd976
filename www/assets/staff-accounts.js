// staff-accounts.js -- account management for bureau administrators
// (GET/POST /accounts, .../disable, .../password-reset): the accounts of
// the administrator's org and below, a new account, disabling one (its
// session ends at once, R-ORG-4), and a password reset (the account must
// choose its own at its next sign-in and enrol its second factor again).
// Server errors are shown beside their fields (xj.js showApiError); the
// page keeps no password anywhere once a request is sent.
import { api, t, words, busy, clearErrors, showApiError, el } from './xj.js';
import { staffPage } from './staff.js';
import './staff-records-strings.js';

const API = '/api/school/v1';
const list = document.getElementById('accounts');
const create = document.getElementById('create');
const filter = document.getElementById('org-filter');
const msg = document.getElementById('acc-msg');
let rows = [];
let next = null;
let me = null;

function say(text) { msg.textContent = text; }

function row(a) {
	const tr = el('tr', { 'data-login': a.login },
		el('th', { scope: 'row' }, a.login),
		el('td', {}, a.display_name),
		el('td', {}, t('role_' + a.role)),
		el('td', {}, a.org.name + ' (' + a.org.code + ')'),
		el('td', { 'data-col': 'status' }, t('acc_' + a.status) + (a.must_change_password ? ' · ' + t('acc_must_change') : '')));
	const actions = el('td', { class: 'acts' });
	if (a.status === 'active' && a.login !== me.account.login) {
		const d = el('button', { type: 'button', class: 'link', 'data-action': 'disable' }, t('acc_disable'));
		d.setAttribute('aria-label', t('acc_disable') + ' ' + a.login);
		d.addEventListener('click', () => disable(a));
		const r = el('button', { type: 'button', class: 'link', 'data-action': 'reset' }, t('acc_reset'));
		r.setAttribute('aria-label', t('acc_reset') + ' ' + a.login);
		r.addEventListener('click', () => resetForm(a, tr));
		actions.append(d, ' ', r);
	} else if (a.status === 'disabled') {
		const e = el('button', { type: 'button', class: 'link', 'data-action': 'enable' }, t('acc_enable'));
		e.setAttribute('aria-label', t('acc_enable') + ' ' + a.login);
		e.addEventListener('click', () => enable(a));
		actions.append(e);
	}
	tr.append(actions);
	return tr;
}

function render() {
	const cols = ['acc_login', 'acc_name', 'acc_role', 'acc_org', 'acc_status', 'acc_actions'];
	const kids = [el('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': 'acc-caption' },
		el('table', { class: 'data', id: 'accounts-table' },
			el('caption', { id: 'acc-caption' }, t('acc_caption', { n: rows.length })),
			el('thead', {}, el('tr', {}, ...cols.map((k) => el('th', { scope: 'col' }, t(k))))),
			el('tbody', {}, ...rows.map(row))))];
	if (next) {
		const more = el('button', { type: 'button', class: 'secondary', id: 'acc-more' }, t('sr_more'));
		more.addEventListener('click', () => load(next));
		kids.push(more);
	}
	list.replaceChildren(...kids);
}

async function load(after) {
	if (!after) { rows = []; next = null; }
	const q = new URLSearchParams({ limit: '100' });
	const org = filter.elements.org.value.trim();
	if (org) q.set('org', org);
	if (after) q.set('after', after);
	const r = await api('GET', API + '/accounts?' + q.toString());
	if (r.status !== 200) {
		const e = r.body && r.body.error;
		list.replaceChildren(el('p', { class: 'form-error', role: 'alert' }, e ? words(e) : t('unexpected', { status: r.status })));
		return;
	}
	rows = rows.concat(r.body.items);
	next = r.body.next_after;
	render();
}

async function disable(a) {
	if (!window.confirm(t('acc_confirm_disable', { login: a.login }))) return;
	const r = await api('POST', API + '/accounts/' + encodeURIComponent(a.login) + '/disable');
	if (r.status !== 200) { const e = r.body && r.body.error; say(e ? words(e) : t('unexpected', { status: r.status })); return; }
	say(t('acc_disabled_msg', { login: a.login }));
	await load();
}

async function enable(a) {
	const r = await api('POST', API + '/accounts/' + encodeURIComponent(a.login) + '/enable');
	if (r.status !== 200) { const e = r.body && r.body.error; say(e ? words(e) : t('unexpected', { status: r.status })); return; }
	say(t('acc_enabled_msg', { login: a.login }));
	await load();
}

// a small form under the account's row: the new password, sent once
function resetForm(a, tr) {
	const old = document.getElementById('reset-row');
	if (old) old.remove();
	const f = el('form', { id: 'reset', novalidate: '' },
		el('p', { class: 'form-error', tabindex: '-1', hidden: '' }),
		// the account the password is for, for password managers
		el('input', { type: 'text', name: 'username', autocomplete: 'username', value: a.login, hidden: true, readonly: true }),
		el('label', { for: 'reset-pw' }, t('acc_new_password', { login: a.login })),
		el('input', { id: 'reset-pw', name: 'new_password', type: 'password', autocomplete: 'new-password',
			'aria-describedby': 'reset-pw-err reset-pw-hint' }),
		el('p', { class: 'hint', id: 'reset-pw-hint' }, t('acc_pw_rule')),
		el('p', { class: 'err', id: 'reset-pw-err', 'data-error-for': 'new_password', hidden: '' }),
		el('button', { type: 'submit', class: 'primary' }, t('acc_reset_send')));
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(f);
		const pw = f.elements.new_password.value;
		const r = await busy(f, () => api('POST', API + '/accounts/' + encodeURIComponent(a.login) + '/password-reset', { new_password: pw }));
		if (r.status !== 200) { showApiError(f, r); return; }
		f.elements.new_password.value = '';
		document.getElementById('reset-row').remove();
		say(t('acc_reset_done', { login: a.login }));
		await load();
	});
	const cell = el('td', { colspan: '6' }, f);
	tr.after(el('tr', { id: 'reset-row' }, cell));
	f.elements.new_password.focus();
}

create.addEventListener('submit', async (e) => {
	e.preventDefault();
	clearErrors(create);
	const f = new FormData(create);
	const body = {};
	for (const k of ['org_code', 'org_kind', 'login', 'display_name', 'role', 'password']) body[k] = (f.get(k) || '').trim();
	body.password = f.get('password') || '';
	const r = await busy(create, () => api('POST', API + '/accounts', body));
	if (r.status !== 201) { showApiError(create, r); return; }
	create.reset();
	say(t('acc_created', { login: r.body.login }));
	await load();
});

filter.addEventListener('submit', (e) => { e.preventDefault(); load(); });

me = await staffPage('accounts.html', () => { if (rows.length) render(); });
if (me) await load();
