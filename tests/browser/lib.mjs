// lib.mjs -- what the browser drivers share (parent.mjs, story.mjs,
// staff_records.mjs): the browser, named checks written to
// results.json, screenshots at 360 and 1280 px, axe-core, first-load
// weights, the SMS simulator's messages, TOTP codes (RFC 6238) for a
// staff account's second factor.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const BASE = process.env.XJ_BASE;
export const SMS = process.env.XJ_SMS;
export const OUT = process.env.XJ_OUT;
fs.mkdirSync(OUT, { recursive: true });

export const checks = {};
export const weights = {};
export const axeReport = {};

// a named check: the first failure stays
export function check(name, ok, diag) {
	if (checks[name] && !checks[name].ok) return;
	checks[name] = { ok: !!ok, diag: ok ? '' : String(diag || '') };
}

// run a step; an exception fails its check with the first line
export async function step(name, fn) {
	try { await fn(); } catch (e) { check(name, false, e.message.split('\n')[0]); }
}

export function finish() {
	fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({ checks, weights, axe: axeReport }, null, 1));
}

// extra: more command-line switches (e.g. a fake camera)
export async function launch(extra = []) {
	return chromium.launch({
		executablePath: process.env.XJ_CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--host-resolver-rules=MAP localhost 127.0.0.1', ...extra],
	});
}

export async function shoot(page, name) {
	const was = page.viewportSize();
	for (const w of [360, 1280]) {
		await page.setViewportSize({ width: w, height: w === 360 ? 740 : 900 });
		await page.screenshot({ path: path.join(OUT, name + '-' + w + '.png'), fullPage: true });
	}
	await page.setViewportSize(was);
}

// axe-core on the page as it is: no serious or critical violation
export async function axe(page, name, checkName = 'axe') {
	await page.evaluate(AXE);
	const res = await page.evaluate(async () => {
		const r = await window.axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
	});
	axeReport[name] = res;
	const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	check(checkName, bad.length === 0, name + ': ' + bad.map((v) => v.id + ' (' + v.impact + ') ' + v.nodes.join(', ')).join('; '));
}

export async function visit(page, name, checkName) {
	await page.waitForLoadState('networkidle');
	await axe(page, name, checkName);
	await shoot(page, name);
}

// a page's first load, cache empty: bytes on the wire (compressed as nginx
// sends them) of every same-origin answer, the API's included
export async function weigh(browser, ctxOpts, url, name, ready) {
	const ctx = await browser.newContext(ctxOpts);
	const page = await ctx.newPage();
	const reqs = [];
	page.on('requestfinished', (r) => reqs.push(r));
	await page.goto(BASE + url);
	if (ready) await ready(page);
	await page.waitForLoadState('networkidle');
	let total = 0;
	let n = 0;
	for (const r of reqs) {
		if (!r.url().startsWith(BASE)) continue;
		const s = await r.sizes();
		total += s.responseBodySize + s.responseHeadersSize;
		n++;
	}
	weights[name] = { bytes: total, requests: n };
	check('weight', total < 150 * 1024, name + ' weighs ' + total + ' bytes');
	await ctx.close();
}

// ---- the SMS simulator: the phone's screen ------------------------------
export async function messages(phone) {
	const r = await fetch(SMS + '/_messages?phone=' + phone);
	return r.ok ? r.json() : [];
}

export async function newCode(phone, before) {
	for (let i = 0; i < 150; i++) {
		const m = await messages(phone);
		if (m.length > before) {
			const last = m[m.length - 1];
			if (last.template === 'XJ_CODE') return last.params.code;
			throw new Error('the phone got ' + last.template + ', not a code');
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error('no code arrived in 30 s');
}

// ---- TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s), as an authenticator app
export function totp(base32, at = Date.now()) {
	const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const c of base32.replace(/[\s=]/g, '').toUpperCase()) bits += alpha.indexOf(c).toString(2).padStart(5, '0');
	const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
	const ctr = Buffer.alloc(8);
	ctr.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
	const h = crypto.createHmac('sha1', key).update(ctr).digest();
	const o = h[h.length - 1] & 0xf;
	return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}
