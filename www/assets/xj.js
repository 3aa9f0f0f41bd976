// xj.js -- what every page shares, the parents' and the staff's: the
// strings in the chosen language, same-origin JSON calls with the CSRF
// header on every change, the session, field errors shown beside their
// fields, division pickers. The parent portal is the default; the staff
// pages (staff.js) switch it with setPortal() and add their own words
// with addStrings().
// No personal data goes into URLs, localStorage or the console: the only
// value kept in localStorage is the language ("zh" or "en").
import { T } from './strings.js';

const LANG_KEY = 'xj-lang';
let lang = (() => {
	try { return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh'; } catch (e) { return 'zh'; }
})();
let csrf = null;
// the portal the pages talk to: its session route and its sign-in page
let portal = { session: '/api/parent/v1/session', signin: 'index.html' };
let authLost = null;

export function currentLang() { return lang; }

// the staff pages: {session, signin}; onAuthLost(error) is called when an
// answer says the session is gone (expired, replaced by a sign-in
// elsewhere, signed out)
export function setPortal(p, onAuthLost) {
	portal = Object.assign({}, portal, p);
	authLost = onAuthLost || null;
}

// more words for the table (a page's own, in both languages)
export function addStrings(more) {
	for (const l of Object.keys(more)) T[l] = Object.assign(T[l] || {}, more[l]);
}

// t('key') in the current language; {name} placeholders from vars
export function t(key, vars) {
	let s = (T[lang] && T[lang][key]) || T.zh[key] || key;
	if (vars) for (const k of Object.keys(vars)) s = s.replace('{' + k + '}', vars[k]);
	return s;
}

// an API text object ({zh, en}) or error ({message, message_en}) in words
export function words(o) {
	if (!o) return '';
	if ('zh' in o || 'en' in o) return lang === 'en' ? (o.en || o.zh) : (o.zh || o.en);
	return lang === 'en' ? (o.message_en || o.message) : (o.message || o.message_en);
}

// an API time (2026-05-06T09:30:12+08:00, Beijing time) as people write it
export function when(s) {
	const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d)/.exec(s || '');
	return m ? m[1] + ' ' + m[2] : (s || '');
}

// every element with data-i18n gets its string; data-i18n-attr="placeholder"
// sets that attribute instead of the text
export function applyStrings(root = document) {
	document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
	const title = document.querySelector('title[data-i18n]');
	if (title) document.title = t(title.dataset.i18n);
	for (const el of root.querySelectorAll('[data-i18n]')) {
		if (el.tagName === 'TITLE') continue;
		const attr = el.dataset.i18nAttr;
		if (attr) el.setAttribute(attr, t(el.dataset.i18n));
		else el.textContent = t(el.dataset.i18n);
	}
}

// the language switch in the header; onChange re-renders what code made
export function setupPage(onChange) {
	applyStrings();
	const b = document.getElementById('lang');
	if (b) b.addEventListener('click', () => {
		lang = lang === 'en' ? 'zh' : 'en';
		try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* private mode */ }
		applyStrings();
		if (onChange) onChange();
	});
}

// a JSON call to the same origin: {status, body}; a network failure is
// status 0 with a generic error body. A change refused for its CSRF token
// (the parent signed in again in another tab: a new session, a new token)
// is sent once more with the session's current token.
export async function api(method, path, body, extra) {
	const r = await call(method, path, body, extra);
	if (r.status === 403 && r.body && r.body.error && r.body.error.code === 'csrf_token_invalid') {
		const s = await call('GET', portal.session);
		if (s.status === 200) return call(method, path, body, extra);
	}
	if (r.status === 401 && authLost && r.body && r.body.error &&
	    SESSION_GONE.includes(r.body.error.code) && path !== portal.session)
		authLost(r.body.error);
	return r;
}

const SESSION_GONE = ['unauthenticated', 'session_expired', 'session_replaced'];

