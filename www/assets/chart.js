// chart.js -- the statistics page's charts: horizontal bars in SVG, drawn
// here from the numbers of the API answer (no chart library: ECharts is
// about 1 MB, 330 KB compressed, more than twice a page's budget, for two
// kinds of bars; docs/architecture.md "Web pages", staff records part).
//
// Built with DOM calls only (no innerHTML, no style attributes: the CSP
// allows neither); colours and fonts come from classes in staff2.css. Each
// chart is an <svg role="img"> whose <title> says what it shows; the same
// numbers are in the table the page puts after it, which is what screen
// readers read (the bars are aria-hidden). Every bar carries its number in
// data-value and as a visible label, so the test can read what was drawn.
const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, text) {
	const e = document.createElementNS(NS, name);
	for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
	if (text !== undefined) e.textContent = text;
	return e;
}

// rows: [{label, values: [n, ...]}], series: [{label, cls}] -- one group
// of bars per row, one bar per series (side by side when stacked is false,
// one bar cut into parts when stacked is true). title: the accessible name.
// width: the pixels the chart gets (the page passes its column's width, so
// that 12-pixel text stays 12 pixels on a phone); the viewBox scales it
// when the window changes. Returns the <svg>.
export function barChart({ title, rows, series, stacked = false, labelWidth = 150, width = 640 }) {
	const W = Math.max(300, Math.round(width));
	labelWidth = Math.min(labelWidth, Math.round(W * 0.34));
	const barH = stacked ? 18 : 14;
	const groupH = stacked ? barH + 12 : series.length * (barH + 2) + 10;
	const plotW = W - labelWidth - 50;
	const H = rows.length * groupH + 34;
	const max = Math.max(1, ...rows.map((r) => stacked
		? r.values.reduce((a, b) => a + b, 0) : Math.max(0, ...r.values)));
	const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: W, role: 'img', class: 'chart',
		'data-max': max, preserveAspectRatio: 'xMinYMin meet' });
	svg.appendChild(el('title', {}, title));
	const g = el('g', { 'aria-hidden': 'true' });
	svg.appendChild(g);
	// legend
	let lx = labelWidth;
	series.forEach((s) => {
		g.appendChild(el('rect', { x: lx, y: 4, width: 12, height: 12, class: 'bar ' + s.cls }));
		const t = el('text', { x: lx + 16, y: 14, class: 'legend' }, s.label);
		g.appendChild(t);
		lx += 24 + 14 * [...s.label].length;
	});
	rows.forEach((r, i) => {
		const y0 = 28 + i * groupH;
		const row = el('g', { class: 'row', 'data-label': r.label });
		row.appendChild(el('text', { x: labelWidth - 6, y: y0 + (stacked ? barH : groupH - 10) / 2 + 4,
			class: 'label', 'text-anchor': 'end' }, clip(r.label, labelWidth)));
		let x = labelWidth;
		r.values.forEach((v, k) => {
			const w = Math.round((v / max) * plotW);
			const y = stacked ? y0 : y0 + k * (barH + 2);
			row.appendChild(el('rect', { x, y, width: Math.max(w, v > 0 ? 1 : 0), height: barH,
				class: 'bar ' + series[k].cls, 'data-series': series[k].key || k, 'data-value': v }));
			if (!stacked)
				row.appendChild(el('text', { x: x + w + 4, y: y + barH - 3, class: 'value' }, String(v)));
			else
				x += w;
		});
		if (stacked) {
			const total = r.values.reduce((a, b) => a + b, 0);
			row.appendChild(el('text', { x: x + 4, y: y0 + barH - 4, class: 'value' }, String(total)));
		}
		g.appendChild(row);
	});
	return svg;
}

// a label cut to what fits beside the bars (wide characters count double)
function clip(s, px) {
	const room = Math.floor((px - 10) / 7);
	let n = 0, out = '';
	for (const ch of s) {
		n += ch.charCodeAt(0) > 0x2e7f ? 2 : 1;
		if (n > room) return out + '…';
		out += ch;
	}
	return out;
}
