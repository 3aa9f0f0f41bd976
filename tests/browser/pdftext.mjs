// pdftext.mjs -- the text of a PDF that chromium printed (page.pdf), to
// check what a printed page says without a PDF tool on the machine.
// Enough for Skia's output: objects in the clear, FlateDecode streams,
// Type0 fonts with Identity-H encoding and a ToUnicode CMap, text shown
// with Tj / TJ of hex strings after a Tf. Returns the text of all content
// streams, runs concatenated in order.
import zlib from 'node:zlib';

function objects(buf) {
	const s = buf.toString('latin1');
	const out = new Map();
	const re = /(\d+) 0 obj\s*([\s\S]*?)endobj/g;
	let m;
	while ((m = re.exec(s))) {
		const body = m[2];
		const st = body.indexOf('stream');
		let dict = body, data = null;
		if (st >= 0) {
			dict = body.slice(0, st);
			let from = m.index + m[0].indexOf(body) + st + 'stream'.length;
			if (s[from] === '\r') from++;
			if (s[from] === '\n') from++;
			const len = /\/Length (\d+)/.exec(dict);
			const end = len ? from + Number(len[1]) : s.indexOf('endstream', from);
			data = buf.subarray(from, end);
			if (/\/FlateDecode/.test(dict)) {
				try { data = zlib.inflateSync(data); } catch (e) { data = null; }
			}
		}
		out.set(Number(m[1]), { dict, data });
	}
	return out;
}

function hexToCodes(h, width) {
	h = h.replace(/\s+/g, '');
	const codes = [];
	for (let i = 0; i + width * 2 <= h.length; i += width * 2) codes.push(parseInt(h.slice(i, i + width * 2), 16));
	return codes;
}

function utf16(h) {
	h = h.replace(/\s+/g, '');
	let s = '';
	for (let i = 0; i + 4 <= h.length; i += 4) s += String.fromCharCode(parseInt(h.slice(i, i + 4), 16));
	return s;
}

// a ToUnicode CMap: code -> text
function cmap(text) {
	const map = new Map();
	let width = 2;
	const cs = /begincodespacerange\s*<([0-9a-fA-F]+)>/.exec(text);
	if (cs) width = cs[1].length / 2;
	for (const blk of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
		for (const p of blk[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g))
			map.set(parseInt(p[1], 16), utf16(p[2]));
	for (const blk of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
		for (const p of blk[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])/g)) {
			const lo = parseInt(p[1], 16), hi = parseInt(p[2], 16);
			if (p[3][0] === '<') {
				const base = utf16(p[3].slice(1, -1));
				for (let c = lo; c <= hi; c++)
					map.set(c, base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + c - lo));
			} else {
				const items = [...p[3].matchAll(/<([0-9a-fA-F]+)>/g)].map((x) => utf16(x[1]));
				items.forEach((u, i) => map.set(lo + i, u));
			}
		}
	return { map, width };
}

export function pdfText(buf) {
	const objs = objects(buf);
	// font resource names -> their ToUnicode maps
	const fonts = new Map();
	for (const { dict } of objs.values())
		for (const f of dict.matchAll(/\/Font\s*<<([^>]*)>>/g))
			for (const p of f[1].matchAll(/\/([A-Za-z0-9_.+-]+)\s+(\d+) 0 R/g)) {
				const font = objs.get(Number(p[2]));
				const tu = font && /\/ToUnicode (\d+) 0 R/.exec(font.dict);
				const cm = tu && objs.get(Number(tu[1]));
				if (cm && cm.data) fonts.set(p[1], cmap(cm.data.toString('latin1')));
			}
	let text = '';
	for (const { dict, data } of objs.values()) {
		if (!data || /\/Type\s*\/(XObject|ObjStm|Metadata)|\/Subtype|\/Length1/.test(dict)) continue;
		const s = data.toString('latin1');
		if (!/\bT[jJf]\b/.test(s)) continue;
		let cur = null;
		for (const m of s.matchAll(/\/([A-Za-z0-9_.+-]+)\s+[\d.]+\s+Tf|(\[(?:[^\]]*)\])\s*TJ|<([0-9a-fA-F\s]*)>\s*Tj/g)) {
			if (m[1]) { cur = fonts.get(m[1]) || null; continue; }
			if (!cur) continue;
			const hexes = m[2] ? [...m[2].matchAll(/<([0-9a-fA-F\s]*)>/g)].map((x) => x[1]) : [m[3]];
			for (const h of hexes)
				for (const c of hexToCodes(h, cur.width)) text += cur.map.get(c) || '';
		}
		text += '\n';
	}
	return text;
}
