// idcheck.js -- the page's copy of the server's ID number rules (R-COL-7,
// src/domain/idnum.c): the same checks in the same order, answering the
// server's field codes, so the page flags a mistake before it is sent and
// in the same words. The area code (the first six digits) is the server's
// alone: it needs the table of every division that ever existed.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function normalise(s) {
	return String(s || '').replace(/\s+/g, '').toUpperCase();
}

function realDate(y, m, d) {
	const t = new Date(Date.UTC(y, m - 1, d));
	return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

// {ok: true, birth: 'YYYY-MM-DD', sex: 'M'|'F'} or {ok: false, code}
export function checkIdNumber(raw) {
	const s = normalise(raw);
	if (/^\d{15}$/.test(s)) return { ok: false, code: 'id_number_15_digits' };
	if (!/^\d{17}[\dX]$/.test(s)) return { ok: false, code: 'id_number_format' };
	const y = +s.slice(6, 10), m = +s.slice(10, 12), d = +s.slice(12, 14);
	if (!realDate(y, m, d)) return { ok: false, code: 'id_number_birth_date' };
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += (s.charCodeAt(i) - 48) * WEIGHTS[i];
	if (CHECK[sum % 11] !== s[17]) return { ok: false, code: 'id_number_check_char' };
	return {
		ok: true,
		birth: s.slice(6, 10) + '-' + s.slice(10, 12) + '-' + s.slice(12, 14),
		sex: (s.charCodeAt(16) - 48) % 2 === 1 ? 'M' : 'F',
	};
}