async function call(method, path, body, extra) {
	const headers = Object.assign({ 'Accept': 'application/json' }, extra || {});
	// a Blob (a file to upload) goes as it is, with its own type
	const raw = typeof Blob !== 'undefined' && body instanceof Blob;
	if (body !== undefined) headers['Content-Type'] = raw ? body.type : 'application/json';
	if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
	let r;
	try {
		r = await fetch(path, {
			method, headers, credentials: 'same-origin', cache: 'no-store',
			body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
		});
	} catch (e) {
		return { status: 0, body: { error: { code: 'network', message: T.zh.network, message_en: T.en.network } } };
	}
	let data = null;
	try { data = await r.json(); } catch (e) { /* 204, or not JSON */ }
	// an answer cut short (a connection closed mid-body) is no answer:
	// every JSON route says something on 2xx but 204
	if (data === null && r.status >= 200 && r.status < 300 && r.status !== 204)
		return { status: 0, body: { error: { code: 'network', message: T.zh.network, message_en: T.en.network } } };
	if (data && data.csrf_token) csrf = data.csrf_token;
	return { status: r.status, body: data, retryAfter: r.headers.get('Retry-After') };
}

// the signed-in session (after a page load the token comes from GET), or null
export async function session() {
	const r = await api('GET', portal.session);
	return r.status === 200 ? r.body : null;
}

export async function requireSession() {
	const s = await session();
	if (!s) location.replace(portal.signin);
	return s;
}

export async function signOut() {
	await api('DELETE', portal.session);
	csrf = null;
	location.replace(portal.signin);
}

// ---- errors beside their fields -------------------------------------------
// Each input's name is the API's field path (child.id_number,
// guardians[0].phone); its error slot is the element with
// data-error-for="<path>", tied to the input by aria-describedby.

function slotFor(form, path) {
	return form.querySelector('[data-error-for="' + CSS.escape(path) + '"]');
}

export function clearErrors(form) {
	for (const s of form.querySelectorAll('[data-error-for]')) {
		s.textContent = '';
		s.hidden = true;
	}
	for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
	const g = form.querySelector('.form-error');
	if (g) { g.textContent = ''; g.hidden = true; }
}

// one field's error (text already in words); false when the page has no slot
export function fieldError(form, path, text) {
	const slot = slotFor(form, path);
	if (!slot) return false;
	slot.textContent = text;
	slot.hidden = false;
	for (const el of form.querySelectorAll('[name="' + CSS.escape(path) + '"]'))
		el.setAttribute('aria-invalid', 'true');
	return true;
}

export function clearField(form, path) {
	const slot = slotFor(form, path);
	if (slot) { slot.textContent = ''; slot.hidden = true; }
	for (const el of form.querySelectorAll('[name="' + CSS.escape(path) + '"]'))
		el.removeAttribute('aria-invalid');
}

// the form's submit button while a request runs: disabled, saying so
export async function busy(form, fn) {
	const b = form.querySelector('button[type="submit"]');
	const label = b.textContent;
	b.disabled = true;
	b.textContent = t('busy');
	try { return await fn(); } finally { b.disabled = false; b.textContent = label; }
}

export function formError(form, text) {
	const g = form.querySelector('.form-error');
	g.textContent = text;
	g.hidden = false;
	g.focus();
}

// an API error answer: each field error beside its field, the rest (and
// errors about fields this page does not show) in the form's error box
export function showApiError(form, r) {
	clearErrors(form);
	const e = (r.body && r.body.error) || null;
	if (!e) { formError(form, t('unexpected', { status: r.status })); return; }
	const rest = [];
	const list = e.fields && e.fields.length ? e.fields : (e.field ? [e] : []);
	for (const f of list) {
		if (!fieldError(form, f.field, words(f))) rest.push(words(f));
	}
	if (!list.length || e.code !== 'validation_failed') rest.unshift(words(e));
	if (r.status === 429 && r.retryAfter) rest.push(t('retry_after', { s: r.retryAfter }));
	if (rest.length) formError(form, [...new Set(rest)].join(' '));
	else if (list.length) formError(form, t('fix_marked'));
	if (r.status === 401 && form.id !== 'signin') {
		// signed out meanwhile (expired, or signed out elsewhere): sign in
		// in another window and come back; what is typed here stays
		const a = document.createElement('a');
		a.href = portal.signin;
		a.target = '_blank';
		a.rel = 'noopener';
		a.textContent = t('signin_elsewhere');
		const g = form.querySelector('.form-error');
		g.append(' ', a);
	}
	const first = form.querySelector('[aria-invalid="true"]');
	if (first) first.focus();
}

