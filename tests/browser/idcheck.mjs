// idcheck.mjs -- www/assets/idcheck.js on a list of ID numbers (stdin,
// JSON), for run.py to compare with the server's answers: one JSON line,
// [{code} | {birth, sex}] in the list's order.
import fs from 'node:fs';
import { checkIdNumber } from '../../www/assets/idcheck.js';

const list = JSON.parse(fs.readFileSync(0, 'utf8'));
console.log(JSON.stringify(list.map((n) => {
	const c = checkIdNumber(n);
	return c.ok ? { birth: c.birth, sex: c.sex } : { code: c.code };
})));
