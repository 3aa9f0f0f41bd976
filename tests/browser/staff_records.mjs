// staff_records.mjs -- the roster, student record, statistics and account
// pages (issue 14) in Debian's chromium, driven by playwright-core, against
// a running stack whose data tests/browser/staff_records.py prepared
// (XJ_FIXTURE: students, logins, the G number and the formula name).
//
// A school clerk reads the roster, filters it, downloads the CSV (checked
// byte by byte: BOM, every student, the G number masked, the formula
// neutralised), opens a record in place, issues a certificate of student
// status and prints it; a county reviewer reads the statistics (the bars
// carry the API's numbers, the table the same, a school drills down); a
// county administrator lists, creates, disables and resets accounts. Every
// page is checked by axe-core and photographed at 360 and 1280 px; first
// loads are weighed; URLs and storage are searched for personal data.
//
// Environment: XJ_BASE, XJ_OUT, XJ_CHROMIUM, XJ_FIXTURE (JSON). Writes
// XJ_OUT/results.json (lib.mjs): {checks: {name: {ok, diag}}, weights, axe}.
import fs from 'node:fs';
import { BASE, OUT, check, step, finish, launch, shoot, axe, visit, weigh } from './lib.mjs';

const FX = JSON.parse(process.env.XJ_FIXTURE);
const API = FX.api;

function eq(name, got, want, what) {
	const g = JSON.stringify(got), w = JSON.stringify(want);
	check(name, g === w, what + ': got ' + g + ', want ' + w);
	return g === w;
}

// a JSON GET from the page, with its cookie: what the API says
async function apiGet(page, p) {
	return page.evaluate(async (u) => {
		const r = await fetch(u, { headers: { Accept: 'application/json' } });
		return { status: r.status, body: await r.json() };
	}, p);
}

const browser = await launch();
const ctxOpts = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1,
	acceptDownloads: true };
const urls = [];
const consoleLines = [];
const changes = [];
const states = {};

// a context signed in as login: the browser itself posts the sign-in, so
// it keeps the __Host- cookie as it would from the sign-in page
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
	// a document of the origin without script; its icon request answered
	// here (a style sheet names no icon, so chromium asks for /favicon.ico)
	await page.route('**/favicon.ico', (r) => r.fulfill({ status: 204, body: '' }));
	await page.goto(BASE + '/assets/xj.css');
	const st = await page.evaluate(async ([l, p]) => (await fetch('/api/school/v1/session', {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ login: l, password: p }) })).status, [login, FX.password]);
	if (st !== 200) throw new Error('sign-in of ' + login + ': ' + st);
	states[login] = await ctx.storageState();
	return { ctx, page };
}

const names = [];

