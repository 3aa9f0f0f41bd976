// staff-lists.js -- www/staff/lists.html: admission lists (R-ADM-1,
// R-ADM-2). A school's reviewer sends the children the school ticked to
// the county; the county's reviewer approves the list, returning single
// children with a reason each (the school reads it and unticks the child
// or sends it again). Every account that may read lists sees those in its
// scope and their children's results. A list opens in place; its id may
// stand in the URL's fragment (#list-12, from the inbox): it names no child.
import { api, busy, clearErrors, el, fieldError, formError, showApiError, t, when, words } from './xj.js';
import { label, may, staffPage } from './staff.js';

const S = '/api/school/v1/admission-lists';
const listsBox = document.getElementById('lists');
const listBox = document.getElementById('list');
const submitForm = document.getElementById('submit');
let lists = null;
let list = null;          // the opened list's answer
let okText = '';

function counts(l) {
	return t('list_counts', { children: l.children, approved: l.approved, returned: l.returned, pending: l.pending });
}

// a refusal in the server's words; a session that ended (401) leaves the
// page as it is: staff.js says why and how to sign in again
function refused(box, r) {
	if (r.status === 401) return;
	box.replaceChildren(el('p', { class: 'err' }, words(r.body && r.body.error) || t('unexpected', { status: r.status })));
}

async function load() {
	const r = await api('GET', S);
	if (r.status !== 200) { refused(listsBox, r); return; }
	lists = r.body.items;
	renderLists();
}

function renderLists() {
	if (!lists) return;
	if (!lists.length) { listsBox.replaceChildren(el('p', {}, t('no_lists'))); return; }
	const head = el('tr', {}, ...['list_school', 'list_state', 'list_children', 'list_submitted_at'].map((k) => el('th', { scope: 'col' }, t(k))),
		el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, t('list_open'))));
	const body = el('tbody');
	for (const l of lists) {
		const b = el('button', { type: 'button', 'aria-label': t('list_open') + '：' + l.school.name + ' ' + when(l.submitted_at) }, t('list_open'));
		b.addEventListener('click', () => open(l.id));
		body.append(el('tr', {}, el('td', {}, l.school.name), el('td', {}, label('list_state_', l.state)),
			el('td', {}, counts(l)), el('td', {}, when(l.submitted_at)), el('td', {}, b)));
	}
	listsBox.replaceChildren(el('div', { class: 'tablewrap' }, el('table', { class: 'data' }, el('thead', {}, head), body)));
}

async function open(id) {
	const r = await api('GET', S + '/' + id);
	if (r.status !== 200) { refused(listBox, r); return; }
	list = r.body;
	renderList();
	document.getElementById('list-h').focus();
}

function renderList() {
	if (!list) { listBox.replaceChildren(); return; }
	const l = list;
	const deciding = may('list_decide') && (l.state === 'submitted' || l.state === 'deciding');
	const sec = el('section', { class: 'panel', 'aria-labelledby': 'list-h' },
		el('h2', { id: 'list-h', tabindex: '-1' }, t('list_h', { school: l.school.name, at: when(l.submitted_at) })));
	if (okText) sec.append(el('p', { class: 'ok-box', role: 'status' }, okText));
	sec.append(el('p', {}, label('list_state_', l.state) + ' · ' + counts(l)));
	const cols = ['child_name', 'sex', 'birth_date', 'family', 'child_state', 'reason_short'];
	if (deciding) cols.push('decision');
	const head = el('tr', {}, ...cols.map((k) => el('th', { scope: 'col' }, t(k))));
	const body = el('tbody');
	l.items.forEach((c, i) => {
		const tr = el('tr', {}, el('td', {}, c.name), el('td', {}, label('sex_', c.sex)), el('td', {}, c.birth_date),
			el('td', {}, t(c.local_family ? 'family_local' : 'family_nonlocal')), el('td', {}, label('cs_', c.state)),
			el('td', {}, c.reason || ''));
		if (deciding) {
			const td = el('td');
			if (c.state === 'listed') {
				const n = 'c' + i;
				const radios = el('fieldset', { class: 'radios' }, el('legend', { class: 'visually-hidden' }, t('decision') + '：' + c.name));
				for (const [v, k] of [['approve', 'approve'], ['return', 'return']])
					radios.append(el('label', { for: n + '-' + v },
						el('input', { type: 'radio', id: n + '-' + v, name: n, value: v, checked: v === 'approve', 'data-no': c.prereg_no }), t(k)));
				const rid = n + '-reason';
				const path = 'children.' + c.prereg_no + '.reason';
				td.append(radios, el('label', { for: rid, class: 'visually-hidden' }, t('return_reason_for', { name: c.name })),
					el('input', { type: 'text', id: rid, name: path, maxlength: '200', placeholder: t('reason_short'), 'aria-describedby': rid + '-err' }),
					el('p', { class: 'err', id: rid + '-err', 'data-error-for': path, hidden: true }));
			}
			tr.append(td);
		}
		body.append(tr);
	});
	const table = el('div', { class: 'tablewrap' }, el('table', { class: 'data' }, el('thead', {}, head), body));
	if (!deciding) { sec.append(table); listBox.replaceChildren(sec); return; }
	const f = el('form', { id: 'decide', method: 'post', novalidate: true },
		el('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }),
		el('p', {}, t('list_decide_intro')), table,
		el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, t('list_decide_submit'))));
	f.addEventListener('submit', (ev) => { ev.preventDefault(); decide(f); });
	sec.append(f);
	listBox.replaceChildren(sec);
}

// approve the list; the children chosen "return" go back, each with its reason
async function decide(f) {
	clearErrors(f);
	const children = [];
	let missing = false;
	for (const r of f.querySelectorAll('input[type=radio][value=return]:checked')) {
		const no = r.dataset.no;
		const path = 'children.' + no + '.reason';
		const why = f.querySelector('[name="' + CSS.escape(path) + '"]').value.trim();
		if (!why) { fieldError(f, path, t('reason_required')); missing = true; }
		children.push({ prereg_no: no, decision: 'return', reason: why });
	}
	if (missing) { formError(f, t('fix_marked')); f.querySelector('[aria-invalid=true]').focus(); return; }
	const body = children.length ? { decision: 'approve', children } : { decision: 'approve' };
	// 202: the time budget ran out part way; the same decision goes on
	let r = await busy(f, () => api('POST', S + '/' + list.id + '/decision', body));
	for (let i = 0; r.status === 202 && i < 50; i++) r = await busy(f, () => api('POST', S + '/' + list.id + '/decision', body));
	if (r.status !== 200) { showApiError(f, r); return; }
	list = r.body;
	okText = t('list_decided');
	renderList();
	await load();
	const ok = listBox.querySelector('.ok-box');
	if (ok) { ok.tabIndex = -1; ok.focus(); }
}

submitForm.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	clearErrors(submitForm);
	const r = await busy(submitForm, () => api('POST', S));
	if (r.status !== 201) { showApiError(submitForm, r); return; }
	list = r.body;
	okText = t('list_submitted', { n: r.body.children });
	renderList();
	await load();
	document.getElementById('list-h').focus();
});

await staffPage('lists.html', () => { renderLists(); renderList(); });
document.getElementById('submit-box').hidden = !may('list_submit');
await load();
const m = /^#list-(\d+)$/.exec(location.hash);
if (m) await open(m[1]);
