// idcheck.js -- the page's copy of the server's ID number rules (R-COL-7,
// src/domain/idnum.c): the same checks in the same order, answering the
// server's field codes, so the page flags a mistake before it is sent and
// in the same words. The area code (the first six digits) needs the table of
// every division that ever existed: register.js asks the server for it
// (POST /api/ref/v1/id-number-checks) once these checks pass.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function normalise(s) {
	return String(s || '').replace(/\s+/g, '').toUpperCase();
}

// xj_date_valid: a real day of a year 1800..9999
function realDate(y, m, d) {
	const t = new Date(Date.UTC(y, m - 1, d));
	return y >= 1800 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

// today's date in Beijing (UTC+8), YYYY-MM-DD, as the server counts days
export function todayBeijing(now = Date.now()) {
	return new Date(now + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// {ok: true, birth: 'YYYY-MM-DD', sex: 'M'|'F'} or {ok: false, code}:
// xj_idnum_parse, then xj_birth_date_check (nobody is born after today)
export function checkIdNumber(raw, today = todayBeijing()) {
	const s = normalise(raw);
	if (/^\d{15}$/.test(s)) return { ok: false, code: 'id_number_15_digits' };
	if (!/^\d{17}[\dX]$/.test(s)) return { ok: false, code: 'id_number_format' };
	const y = +s.slice(6, 10), m = +s.slice(10, 12), d = +s.slice(12, 14);
	if (!realDate(y, m, d)) return { ok: false, code: 'id_number_birth_date' };
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += (s.charCodeAt(i) - 48) * WEIGHTS[i];
	if (CHECK[sum % 11] !== s[17]) return { ok: false, code: 'id_number_check_char' };
	const birth = s.slice(6, 10) + '-' + s.slice(10, 12) + '-' + s.slice(12, 14);
	if (birth > today) return { ok: false, code: 'date_in_future' };
	return {
		ok: true,
		birth,
		sex: (s.charCodeAt(16) - 48) % 2 === 1 ? 'M' : 'F',
	};
}