try {
	// ---- the roster, as the school's clerk --------------------------------
	const { ctx: cctx, page } = await signedIn(FX.clerk);
	await step('roster', async () => {
		await page.goto(BASE + '/staff/roster.html');
		await page.locator('#roster-table').waitFor();
		const api = await apiGet(page, API + '/roster?limit=200');
		const shown = await page.locator('#roster-table tbody th').allTextContents();
		for (const s of api.body.items) names.push(s.name);
		eq('roster', shown, api.body.items.map((s) => s.name), 'the names shown, in roster order');
		check('roster', shown.includes(FX.injection), 'the formula name is shown as text');
		const nos = await page.locator('#roster-table tbody tr td:first-child').allTextContents();
		eq('roster', nos, api.body.items.map((s) => s.student_no), 'the student numbers');
		await visit(page, 'roster');
		check('roster', true);
	});
	await step('filters', async () => {
		// a class: its one student
		await page.selectOption('#f-class', FX.class);
		await page.getByRole('button', { name: '查询' }).click();
		await page.locator('#roster-table caption').filter({ hasText: '1 人' }).waitFor();
		const api = await apiGet(page, API + '/roster?class=' + FX.class);
		eq('filters', await page.locator('#roster-table tbody th').allTextContents(),
			api.body.items.map((s) => s.name), 'the class filter');
		await page.selectOption('#f-class', '');
		// a grade: as the API answers it
		const all = await apiGet(page, API + '/roster?limit=200');
		const g = all.body.items.find((s) => s.grade) ? all.body.items.find((s) => s.grade).grade : 1;
		await page.selectOption('#f-grade', String(g));
		const wait = page.waitForResponse((r) => r.url().includes('/roster?') && r.url().includes('grade=' + g));
		await page.getByRole('button', { name: '查询' }).click();
		await wait;
		const byGrade = await apiGet(page, API + '/roster?limit=200&grade=' + g);
		const shown = byGrade.body.items.length
			? await page.locator('#roster-table tbody th').allTextContents() : [];
		eq('filters', shown, byGrade.body.items.map((s) => s.name), 'the grade filter');
		await page.selectOption('#f-grade', '');
		// a status other than in school: the search, not the roster; no CSV
		await page.selectOption('#f-status', 'graduated');
		const w2 = page.waitForResponse((r) => r.url().includes('/students?') && r.url().includes('status=graduated'));
		await page.getByRole('button', { name: '查询' }).click();
		await w2;
		const grad = await apiGet(page, API + '/students?status=graduated&limit=50');
		if (grad.body.items.length === 0) await page.locator('#empty').waitFor();
		check('filters', await page.locator('#csv').isHidden(), 'no CSV link for a status other than in school');
		await page.selectOption('#f-status', 'in_school');
		await page.getByRole('button', { name: '查询' }).click();
		await page.locator('#roster-table').waitFor();
		check('filters', true);
	});
	await step('csv', async () => {
		const dl = page.waitForEvent('download');
		await page.locator('#csv').click();
		const d = await dl;
		const file = OUT + '/roster.csv';
		await d.saveAs(file);
		const buf = fs.readFileSync(file);
		eq('csv', [...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the UTF-8 byte order mark');
		const text = buf.toString('utf8').slice(1);
		const lines = text.split('\r\n').filter((l) => l);
		const api = await apiGet(page, API + '/roster?limit=200');
		eq('csv', lines.length - 1, api.body.items.length, 'one line per in-school student');
		check('csv', lines[0].startsWith('"学籍号","姓名"'), 'the header: ' + lines[0]);
		check('csv', text.includes('"G110105************"'), 'the G number masked');
		check('csv', !text.includes(FX.g_number.slice(1)), 'the identity number is not in the file');
		check('csv', text.includes('"\'=HYPERLINK(""http://evil.example/"",""x"")"'), 'the formula neutralised and quoted');
		check('csv', d.suggestedFilename() === 'roster-' + FX.school + '.csv', 'file name ' + d.suggestedFilename());
		check('csv', true);
	});
	await step('record', async () => {
		const id = FX.students[0];
		const before = page.url();
		await page.locator('button[data-student="' + id + '"]').click();
		await page.locator('#record-h').waitFor();
		const rec = await apiGet(page, API + '/students/' + id);
		eq('record', await page.locator('#record-h').textContent(), rec.body.name, 'the record heading');
		check('record', (await page.locator('#record').textContent()).includes(rec.body.student_no), 'the student number');
		check('record', page.url() === before, 'the URL did not change: ' + page.url());
		await page.getByRole('heading', { name: '学籍变动记录' }).waitFor();
		await page.getByRole('heading', { name: '转学等业务办理记录' }).waitFor();
		await visit(page, 'record');
		check('record', true);
	});
	await step('certificate', async () => {
		const id = FX.students[0];
		await page.locator('#issue').click();
		await page.locator('#certs .serial').first().waitFor();
		const serial = (await page.locator('#certs .serial').first().textContent()).trim();
		const list = await apiGet(page, API + '/status-certificates?student=' + id);
		eq('certificate', list.body.items.map((c) => c.serial), [serial], 'the counterfoil the API lists');
		check('certificate', (await page.locator('#cert-msg').textContent()).includes(serial), 'the page says it was issued');
		const pop = page.waitForEvent('popup');
		await page.locator('#certs a.print').first().click();
		const p2 = await pop;
		await p2.waitForLoadState();
		eq('certificate', (await p2.locator('#serial').textContent()).trim(), serial, 'the printed serial');
		// its own style applies: nginx adds no second, stricter policy
		check('certificate', await p2.evaluate(() => [...document.querySelectorAll('style')].every((s) => s.sheet)),
			'the print page\'s style was refused (CSP)');
		await shoot(p2, 'certificate-print');
		await p2.close();
		await shoot(page, 'record-certificate');
		await page.locator('#back').click();
		await page.locator('#roster-table').waitFor();
		check('certificate', true);
	});
	await cctx.close();

	// ---- statistics, as the county's reviewer ---------------------------
	const { ctx: sctx, page: sp } = await signedIn(FX.reviewer);
	await step('chart', async () => {
		await sp.goto(BASE + '/staff/statistics.html');
		await sp.locator('#progress svg.chart').waitFor();
		const api = (await apiGet(sp, API + '/statistics')).body;
		const bars = await sp.locator('#progress svg.chart rect[data-value]').evaluateAll((r) => r.map((x) => Number(x.dataset.value)));
		eq('chart', bars, ['registrations', 'verified', 'ticked', 'approved', 'admitted'].map((k) => api.totals[k]), 'the progress bars');
		check('chart', api.totals.registrations > 0, 'the county has registrations');
		const labels = await sp.locator('#progress svg.chart text.value').allTextContents();
		eq('chart', labels.map(Number), bars, 'each bar says its number');
		const county = await sp.locator('#by-county svg.chart g.row').evaluateAll((rows) => rows.map((g) =>
			[...g.querySelectorAll('rect[data-value]')].map((r) => Number(r.dataset.value))));
		eq('chart', county, api.counties.map((c) => [c.local, c.non_local]), 'local and non-local per county');
		const school = await sp.locator('#by-school svg.chart g.row').evaluateAll((rows) => rows.map((g) =>
			[...g.querySelectorAll('rect[data-value]')].map((r) => Number(r.dataset.value))));
		eq('chart', school, api.schools.map((c) => [c.local, c.non_local]), 'local and non-local per school');
		const cells = await sp.locator('#school-table tbody tr').evaluateAll((rows) => rows.map((r) =>
			[r.dataset.code, Number(r.querySelector('[data-col="registrations"]').textContent),
				Number(r.querySelector('[data-col="admitted"]').textContent)]));
		eq('chart', cells, api.schools.map((c) => [c.code, c.registrations, c.admitted]), 'the table holds the numbers');
		check('chart', (await sp.locator('#progress svg.chart').getAttribute('role')) === 'img', 'the chart is an image');
		check('chart', !!(await sp.locator('#progress svg.chart title').textContent()), 'with a title');
		await visit(sp, 'statistics');
		// in English: the page redraws in the other language, same numbers
		await sp.locator('#lang').click();
		await sp.locator('#school-table thead th').first().filter({ hasText: 'Name' }).waitFor();
		check('chart', /local/.test(await sp.locator('#by-school svg.chart title').textContent()), 'the chart title in English');
		const again = await sp.locator('#progress svg.chart rect[data-value]').evaluateAll((r) => r.map((x) => Number(x.dataset.value)));
		eq('chart', again, bars, 'the same bars in English');
		await shoot(sp, 'statistics-en');
		await sp.locator('#lang').click();
		await sp.locator('#school-table thead th').first().filter({ hasText: '名称' }).waitFor();
		check('chart', true);
	});
	await step('drill', async () => {
		await sp.locator('#school-table button[data-scope="' + FX.school + '"]').click();
		await sp.locator('#scope-h').filter({ hasText: FX.school }).waitFor();
		const api = (await apiGet(sp, API + '/statistics?scope=' + FX.school)).body;
		const bars = await sp.locator('#progress svg.chart rect[data-value]').evaluateAll((r) => r.map((x) => Number(x.dataset.value)));
		eq('drill', bars, ['registrations', 'verified', 'ticked', 'approved', 'admitted'].map((k) => api.totals[k]), 'the school\'s bars');
		await shoot(sp, 'statistics-school');
		await sp.locator('#scope-back').click();
		await sp.locator('#scope-h').filter({ hasText: FX.county }).waitFor();
		check('drill', true);
	});
	await step('bureau', async () => {
		// a county reads a school's roster by naming it; the CSV only then
		await sp.goto(BASE + '/staff/roster.html');
		await sp.locator('#f-school').waitFor();
		check('bureau', await sp.locator('#csv').isHidden(), 'a CSV link before a school is named');
		await sp.fill('#f-school', FX.school);
		await sp.getByRole('button', { name: '查询' }).click();
		await sp.locator('#roster-table').waitFor();
		const api = await apiGet(sp, API + '/roster?limit=200&school=' + FX.school);
		eq('bureau', await sp.locator('#roster-table tbody th').allTextContents(), api.body.items.map((x) => x.name),
			'the school\'s roster as the county reads it');
		check('bureau', (await sp.locator('#csv').getAttribute('href')).includes('school=' + FX.school), 'the CSV names the school');
		await visit(sp, 'roster-county');
		check('bureau', true);
	});
	await sctx.close();

	// ---- accounts, as the county's administrator ------------------------
	const { ctx: actx, page: ap } = await signedIn(FX.admin);
	await step('accounts', async () => {
		ap.on('dialog', (d) => d.accept());
		await ap.goto(BASE + '/staff/accounts.html');
		await ap.locator('#accounts-table').waitFor();
		const api = (await apiGet(ap, API + '/accounts?limit=100')).body;
		eq('accounts', await ap.locator('#accounts-table tbody th').allTextContents(), api.items.map((a) => a.login), 'the accounts listed');
		await visit(ap, 'accounts');
		// a new account: a weak password first, flagged beside its field
		const login = FX.new_login;
		await ap.selectOption('#c-kind', 'school');
		await ap.fill('#c-org', FX.school);
		await ap.fill('#c-login', login);
		await ap.fill('#c-name', '测试学籍员');
		await ap.selectOption('#c-role', 'clerk');
		await ap.fill('#c-pw', 'short');
		await ap.getByRole('button', { name: '创建账号' }).click();
		await ap.locator('[data-error-for="password"]').filter({ hasText: /\S/ }).waitFor();
		check('accounts', (await ap.locator('#c-pw').getAttribute('aria-invalid')) === 'true', 'the password field is marked');
		await shoot(ap, 'accounts-error');
		await ap.fill('#c-pw', 'Abcdef123456');
		await ap.getByRole('button', { name: '创建账号' }).click();
		await ap.locator('#acc-msg').filter({ hasText: login }).waitFor();
		// disable another account
		await ap.fill('#acc-org', FX.school);
		await ap.getByRole('button', { name: '查看' }).click();
		await ap.locator('tr[data-login="' + FX.victim + '"]').waitFor();
		await ap.locator('tr[data-login="' + FX.victim + '"] button[data-action="disable"]').click();
		await ap.locator('tr[data-login="' + FX.victim + '"] [data-col="status"]').filter({ hasText: '已停用' }).waitFor();
		// a mistake undone: enabled again, then disabled for good
		await ap.locator('tr[data-login="' + FX.victim + '"] button[data-action="enable"]').click();
		await ap.locator('#acc-msg').filter({ hasText: '重新启用' }).waitFor();
		await ap.locator('tr[data-login="' + FX.victim + '"] [data-col="status"]').filter({ hasText: '正常' }).waitFor();
		await ap.locator('tr[data-login="' + FX.victim + '"] button[data-action="disable"]').click();
		await ap.locator('tr[data-login="' + FX.victim + '"] [data-col="status"]').filter({ hasText: '已停用' }).waitFor();
		// reset the new account's password
		await ap.locator('tr[data-login="' + login + '"] button[data-action="reset"]').click();
		await ap.fill('#reset-pw', 'Another12345');
		await axe(ap, 'accounts-reset');
		await ap.getByRole('button', { name: '确认重置' }).click();
		await ap.locator('#acc-msg').filter({ hasText: '已重置' }).waitFor();
		const after = (await apiGet(ap, API + '/accounts?org=' + FX.school + '&limit=200')).body.items;
		const v = after.find((a) => a.login === FX.victim), n = after.find((a) => a.login === login);
		eq('accounts', [v && v.status, n && n.must_change_password], ['disabled', true], 'disabled, and must change');
		await shoot(ap, 'accounts-done');
		check('accounts', true);
	});

	// ---- privacy, CSRF, console, CSP -------------------------------------
	await step('privacy', async () => {
		const secrets = [FX.g_number, FX.g_number.slice(1), ...names.filter((n) => n.length > 1),
			...names.map(encodeURIComponent)];
		for (const u of urls)
			for (const s of secrets)
				check('privacy', !u.includes(s), 'a URL holds personal data: ' + u.replace(s, '<…>'));
		const stored = await ap.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
		check('privacy', stored === '{}{}' || stored === '{"xj-lang":"zh"}{}', 'storage holds ' + stored);
		check('privacy', true);
	});
	check('csrf', changes.length >= 4, 'only ' + changes.length + ' changes seen');
	for (const c of changes) check('csrf', c.token, c.what + ' without X-CSRF-Token');
	// 422: the weak password on purpose
	const unexpected = consoleLines.filter((l) => !/^error: Failed to load resource: the server responded with a status of (422) /.test(l));
	check('console', unexpected.length === 0, unexpected.slice(0, 5).join(' | '));
	check('csp', !consoleLines.some((l) => /Content Security Policy/i.test(l)), 'a CSP refusal');
	await actx.close();

	// ---- weights: each page's first load, signed in ----------------------
	await step('weight', async () => {
		await weigh(browser, { ...ctxOpts, storageState: states[FX.clerk] }, '/staff/roster.html', 'staff/roster.html',
			(p) => p.locator('#roster-table').waitFor());
		await weigh(browser, { ...ctxOpts, storageState: states[FX.reviewer] }, '/staff/statistics.html', 'staff/statistics.html',
			(p) => p.locator('#progress svg.chart').waitFor());
		await weigh(browser, { ...ctxOpts, storageState: states[FX.admin] }, '/staff/accounts.html', 'staff/accounts.html',
			(p) => p.locator('#accounts-table').waitFor());
		check('weight', true);
	});
} catch (e) {
	check('run', false, e.stack);
} finally {
	await browser.close();
}

finish();
