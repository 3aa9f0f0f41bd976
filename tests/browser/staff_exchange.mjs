// staff_exchange.mjs -- this session's staff pages in Debian's chromium,
// driven by playwright-core, against a stack whose data and ministry
// answers tests/browser/staff_exchange.py prepared (XJ_FIXTURE).
//
// A school clerk keys in a 补建 record (the page's checks, then the
// server's, beside their fields), uploads a CSV that is refused line by
// line and then one that imports, downloads the template, sees the records
// pending; starts a transfer from another province (transfer_same_province
// explained first) and a graduate move (graduate_move_closed explained);
// reads a case refused with 2001 from its notice, and a record's national
// check, origin and number history. The school's reviewer reads who asks
// for one of its pupils and a national problem group; the county reads the
// request waiting for its approval; the province the other side's progress.
// axe-core and screenshots (360, 1280 px) on every state; URLs and storage
// searched for personal data; first loads weighed.
//
// Environment: XJ_BASE, XJ_OUT, XJ_CHROMIUM, XJ_FIXTURE (JSON).
import fs from 'node:fs';
import { BASE, OUT, check, step, finish, launch, shoot, axe, visit, weigh } from './lib.mjs';

const FX = JSON.parse(process.env.XJ_FIXTURE);
const API = FX.api;

function eq(name, got, want, what) {
	const g = JSON.stringify(got), w = JSON.stringify(want);
	check(name, g === w, what + ': got ' + g + ', want ' + w);
	return g === w;
}

async function apiGet(page, p) {
	return page.evaluate(async (u) => {
		const r = await fetch(u, { headers: { Accept: 'application/json' } });
		return { status: r.status, body: await r.json() };
	}, p);
}

const browser = await launch();
const ctxOpts = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1, acceptDownloads: true };
const urls = [];
const consoleLines = [];
const changes = [];
const states = {};
const pages = [];

async function signedIn(login) {
	const ctx = await browser.newContext(ctxOpts);
	const page = await ctx.newPage();
	page.on('request', (r) => {
		urls.push(r.url());
		const u = new URL(r.url());
		if (r.method() !== 'GET' && u.pathname.startsWith('/api/school/v1/') && u.pathname !== '/api/school/v1/session')
			changes.push({ what: r.method() + ' ' + u.pathname, token: !!r.headers()['x-csrf-token'] });
	});
	page.on('console', (m) => consoleLines.push(m.type() + ': ' + m.text()));
	page.on('pageerror', (e) => consoleLines.push('pageerror: ' + e.message));
	await page.route('**/favicon.ico', (r) => r.fulfill({ status: 204, body: '' }));
	await page.goto(BASE + '/assets/xj.css');
	const st = await page.evaluate(async ([l, p]) => (await fetch('/api/school/v1/session', {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ login: l, password: p }) })).status, [login, FX.password]);
	if (st !== 200) throw new Error('sign-in of ' + login + ': ' + st);
	states[login] = await ctx.storageState();
	pages.push(page);
	return { ctx, page };
}

// the 补建 form filled from a body as the API takes it
async function fillOne(page, b) {
	const f = page.locator('#supp');
	for (const [k, v] of Object.entries(b)) {
		const input = f.locator('[name="' + k + '"]');
		if (await input.evaluate((e) => e.tagName) === 'SELECT') await input.selectOption(String(v));
		else await input.fill(String(v));
	}
}

const posts = (what) => changes.filter((c) => c.what === what).length;

