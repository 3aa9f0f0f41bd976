// registrations.js -- the family's registrations, each with where it
// stands and, on request, its status timeline (GET .../status)
import { api, setupPage, requireSession, signOut, t, when, words } from './xj.js';

const list = document.getElementById('list');
let items = [];
const open = new Map();      // prereg_no -> status answer, for re-rendering

function el(tag, attrs, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (k === 'class') e.className = v;
		else e.setAttribute(k, v);
	}
	for (const k of kids) if (k !== null && k !== undefined) e.append(k);
	return e;
}

function timeline(st) {
	const box = el('div', { class: 'timeline' });
	box.append(el('h3', {}, t('steps')));
	const ol = el('ol', { class: 'steps' });
	for (const s of st.steps) {
		const li = el('li', { class: 'step ' + s.status },
			el('span', { class: 'mark', 'aria-hidden': 'true' }, s.status === 'done' ? '✓' : s.status === 'current' ? '●' : '○'),
			el('span', { class: 'what' }, words(s)),
			el('span', { class: 'visually-hidden' }, ' (' + t('step_' + s.status) + ')'),
			s.at ? el('span', { class: 'at' }, when(s.at)) : null);
		if (s.status === 'current') li.setAttribute('aria-current', 'step');
		ol.append(li);
	}
	box.append(ol);
	if (st.history && st.history.length) {
		box.append(el('h3', {}, t('history')));
		const ul = el('ul', { class: 'history' });
		for (const h of st.history)
			ul.append(el('li', {}, el('span', { class: 'at' }, when(h.at)), ' ', words(h),
				h.detail ? el('span', { class: 'detail' }, ' — ' + h.detail) : null));
		box.append(ul);
	}
	return box;
}

function card(r) {
	const id = 'reg-' + r.prereg_no;
	const c = el('section', { class: 'card', 'aria-labelledby': id + '-h' });
	c.append(el('h2', { id: id + '-h' }, r.child_name));
	const dl = el('dl');
	const row = (k, v) => dl.append(el('dt', {}, t(k)), el('dd', {}, v));
	row('prereg_no', r.prereg_no_display);
	row('district', r.district_name || r.district);
	row('registered_at', when(r.created_at));
	c.append(dl);
	c.append(el('p', { class: 'state state-' + r.state }, el('strong', {}, t('now') + ' '), words(r.state_text)));
	const btn = el('button', { type: 'button', class: 'secondary', 'aria-expanded': open.has(r.prereg_no) ? 'true' : 'false',
		'aria-controls': id + '-t' }, t(open.has(r.prereg_no) ? 'hide_progress' : 'show_progress'));
	const slot = el('div', { id: id + '-t' });
	if (open.has(r.prereg_no)) slot.append(timeline(open.get(r.prereg_no)));
	btn.addEventListener('click', async () => {
		if (open.has(r.prereg_no)) {
			open.delete(r.prereg_no);
			render();
			return;
		}
		btn.disabled = true;
		const s = await api('GET', '/api/parent/v1/registrations/' + r.prereg_no + '/status');
		btn.disabled = false;
		if (s.status === 200) {
			open.set(r.prereg_no, s.body);
			render();
		} else {
			slot.replaceChildren(el('p', { class: 'err', role: 'alert' }, words(s.body && s.body.error)));
		}
	});
	c.append(btn, slot);
	return c;
}

function render() {
	if (!items.length) {
		list.replaceChildren(el('p', {}, t('no_registrations')));
		return;
	}
	list.replaceChildren(...items.map(card));
}

async function load() {
	const r = await api('GET', '/api/parent/v1/registrations');
	if (r.status === 401) { location.replace('index.html'); return; }
	if (r.status !== 200) {
		list.replaceChildren(el('p', { class: 'err', role: 'alert' }, words(r.body && r.body.error)));
		return;
	}
	items = r.body.items;
	render();
}

setupPage(render);
document.getElementById('signout').addEventListener('click', signOut);
requireSession().then((s) => { if (s) load(); });
