// staff-stats.js -- statistics for any scope the staff member holds
// (GET /statistics?scope=): progress through the chain (registered ->
// identity verified -> ticked by a school -> approved by the district ->
// admitted), local and non-local families per county and per school.
// Each chart is drawn by chart.js from the answer's numbers and followed by
// a table of the same numbers (what a screen reader reads; the charts are
// images with a title). A county or school in a table opens its own scope.
import { api, t, words, el } from './xj.js';
import { staffPage } from './staff.js';
import './staff-records-strings.js';
import { barChart } from './chart.js';

const API = '/api/school/v1';
const STAGES = ['registrations', 'verified', 'ticked', 'approved', 'admitted'];
const form = document.getElementById('scope-form');
const out = document.getElementById('stats');
let data = null;
const trail = [];          // scopes opened, for "back"

function num(n) { return String(n); }

function progressChart(c) {
	return barChart({
		title: t('ss_progress_title', { scope: data.scope.name }),
		rows: STAGES.map((k) => ({ label: t('ss_' + k), values: [c[k]] })),
		series: [{ key: 'count', label: t('ss_count'), cls: 's-count' }],
		labelWidth: 190,
		width: chartWidth(),
	});
}

// the pixels a chart gets: the column less the card's padding, at most
// what reads well on an office screen
let drawnFor = 0;
function chartWidth() {
	drawnFor = Math.min(720, Math.max(300, out.clientWidth - 36));
	return drawnFor;
}

// a province holds thousands of schools: the chart shows the CHART_MAX
// largest (by registrations), the table after it every one
const CHART_MAX = 25;

function top(rows) {
	if (rows.length <= CHART_MAX) return rows;
	return [...rows].sort((a, b) => b.registrations - a.registrations).slice(0, CHART_MAX);
}

function localChart(rows, title) {
	const shown = top(rows);
	return barChart({
		title: shown.length < rows.length ? title + ' ' + t('ss_top', { n: shown.length, of: rows.length }) : title,
		rows: shown.map((r) => ({ label: r.name, values: [r.local, r.non_local] })),
		series: [{ key: 'local', label: t('ss_local'), cls: 's-local' },
			{ key: 'non_local', label: t('ss_non_local'), cls: 's-nonlocal' }],
		stacked: true,
		width: chartWidth(),
	});
}

// the chart with its title visible under it (the svg's <title> is its
// accessible name; the caption says the same, and that the table follows)
function figure(svg) {
	return el('figure', { class: 'chart-box' }, svg,
		el('figcaption', { class: 'hint', 'aria-hidden': 'true' }, svg.querySelector('title').textContent));
}

function countsTable(id, caption, rows, drill) {
	const cols = ['registrations', 'local', 'non_local', 'verified', 'ticked', 'approved', 'admitted', 'students_in_school'];
	const tb = el('tbody');
	for (const r of rows) {
		let name = r.name;
		if (drill) {
			name = el('button', { type: 'button', class: 'link', 'data-scope': r.code }, r.name);
			name.addEventListener('click', () => show(r.code, true));
		}
		tb.append(el('tr', { 'data-code': r.code }, el('th', { scope: 'row' }, name),
			...cols.map((k) => el('td', { 'data-col': k }, num(r[k])))));
	}
	return el('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': id + '-c' },
		el('table', { class: 'data num', id },
			el('caption', { id: id + '-c' }, caption),
			el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('ss_name')),
				...cols.map((k) => el('th', { scope: 'col' }, t('ss_' + k))))),
			tb));
}

function render() {
	if (!data) return;
	const kids = [];
	if (trail.length) {
		const back = el('button', { type: 'button', class: 'link', id: 'scope-back' }, t('ss_back'));
		back.addEventListener('click', () => show(trail.pop(), false));
		kids.push(back);
	}
	kids.push(el('h2', { id: 'scope-h', tabindex: '-1' }, data.scope.name + ' (' + data.scope.code + ')'),
		el('p', { class: 'hint' }, t('ss_as_of', { at: data.as_of.replace('T', ' ').slice(0, 16) })));
	const c = data.totals;
	kids.push(el('section', { class: 'card', 'aria-labelledby': 'p-h', id: 'progress' },
		el('h3', { id: 'p-h' }, t('ss_progress')),
		figure(progressChart(c)),
		countsTable('totals-table', t('ss_totals_caption'), [{ ...c, name: data.scope.name, code: data.scope.code }], false)));
	if (data.counties.length) {
		kids.push(el('section', { class: 'card', 'aria-labelledby': 'c-h', id: 'by-county' },
			el('h3', { id: 'c-h' }, t('ss_by_county')),
			figure(localChart(data.counties, t('ss_county_title'))),
			countsTable('county-table', t('ss_county_caption'), data.counties, true)));
	}
	if (data.schools.length) {
		kids.push(el('section', { class: 'card', 'aria-labelledby': 's-h', id: 'by-school' },
			el('h3', { id: 's-h' }, t('ss_by_school')),
			figure(localChart(data.schools, t('ss_school_title'))),
			countsTable('school-table', t('ss_school_caption'), data.schools, data.scope.kind !== 'school')));
	}
	out.replaceChildren(...kids);
}

async function show(scope, push) {
	const prev = data ? data.scope.code : null;
	const r = await api('GET', API + '/statistics' + (scope ? '?scope=' + encodeURIComponent(scope) : ''));
	if (r.status !== 200) {
		const e = r.body && r.body.error;
		out.replaceChildren(el('p', { class: 'form-error', role: 'alert' }, e ? words(e) : t('unexpected', { status: r.status })));
		return;
	}
	if (push && prev) trail.push(prev);
	data = r.body;
	form.elements.scope.value = data.scope.code;
	render();
	if (scope) document.getElementById('scope-h').focus();
}

const me = await staffPage('statistics.html', render);
if (me) {
	// a column made much narrower or wider: the charts are drawn again,
	// before the next paint (a ResizeObserver runs between layout and paint)
	new ResizeObserver(() => {
		if (data && Math.abs(Math.min(720, Math.max(300, out.clientWidth - 36)) - drawnFor) > 40) render();
	}).observe(out);
	form.addEventListener('submit', (e) => { e.preventDefault(); trail.length = 0; show(form.elements.scope.value.trim(), false); });
	await show('', false);
}