try {
	const { page } = await signedIn(FX.clerk);

	// ---- 补建学籍 ---------------------------------------------------------
	await step('supplement', async () => {
		await page.goto(BASE + '/staff/supplement.html');
		await page.locator('#supp [name="id_doc_type"] option[value="1"]').waitFor({ state: 'attached' });
		await page.locator('#supp [name="ethnicity"] option[value="01"]').waitFor({ state: 'attached' });
		await page.locator('#pending-table, #pending-none').first().waitFor();
		check('supplement', (await page.locator('nav a[aria-current="page"]').textContent()) === '补建学籍', 'the navigation names the page');
		await visit(page, 'supplement');
		// the page's own checks: grade 1 of primary school, a wrong check character
		const one = FX.one;
		const wrong = one.id_number.slice(0, 17) + (one.id_number[17] === '0' ? '1' : '0');
		await fillOne(page, { ...one, id_number: wrong, entry_year: FX.school_year });
		const before = posts('POST /api/school/v1/students/supplements');
		await page.getByRole('button', { name: '补建学籍' }).click();
		await page.locator('#supp [data-error-for="entry_year"]').filter({ hasText: '一年级' }).waitFor();
		check('supplement', (await page.locator('#supp [data-error-for="id_number"]').textContent()).includes('校验位'),
			'the check character flagged');
		check('supplement', (await page.locator('#supp [name="id_number"]').getAttribute('aria-invalid')) === 'true', 'marked');
		eq('supplement', posts('POST /api/school/v1/students/supplements'), before, 'nothing sent');
		await visit(page, 'supplement-checks');
		// the server's: a class the school does not have
		await fillOne(page, { ...one, class_code: '2020109' });
		await page.getByRole('button', { name: '补建学籍' }).click();
		await page.locator('#supp [data-error-for="class_code"]').filter({ hasText: /\S/ }).waitFor();
		eq('supplement', posts('POST /api/school/v1/students/supplements'), before + 1, 'sent once');
		await shoot(page, 'supplement-server-error');
		// English: the server's words in English beside the field
		await page.locator('#lang').click();
		await page.getByRole('button', { name: 'Supplement the record' }).click();
		const en = await page.locator('#supp [data-error-for="class_code"]').filter({ hasText: /[a-z]/ }).textContent();
		check('supplement', /^[\x20-\x7e]+$/.test(en), 'the error in English: ' + en);
		await page.locator('#lang').click();
		// made
		await page.locator('#supp [name="class_code"]').fill('');
		await page.getByRole('button', { name: '补建学籍' }).click();
		await page.locator('#done-msg').waitFor();
		const row = page.locator('#created-table tbody tr').first();
		const cells = await row.locator('td, th').allTextContents();
		const api = await apiGet(page, API + '/students?status=pending_check&limit=200');
		const rec = api.body.items.find((x) => x.name === one.name);
		check('supplement', !!rec, 'the API lists the record pending');
		eq('supplement', [cells[0], cells[1], cells[3]], [rec.student_no, one.name, '待全国查重'], 'the record made');
		check('supplement', /^L/.test(rec.student_no), 'a temporary L number: ' + rec.student_no);
		await page.locator('#pending-table tbody th').filter({ hasText: one.name }).waitFor();
		eq('supplement', (await page.locator('#pending-table tbody tr').count()), api.body.items.length, 'every pending record listed');
		await visit(page, 'supplement-made');
		check('supplement', true);
	});

	await step('import', async () => {
		const bad = OUT + '/bad.csv', good = OUT + '/good.csv';
		fs.writeFileSync(bad, FX.bad_csv);
		fs.writeFileSync(good, FX.good_csv);
		const n0 = (await apiGet(page, API + '/students?status=pending_check&limit=200')).body.items.length;
		await page.locator('#file').setInputFiles(bad);
		await page.getByRole('button', { name: '上传并导入' }).click();
		await page.locator('#errors-table').waitFor();
		const rows = await page.locator('#errors-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
		eq('import', rows.map((r) => [r[0], r[1]]), [['2', '姓名 (name)'], ['3', '身份证件号码 (id_number)']], 'the lines and fields refused');
		check('import', rows.every((r) => r[2].length > 0), 'each with the server\'s words');
		check('import', (await page.locator('#import .form-error').textContent()).includes('2 处错误'), 'the file refused as a whole');
		eq('import', (await apiGet(page, API + '/students?status=pending_check&limit=200')).body.items.length, n0, 'nothing written');
		await visit(page, 'import-refused');
		await page.locator('#file').setInputFiles(good);
		await page.getByRole('button', { name: '上传并导入' }).click();
		await page.locator('#done-msg').filter({ hasText: '2 名' }).waitFor();
		check('import', await page.locator('#errors-table').count() === 0, 'the error table gone');
		const made = await page.locator('#created-table tbody th').allTextContents();
		for (const n of FX.file_names) check('import', made.includes(n), n + ' listed as made');
		eq('import', (await apiGet(page, API + '/students?status=pending_check&limit=200')).body.items.length, n0 + 2, 'two more pending');
		const csvPost = changes.filter((c) => c.what === 'POST /api/school/v1/students/imports');
		eq('import', csvPost.length, 2, 'two uploads');
		await visit(page, 'import-done');
		check('import', true);
	});

	await step('template', async () => {
		const dl = page.waitForEvent('download');
		await page.locator('#template').click();
		const d = await dl;
		await d.saveAs(OUT + '/template.csv');
		const buf = fs.readFileSync(OUT + '/template.csv');
		eq('template', [...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the byte order mark');
		check('template', buf.toString('utf8').slice(1).startsWith('name,sex,birth_date'), 'the header line');
		check('template', true);
	});

	// ---- transfers in -------------------------------------------------
	let started = null;
	await step('transfer', async () => {
		await page.goto(BASE + '/staff/transfer.html');
		await page.locator('#transfer [name="student_no"]').waitFor();
		check('transfer', await page.locator('#tr-other-fields').isHidden(), 'the other province\'s fields hidden at first');
		await visit(page, 'transfer');
		await page.locator('#transfer [name="student_no"]').fill(FX.other.no);
		await page.locator('#transfer [name="name"]').fill(FX.other.name);
		await page.locator('#tr-other').check();
		await page.locator('#tr-other-fields').waitFor();
		// the page's own check first: no sending school
		await page.getByRole('button', { name: '提交转学申请' }).click();
		await page.locator('#transfer [data-error-for="from_school"]').filter({ hasText: /\S/ }).waitFor();
		await page.locator('#transfer [name="from_school"]').fill(FX.other.school);
		await page.locator('#transfer [name="from_county"]').fill('110105');
		await page.locator('#transfer [name="reason"]').fill('随父母迁居');
		await page.getByRole('button', { name: '提交转学申请' }).click();
		await page.locator('#transfer-why').filter({ hasText: '本省' }).waitFor();
		await visit(page, 'transfer-same-province');
		await page.locator('#transfer [name="from_county"]').fill(FX.other.county);
		const resp = page.waitForResponse((r) => r.url().endsWith('/api/school/v1/transfers') && r.request().method() === 'POST');
		await page.getByRole('button', { name: '提交转学申请' }).click();
		const r = await resp;
		started = (await r.json()).id;
		await page.locator('#transfer-ok').filter({ hasText: String(started) }).waitFor();
		const c = await apiGet(page, API + '/workflow/cases/' + started);
		eq('transfer', [c.body.type, c.body.exchange.sending_school_code, c.body.exchange.sending_county_code, c.body.exchange.reason],
			['transfer_national', FX.other.school, FX.other.county, '随父母迁居'], 'the case the page started');
		await visit(page, 'transfer-started');
		check('transfer', true);
	});

	await step('graduate_move', async () => {
		const f = page.locator('#gmove');
		await f.locator('[name="student_no"]').fill(FX.graduate.no);
		await f.locator('[name="name"]').fill(FX.graduate.name);
		await f.locator('[name="from_school"]').fill(FX.other.school);
		await f.locator('[name="from_county"]').fill(FX.other.county);
		await f.locator('[name="graduation_year"]').fill(String(FX.school_year));
		await page.getByRole('button', { name: '提交毕业生转入申请' }).click();
		await page.locator('#gmove .form-error').filter({ hasText: /\S/ }).waitFor();
		check('graduate_move', await page.locator('#gmove-why').filter({ hasText: '办理期' }).count() === 1,
			'no explanation: ' + await page.locator('#gmove .form-error').textContent());
		check('graduate_move', (await f.locator('.form-error').textContent()).trim().length > 0, 'the server\'s words above the form');
		await visit(page, 'graduate-move-closed');
		check('graduate_move', true);
	});

	// ---- the case refused with 2001, from the school's notice -----------
	await step('case_refused', async () => {
		await page.goto(BASE + '/staff/inbox.html');
		const li = page.locator('#notices li[data-case="' + FX.refused.case + '"]').first();
		await li.waitFor();
		await li.getByRole('button').click();
		await page.locator('#xc-decisions').waitFor();
		const row = await page.locator('#xc-decisions tbody tr').first().locator('td').allTextContents();
		eq('case_refused', row.slice(0, 4), ['转出学校', '不同意', '2001 姓名与学籍号不符', '姓名与学籍号不符'], 'the decision');
		check('case_refused', (await page.locator('.panel').textContent()).includes(FX.refused.tid), 'the cross-province id');
		await visit(page, 'case-refused');
		check('case_refused', true);
	});

	// ---- the case the sending school approved, from the school's own list
	await step('case_progress', async () => {
		await page.locator('#started tr[data-case="' + FX.progress.case + '"] button').click();
		await page.locator('#xc-decisions').waitFor();
		const row = await page.locator('#xc-decisions tbody tr').first().locator('td').allTextContents();
		eq('case_progress', row.slice(0, 3), ['转出学校', '同意', '—'], 'the sending school\'s approval, read by the school');
		check('case_progress', await page.locator('#started tr[data-case="' + FX.refused.case + '"]').count() === 0,
			'the refused case is no longer in progress');
		check('case_progress', await page.locator('#started tr[data-case="' + FX.asked.case + '"]').count() === 0,
			'a request relayed from another province is not the school\'s application');
		await visit(page, 'case-progress-school');
	});

	await step('record_numbers', async () => {
		await page.goto(BASE + '/staff/roster.html');
		await page.locator('#roster-table').waitFor();
		while (await page.locator('button[data-student="' + FX.issued.id + '"]').count() === 0 && await page.locator('#more').count())
			await page.locator('#more').click();
		await page.locator('button[data-student="' + FX.issued.id + '"]').click();
		await page.locator('#numbers').waitFor();
		const line = await page.locator('#numbers li').first().textContent();
		check('record_numbers', line.includes(FX.issued.old) && line.includes(FX.issued.g), 'the number history: ' + line);
		const basic = await page.locator('#record dl').first().textContent();
		check('record_numbers', basic.includes('补建学籍'), 'the origin');
		check('record_numbers', basic.includes('已下发学籍号'), 'the national check');
		check('record_numbers', !(await page.locator('#record').textContent()).includes(FX.secrets[0]),
			'the identity number (the G number\'s tail) never shown');
		await visit(page, 'record-numbers');
		check('record_numbers', true);
	});

	// ---- the school's reviewer: who asks, the national group -------------
	const { page: rp } = await signedIn(FX.reviewer);
	await step('asked_by', async () => {
		await rp.goto(BASE + '/staff/inbox.html');
		const b = rp.getByRole('button', { name: '打开：' + FX.asked.name });
		await b.first().waitFor();
		check('asked_by', (await rp.locator('#sec-wf').textContent()).includes('转入学校 3201020001'), 'the list says who asks');
		await b.first().click();
		await rp.locator('.panel dl').waitFor();
		const d = await rp.locator('.panel dl').textContent();
		check('asked_by', d.includes('申请方（外省）') && d.includes('3201020001') && d.includes('320102') && d.includes('随父母工作调动'),
			'who asks and why: ' + d);
		check('asked_by', d.includes(FX.asked.tid), 'the cross-province id');
		await visit(rp, 'case-asked-by');
		check('asked_by', true);
	});
	await step('national_group', async () => {
		await rp.locator('#sec-problem').waitFor();
		await rp.locator('#sec-problem button[aria-label$="#' + FX.problem.group + '"]').click();
		await rp.locator('#pg-others').waitFor();
		const o = await rp.locator('#pg-others tbody tr').first().locator('td').allTextContents();
		eq('national_group', [o[0], o[1], o[2], o[5], o[6]], ['320000', '南京市某小学', '张*明', 'G320102************', '320102************'],
			'the other province\'s record as the ministry masked it');
		const api = await apiGet(rp, API + '/problem-groups/' + FX.problem.group);
		eq('national_group', await rp.locator('#pg-members tbody tr').count(), api.body.members.length, 'our members');
		check('national_group', (await rp.locator('.panel dl').textContent()).includes(FX.problem.gid), 'the national group id');
		await visit(rp, 'problem-group-national');
		check('national_group', true);
	});

	// ---- the county: the request waits for its approval ------------------
	const { page: cp } = await signedIn(FX.county);
	await step('case_progress', async () => {
		await cp.goto(BASE + '/staff/inbox.html');
		const rows = cp.locator('#sec-wf tbody tr');
		await rows.first().waitFor();
		// the case the clerk started on the page: step 2 is the county's
		const api = await apiGet(cp, API + '/workflow/cases/' + started);
		await cp.getByRole('button', { name: '打开：' + api.body.student.name }).first().click();
		await cp.locator('.panel .exchange').waitFor();
		const d = await cp.locator('.panel .exchange').textContent();
		check('case_progress', d.includes('等待本区县审核后发出') && d.includes(FX.other.school) && d.includes('对方尚未答复'),
			'the request waits: ' + d);
		await visit(cp, 'case-waiting');
		// the case the sending school approved: its progress, read by the county
		const prog = await apiGet(cp, API + '/workflow/cases/' + FX.progress.case);
		check('case_progress', prog.status === 200 && prog.body.exchange.decisions.length === 1, 'the API has the progress');
		check('case_progress', true);
	});
	const { page: pp } = await signedIn(FX.province);
	await step('case_progress', async () => {
		await pp.goto(BASE + '/staff/inbox.html');
		await pp.getByRole('button', { name: '打开：' + FX.progress.name }).first().click();
		await pp.locator('#xc-decisions').waitFor();
		const row = await pp.locator('#xc-decisions tbody tr').first().locator('td').allTextContents();
		eq('case_progress', row.slice(0, 3), ['转出学校', '同意', '—'], 'the sending school\'s approval');
		check('case_progress', (await pp.locator('.panel .exchange').textContent()).includes('已发往全国学籍系统'), 'the request sent');
		check('case_progress', await pp.locator('#xc-wait').count() === 1 && await pp.locator('.panel form.decide').count() === 0,
			'the exchange\'s step offers no decision');
		await visit(pp, 'case-progress');
		check('case_progress', true);
	});

	// ---- privacy, CSRF, console, CSP ---------------------------------------
	await step('privacy', async () => {
		const secrets = [...FX.secrets, ...FX.secrets.map(encodeURIComponent)];
		for (const u of urls)
			for (const s of secrets)
				check('privacy', !u.includes(s), 'a URL holds personal data: ' + u.replace(s, '<…>'));
		for (const p of pages) {
			const stored = await p.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
			check('privacy', stored === '{}{}' || /^\{"xj-lang":"(zh|en)"\}\{\}$/.test(stored), 'storage holds ' + stored);
		}
		check('privacy', true);
	});
	check('csrf', changes.length >= 6, 'only ' + changes.length + ' changes seen');
	for (const c of changes) check('csrf', c.token, c.what + ' without X-CSRF-Token');
	// 422 and 409: the refusals on purpose
	const unexpected = consoleLines.filter((l) => !/^error: Failed to load resource: the server responded with a status of (422|409) /.test(l));
	check('console', unexpected.length === 0, unexpected.slice(0, 5).join(' | '));
	check('csp', !consoleLines.some((l) => /Content Security Policy/i.test(l)), 'a CSP refusal');

	await step('weight', async () => {
		await weigh(browser, { ...ctxOpts, storageState: states[FX.clerk] }, '/staff/supplement.html', 'staff/supplement.html',
			(p) => p.locator('#pending-table, #pending-none').first().waitFor());
		await weigh(browser, { ...ctxOpts, storageState: states[FX.clerk] }, '/staff/transfer.html', 'staff/transfer.html',
			(p) => p.locator('#transfer [name="student_no"]').waitFor());
		await weigh(browser, { ...ctxOpts, storageState: states[FX.reviewer] }, '/staff/inbox.html', 'staff/inbox.html',
			(p) => p.locator('#sec-problem').waitFor());
		check('weight', true);
	});
} catch (e) {
	check('run', false, e.stack);
} finally {
	await browser.close();
}

finish();