// ---- division pickers: province -> city -> county --------------------------

function option(value, label) {
	const o = document.createElement('option');
	o.value = value;
	o.textContent = label;
	return o;
}

async function divisions(parent) {
	const r = await api('GET', '/api/ref/v1/divisions' + (parent ? '?parent=' + parent : ''));
	return r.status === 200 ? r.body.items : [];
}

// three <select>s in a fieldset; value() is the county's code (or the
// city's when it has no counties), '' until chosen
export class DivisionPicker {
	constructor(fieldset) {
		[this.prov, this.city, this.county] = fieldset.querySelectorAll('select');
		this.prov.addEventListener('change', () => this.fill(this.city, this.prov.value, this.county));
		this.city.addEventListener('change', () => this.fill(this.county, this.city.value));
	}
	async load() {
		await this.fill(this.prov, '', this.city);
	}
	async fill(sel, parent, below) {
		for (const s of [sel, below].filter(Boolean)) {
			s.replaceChildren(option('', t('choose')));
			s.disabled = true;
		}
		if (sel !== this.prov && !parent) return;
		const items = await divisions(parent);
		for (const d of items) sel.appendChild(option(d.code, d.name));
		sel.disabled = items.length === 0;
	}
	// a stored county code (or a city's without counties): each level
	// chosen and the one below loaded, as a person would
	async set(code) {
		await this.load();
		this.prov.value = code.slice(0, 2) + '0000';
		await this.fill(this.city, this.prov.value, this.county);
		if ([...this.city.options].some((o) => o.value === code)) { this.city.value = code; return; }
		this.city.value = code.slice(0, 4) + '00';
		await this.fill(this.county, this.city.value);
		this.county.value = code;
	}
	value() {
		if (this.county.value) return this.county.value;
		if (this.city.value && this.county.disabled) return this.city.value;
		return '';
	}
	relabel() {
		for (const s of [this.prov, this.city, this.county])
			if (s.options.length && s.options[0].value === '') s.options[0].textContent = t('choose');
	}
}

// ---- elements made by code ----------------------------------------------------

// el('p', {class: 'hint', i18n: 'key'}, kids...): attributes as given,
// except null, undefined and false (left out) and true (present, empty);
// i18n sets data-i18n and the text, so that applyStrings() re-says it.
// Children: strings and elements; null, undefined and false are skipped.
export function el(tag, attrs, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false) continue;
		if (k === 'class') e.className = v;
		else if (k === 'i18n') { e.dataset.i18n = v; e.textContent = t(v); } else e.setAttribute(k, v === true ? '' : v);
	}
	for (const k of kids) if (k !== null && k !== undefined && k !== false) e.append(k);
	return e;
}

// a labelled input (or attrs.tag: textarea, select) named by its API path,
// with its error slot; ids start with prefix, unique on the page
export function field(prefix, path, key, attrs) {
	const a = Object.assign({}, attrs || {});
	const tag = a.tag || 'input';
	delete a.tag;
	const id = prefix + '-' + path.replace(/[^a-z0-9]/gi, '-');
	const input = el(tag, Object.assign({ id, name: path, 'aria-describedby': 'err-' + id }, a));
	return el('div', { class: 'field' }, el('label', { for: id, i18n: key }), input,
		el('p', { class: 'err', id: 'err-' + id, 'data-error-for': path, hidden: '' }));
}

// a form's alert box for errors without a field (formError, showApiError)
export function alertBox() {
	return el('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: '' });
}
