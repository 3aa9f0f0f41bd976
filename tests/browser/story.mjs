// story.mjs -- the end-to-end story of issue 14 in Debian's chromium
// (tests/browser/story.py starts the stack, the accounts and the PSB
// simulator, and reads the results): a parent signs up, registers a child
// with mistakes the page flags, fixes them and submits; the status moves
// once the PSB simulator answers; the parent prints the form (a PDF; the
// number and the QR code on it). A school clerk finds the child by number,
// checks the documents and ticks; another school's clerk scans the form's
// QR code; the school's reviewer changes the first password and sends the
// admission list; the county's reviewer enrols the second factor, opens the
// list from the inbox and approves it, returning the other child with a
// reason; a sign-in of the same account elsewhere ends the first session
// (R-ORG-4); the school issues the notice; the parent sees "admitted" and
// opens the notice. axe-core on every page, screenshots at 360 and
// 1280 px, first-load weights of the staff pages.
//
// Environment: XJ_BASE, XJ_SMS, XJ_OUT, XJ_CHROMIUM, XJ_PHONE, XJ_CHILD
// (JSON: name, sex, birth_date, id_number), XJ_STAFF (JSON: clerk, clerk2,
// reviewer, county: logins; password), XJ_OTHER (the name of the other
// child the school ticked), XJ_NONLOCAL (the name of a child whose five
// certificates wait for the county), XJ_TRANSFER (the name of a student
// whose transfer waits, overdue, for the school's reviewer), XJ_NOID (a
// child without an identity document, checked by the county), XJ_PSB_GO (a file: the PSB simulator answers
// once it exists).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pdfText } from './pdftext.mjs';
import { BASE, OUT, axe, check, checks, finish, launch, messages, newCode, shoot, step, totp, visit, weigh } from './lib.mjs';

const CHILD = JSON.parse(process.env.XJ_CHILD);
const STAFF = JSON.parse(process.env.XJ_STAFF);
const OTHER = process.env.XJ_OTHER;
const NONLOCAL = process.env.XJ_NONLOCAL;
const TRANSFER = process.env.XJ_TRANSFER;
const NOID = process.env.XJ_NOID;
const CERT_REASON = '居住证已过期，请补充有效期内的居住证';
const PHONE = process.env.XJ_PHONE;
const PASSWORD = 'Secret123abc';
const STAFF_NEW_PASSWORD = 'Kaixue2026school';
const CY1 = '1110500001';
const RETURN_REASON = '户籍地址与房产证明不一致，请核实后重新上报';

// a camera for the QR scan: chromium's fake one, without asking
const browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
const phone = { viewport: { width: 360, height: 740 }, locale: 'zh-CN', deviceScaleFactor: 1 };
const office = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1 };
const urls = [];
const consoleLines = [];
const changes = [];
function watch(page) {
	page.on('request', (r) => {
		urls.push(r.url());
		const u = new URL(r.url());
		if (r.method() !== 'GET' && u.pathname.startsWith('/api/school/v1/') && u.pathname !== '/api/school/v1/session')
			changes.push({ what: r.method() + ' ' + u.pathname, token: !!r.headers()['x-csrf-token'] });
	});
	page.on('console', (m) => consoleLines.push(m.type() + ': ' + m.text()));
	page.on('pageerror', (e) => consoleLines.push('pageerror: ' + e.message));
	return page;
}
async function open(opts) {
	const ctx = await browser.newContext(opts);
	return watch(await ctx.newPage());
}
const err = (page, p) => page.locator('[data-error-for="' + p + '"]');

// a staff sign-in on www/staff/index.html (the code of the authenticator
// when one is asked for)
async function staffSignIn(page, login, password, secret) {
	await page.goto(BASE + '/staff/index.html');
	await page.getByLabel('账号').fill(login);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	if (secret) {
		await page.getByLabel('动态口令', { exact: true }).waitFor();
		// the step after the one the enrolment used (±1 step is accepted)
		await page.getByLabel('动态口令', { exact: true }).fill(totp(secret, Date.now() + 30000));
		await page.getByRole('button', { name: '登录', exact: true }).click();
	}
}

let prereg = '';          // as the parent's page shows it (dashes)
let qrText = '';
let noticeNo = '';
const parent = await open(phone);
const clerk = await open(office);
const reviewer = await open(office);
const county = await open(office);
let secret = '';

try {
	// ---- the parent: sign up, register with mistakes, submit ------------
	await step('parent_register', async () => {
		const page = parent;
		await page.goto(BASE + '/signup.html');
		await page.getByLabel('手机号码').fill(PHONE);
		const before = (await messages(PHONE)).length;
		await page.getByRole('button', { name: '获取验证码' }).click();
		await page.getByLabel('短信验证码').fill(await newCode(PHONE, before));
		await page.getByLabel('设置密码').fill(PASSWORD);
		await page.getByRole('button', { name: '注册并登录' }).click();
		await page.waitForURL('**/registrations.html');
		await page.getByRole('link', { name: '登记孩子的入学信息' }).click();
		await page.waitForURL('**/register.html');
		await page.locator('select[name="child.ethnicity"] option[value="01"]').waitFor({ state: 'attached' });
		await page.locator('#notice-label').filter({ hasNotText: '正在加载' }).waitFor();
		const pick = async (id) => {
			await page.selectOption('#' + id + '-p', '110000');
			await page.locator('#' + id + '-c option[value="110100"]').waitFor({ state: 'attached' });
			await page.selectOption('#' + id + '-c', '110100');
			await page.locator('#' + id + '-x option[value="110105"]').waitFor({ state: 'attached' });
			await page.selectOption('#' + id + '-x', '110105');
		};
		await pick('district');
		await page.fill('[name="school_code"]', CY1);
		await page.getByLabel('姓名').first().fill(CHILD.name);
		// a mistake the page flags: a wrong check character
		const digits = '0123456789X';
		await page.fill('[name="child.id_number"]', CHILD.id_number.slice(0, 17) + digits[(digits.indexOf(CHILD.id_number[17]) + 1) % 11]);
		await page.locator('[name="child.id_number"]').blur();
		await err(page, 'child.id_number').filter({ hasText: '校验位不正确' }).waitFor({ timeout: 3000 });
		await shoot(page, 'story-parent-mistake');
		await page.fill('[name="child.id_number"]', CHILD.id_number);
		await page.locator('[name="child.id_number"]').blur();
		await err(page, 'child.id_number').waitFor({ state: 'hidden', timeout: 3000 });
		check('parent_register', await page.inputValue('[name="child.birth_date"]') === CHILD.birth_date,
			'the birth date was not taken from the ID number');
		await page.selectOption('[name="child.ethnicity"]', '01');
		await page.selectOption('[name="child.hukou_nature"]', 'resident');
		await pick('child-hukou_location');
		for (const [n, v] of [['child.birthplace', '北京市朝阳区'], ['child.native_place', '北京市'],
			['child.current_address', '北京市朝阳区建国路1号院2号楼301'], ['child.home_address', '北京市朝阳区建国路1号院2号楼301'],
			['child.contact_address', '北京市朝阳区建国路1号院2号楼301'], ['guardians[0].name', '王建国'],
			['guardians[0].employer', '北京某科技有限公司'], ['distance_km', '1.5']])
			await page.fill('[name="' + n + '"]', v);
		await page.selectOption('[name="guardians[0].relation"]', '父亲');
		// a mistake only the server finds: a ten-digit mobile number
		await page.fill('[name="guardians[0].phone"]', '1380013800');
		await page.getByLabel('我已阅读并同意以上告知').check();
		await page.getByRole('button', { name: '提交登记' }).click();
		await err(page, 'guardians[0].phone').filter({ hasText: '手机号码应为11位' }).waitFor({ timeout: 10000 });
		await page.fill('[name="guardians[0].phone"]', '13800138000');
		await page.getByRole('button', { name: '提交登记' }).click();
		await page.waitForURL('**/registrations.html', { timeout: 15000 });
		const card = page.locator('.card').filter({ hasText: CHILD.name });
		await card.getByText('等待公安部门核验').waitFor();
		prereg = (await card.textContent()).match(/\d{2}-\d{6}-\d{7}-[\dX]|\d{4}-\d{4}-\d{4}-\d{3}[\dX]/)[0];
		check('parent_register', true);
	});

	// ---- the PSB simulator answers: the status moves ----------------------
	await step('status_moves', async () => {
		fs.writeFileSync(process.env.XJ_PSB_GO, 'go');
		const card = parent.locator('.card').filter({ hasText: CHILD.name });
		for (let i = 0; i < 60; i++) {
			await parent.reload();
			await card.waitFor();
			if ((await card.textContent()).includes('请打印信息采集表')) break;
			await new Promise((r) => setTimeout(r, 500));
		}
		await card.getByText('请打印信息采集表').waitFor({ timeout: 1000 });
		await visit(parent, 'story-parent-printable');
		check('status_moves', true);
	});

	// ---- the parent prints the form: a PDF with the number and QR code ----
	await step('print_form', async () => {
		const no = prereg.replace(/-/g, '');
		const card = parent.locator('.card').filter({ hasText: CHILD.name });
		const [form] = await Promise.all([parent.context().waitForEvent('page'),
			card.getByRole('link', { name: '打印信息采集表' }).click()]);
		watch(form);
		await form.waitForLoadState('load');
		await form.emulateMedia({ media: 'print' });
		const pdf = await form.pdf({ format: 'A4', printBackground: true });
		await form.emulateMedia({ media: 'screen' });
		fs.writeFileSync(path.join(OUT, 'story-form.pdf'), pdf);
		const text = pdfText(pdf).replace(/\s+/g, '');
		check('print_form', text.includes(prereg), 'the PDF does not hold the number ' + prereg);
		check('print_form', await form.locator('.qr svg').count() === 1, 'no QR code on the form');
		// the QR code as a person's phone would read it
		await form.setViewportSize({ width: 900, height: 1200 });
		await form.locator('.qr').screenshot({ path: path.join(OUT, 'story-form-qr.png') });
		const z = execFileSync('zbarimg', ['-q', '--raw', path.join(OUT, 'story-form-qr.png')], { encoding: 'utf8' }).trim();
		check('print_form', z.startsWith(no + '-'), 'the QR code reads ' + z.slice(0, 17) + '…');
		qrText = z;
		await form.close();
		check('print_form', true);
	});

	// ---- the school's clerk: sign-in, lookup, documents, tick --------------
	await step('staff_signin', async () => {
		const page = clerk;
		await page.goto(BASE + '/staff/index.html');
		await visit(page, 'staff-signin');
		await page.getByLabel('账号').fill(STAFF.clerk);
		await page.getByLabel('密码', { exact: true }).fill(STAFF.password + 'x');
		await page.getByRole('button', { name: '登录', exact: true }).click();
		await page.locator('.form-error').filter({ hasText: '账号或密码错误' }).waitFor({ timeout: 5000 });
		await page.getByLabel('密码', { exact: true }).fill(STAFF.password);
		await page.getByRole('button', { name: '登录', exact: true }).click();
		await page.waitForURL('**/staff/inbox.html');
		await page.locator('#sec-lists').waitFor();
		await visit(page, 'staff-inbox-clerk');
		// a clerk sends no lists and decides nothing: no such page or button
		const nav = await page.locator('#nav').textContent();
		check('staff_signin', nav.includes('查找报名儿童') && nav.includes('录取名单') && nav.includes('花名册'), 'the clerk\'s navigation: ' + nav);
		check('staff_signin', !/nav_/.test(nav), 'a navigation key without its words: ' + nav);
		// English, and back
		await page.getByRole('button', { name: 'English' }).click();
		await page.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
		check('staff_signin', (await page.locator('#nav').textContent()).includes('Find an applicant'), 'the navigation was not translated');
		await visit(page, 'staff-inbox-clerk-en');
		await page.getByRole('button', { name: '中文' }).click();
		await page.getByRole('heading', { name: '待办事项' }).waitFor();
		check('staff_signin', true);
	});

	await step('applicant_lookup', async () => {
		const page = clerk;
		await page.locator('#nav').getByRole('link', { name: '查找报名儿童' }).click();
		await page.waitForURL('**/staff/applicant.html');
		// feature-detected: chromium on Linux has no BarcodeDetector
		await page.locator('#scan-msg').filter({ hasText: '不支持扫码' }).waitFor();
		await visit(page, 'staff-applicant');
		await page.getByLabel('预登记号').fill(prereg.slice(0, 10));
		await page.getByRole('button', { name: '查找' }).click();
		await err(page, 'prereg_no').filter({ hasText: '16位' }).waitFor({ timeout: 3000 });
		await page.getByLabel('预登记号').fill(prereg);
		await page.getByRole('button', { name: '查找' }).click();
		await page.getByRole('heading', { name: CHILD.name }).waitFor({ timeout: 5000 });
		check('applicant_lookup', (await page.locator('#result').textContent()).includes('可打印采集表'),
			'the state: ' + await page.locator('#result').textContent());
		await visit(page, 'staff-applicant-found');
		check('applicant_lookup', true);
	});

	await step('documents', async () => {
		const page = clerk;
		const boxes = page.locator('#documents input[type=checkbox]');
		const n = await boxes.count();
		check('documents', n >= 3, n + ' documents to check');
		for (let i = 0; i < n; i++) await boxes.nth(i).check();
		await page.getByRole('button', { name: '保存核验结果' }).click();
		await page.locator('.ok-box').filter({ hasText: '核验结果已保存' }).waitFor({ timeout: 5000 });
		check('documents', (await page.locator('#result').textContent()).includes('材料齐全'), 'not complete');
		check('documents', true);
	});

	await step('tick', async () => {
		const page = clerk;
		await page.getByRole('button', { name: '预录取（打钩）' }).click();
		await page.locator('.ok-box').filter({ hasText: '已预录取' }).waitFor({ timeout: 5000 });
		check('tick', (await page.locator('#result').textContent()).includes('已预录取（打钩）'), 'not ticked');
		check('tick', await page.getByRole('button', { name: '取消预录取' }).count() === 1, 'no untick');
		await shoot(page, 'staff-applicant-ticked');
		check('tick', true);
	});

	// ---- the clerk's own password (M10) ------------------------------------
	await step('own_account', async () => {
		const page = clerk;
		await page.locator('#nav').getByRole('link', { name: '我的账号' }).click();
		await page.waitForURL('**/staff/account.html');
		await page.locator('#sf-state').filter({ hasText: '尚未启用动态口令' }).waitFor();
		await visit(page, 'staff-account');
		await page.getByLabel('当前密码').fill(STAFF.password + 'x');
		await page.getByLabel('新密码').fill(STAFF_NEW_PASSWORD);
		await page.getByRole('button', { name: '修改密码' }).click();
		await err(page, 'current_password').waitFor({ timeout: 5000 });
		await page.getByLabel('当前密码').fill(STAFF.password);
		await page.getByRole('button', { name: '修改密码' }).click();
		await page.locator('#done').filter({ hasText: '密码已修改' }).waitFor({ timeout: 5000 });
		// the page goes on with the new session
		await page.locator('#nav').getByRole('link', { name: '待办' }).click();
		await page.getByRole('heading', { name: '待办事项' }).waitFor();
		check('own_account', true);
	});

	// ---- another school scans the printed form's QR code ----------------
	await step('qr_scan', async () => {
		const ctx = await browser.newContext({ ...phone, permissions: ['camera'] });
		// chromium on Linux has no BarcodeDetector: one that "sees" what
		// zbarimg read from the printed form stands in for the camera's
		await ctx.addInitScript((text) => {
			window.BarcodeDetector = class {
				static async getSupportedFormats() { return ['qr_code']; }
				async detect() { return [{ rawValue: text, format: 'qr_code' }]; }
			};
		}, qrText);
		const page = watch(await ctx.newPage());
		await staffSignIn(page, STAFF.clerk2, STAFF.password);
		await page.waitForURL('**/staff/inbox.html');
		await page.goto(BASE + '/staff/applicant.html');
		// the number alone: another school's applicant is not found (M5);
		// the page says the form is needed
		await page.getByLabel('预登记号').fill(prereg);
		await page.getByRole('button', { name: '查找' }).click();
		await page.locator('.form-error').filter({ hasText: '表单验证码' }).waitFor({ timeout: 5000 });
		await page.getByRole('button', { name: '扫描二维码' }).click();
		await page.getByRole('heading', { name: CHILD.name }).waitFor({ timeout: 10000 });
		check('qr_scan', (await page.locator('#scan-msg').textContent()).includes(prereg), 'the page did not say what it read');
		// ticked by the first school: this one may not tick
		check('qr_scan', await page.getByRole('button', { name: '预录取（打钩）' }).count() === 0, 'a second tick offered');
		await visit(page, 'staff-applicant-scanned');
		await ctx.close();
		check('qr_scan', true);
	});

	// ---- the school's reviewer: first sign-in, then the list -------------
	await step('password_change', async () => {
		const page = reviewer;
		await staffSignIn(page, STAFF.reviewer, STAFF.password);
		await page.getByRole('heading', { name: '请修改密码' }).waitFor({ timeout: 5000 });
		await visit(page, 'staff-password-change');
		await page.getByLabel('当前密码').fill(STAFF.password);
		await page.getByLabel('新密码').fill('short1');
		await page.getByRole('button', { name: '修改密码' }).click();
		await err(page, 'new_password').waitFor({ timeout: 5000 });
		check('password_change', (await err(page, 'new_password').textContent()).length > 4, 'no words beside the field');
		await page.getByLabel('新密码').fill(STAFF_NEW_PASSWORD);
		await page.getByRole('button', { name: '修改密码' }).click();
		await page.waitForURL('**/staff/inbox.html');
		check('password_change', true);
	});

	await step('wf_step', async () => {
		const page = reviewer;
		const sec = page.locator('#sec-wf');
		const row = sec.locator('tbody tr').filter({ hasText: TRANSFER });
		await row.waitFor({ timeout: 5000 });
		check('wf_step', (await row.textContent()).includes('已逾期'), 'not flagged overdue: ' + await row.textContent());
		check('wf_step', /逾期/.test(await page.locator('.counts').textContent()), 'the counts say nothing overdue');
		await visit(page, 'staff-inbox-school');
		await row.getByRole('button', { name: /打开/ }).click();
		const panel = sec.locator('.panel');
		await panel.getByRole('table').waitFor({ timeout: 5000 });
		check('wf_step', (await panel.textContent()).includes('转出学校'), 'the steps: ' + await panel.textContent());
		await visit(page, 'staff-inbox-case');
		await panel.getByRole('button', { name: '提交审核意见' }).click();
		await page.locator('.ok-box').filter({ hasText: '已提交审核意见' }).waitFor({ timeout: 5000 });
		check('wf_step', await page.locator('#sec-wf tbody tr').filter({ hasText: TRANSFER }).count() === 0, 'the step still waits');
		check('wf_step', true);
	});

	await step('list_submit', async () => {
		const page = reviewer;
		await page.locator('#nav').getByRole('link', { name: '录取名单' }).click();
		await page.waitForURL('**/staff/lists.html');
		await page.getByRole('button', { name: '提交录取名单' }).waitFor();
		await visit(page, 'staff-lists-school');
		await page.getByRole('button', { name: '提交录取名单' }).click();
		await page.locator('.ok-box').filter({ hasText: '已提交录取名单（2 人）' }).waitFor({ timeout: 5000 });
		const list = await page.locator('#list').textContent();
		check('list_submit', list.includes(CHILD.name) && list.includes(OTHER), 'the list: ' + list);
		await shoot(page, 'staff-lists-submitted');
		// nothing left to send: the server's words
		await page.getByRole('button', { name: '提交录取名单' }).click();
		await page.locator('#submit .form-error').waitFor({ timeout: 5000 });
		check('list_submit', true);
	});

	// ---- the county's reviewer: second factor, inbox, decision -----------
	await step('county_enrol', async () => {
		const page = county;
		await staffSignIn(page, STAFF.county, STAFF.password);
		await page.getByRole('heading', { name: '绑定动态口令' }).waitFor({ timeout: 5000 });
		await page.getByRole('button', { name: '生成密钥' }).click();
		await page.locator('#secret').filter({ hasText: /[A-Z2-7]{4}/ }).waitFor();
		await visit(page, 'staff-enrol');
		secret = (await page.locator('#secret').textContent()).replace(/\s/g, '');
		await page.getByLabel('验证器显示的6位数字').fill(totp(secret) === '000000' ? '111111' : '000000');
		await page.getByRole('button', { name: '确认绑定' }).click();
		await err(page, 'code').waitFor({ timeout: 5000 });
		await page.getByLabel('验证器显示的6位数字').fill(totp(secret));
		await page.getByRole('button', { name: '确认绑定' }).click();
		await page.waitForURL('**/staff/inbox.html');
		check('county_enrol', true);
	});

	await step('cert_review', async () => {
		const page = county;
		const sec = page.locator('#sec-cert');
		await sec.getByRole('button', { name: '打开：' + NONLOCAL }).click();
		const panel = sec.locator('.panel');
		await panel.getByText('营业执照或劳动合同编号').waitFor({ timeout: 5000 });
		await visit(page, 'staff-inbox-cert');
		await panel.getByLabel('不通过', { exact: true }).check();
		await panel.getByRole('button', { name: '提交审核意见' }).click();
		await panel.locator('[data-error-for=reason]').filter({ hasText: '请填写理由' }).waitFor({ timeout: 3000 });
		await panel.getByRole('textbox').fill(CERT_REASON);
		await panel.getByRole('button', { name: '提交审核意见' }).click();
		await page.locator('.ok-box').filter({ hasText: '已提交审核意见' }).waitFor({ timeout: 5000 });
		check('cert_review', !(await page.locator('#sec-cert').textContent()).includes(NONLOCAL), 'the review is still waiting');
		check('cert_review', true);
	});

	await step('noid_review', async () => {
		const page = county;
		const sec = page.locator('#sec-noid');
		await sec.getByRole('button', { name: '打开：' + NOID }).click();
		const panel = sec.locator('.panel');
		await panel.getByRole('button', { name: '提交审核意见' }).waitFor({ timeout: 5000 });
		check('noid_review', (await panel.textContent()).includes('本市户籍'), 'the panel: ' + await panel.textContent());
		await panel.getByLabel('通过', { exact: true }).check();
		await panel.getByRole('button', { name: '提交审核意见' }).click();
		await page.locator('.ok-box').filter({ hasText: '已提交审核意见' }).waitFor({ timeout: 5000 });
		check('noid_review', await page.locator('#sec-noid tbody tr').filter({ hasText: NOID }).count() === 0, 'still waiting');
		check('noid_review', true);
	});

	await step('inbox', async () => {
		const page = county;
		const sec = page.locator('#sec-lists');
		await sec.locator('tbody tr').first().waitFor({ timeout: 5000 });
		check('inbox', (await sec.textContent()).includes('北京市朝阳区第一'), 'the lists section: ' + await sec.textContent());
		check('inbox', /录取名单/.test(await page.locator('.counts').textContent()), 'no count of lists');
		await visit(page, 'staff-inbox-county');
		await page.setViewportSize({ width: 360, height: 740 });
		await shoot(page, 'staff-inbox-county-phone');
		await page.setViewportSize({ width: 1280, height: 900 });
		await sec.getByRole('link', { name: /打开/ }).first().click();
		await page.waitForURL('**/staff/lists.html#list-*');
		await page.getByRole('heading', { name: /的录取名单/ }).waitFor();
		check('inbox', true);
	});

	await step('list_decide', async () => {
		const page = county;
		const row = page.locator('#decide tbody tr').filter({ hasText: OTHER });
		await row.getByLabel('退回', { exact: true }).check();
		await page.getByRole('button', { name: '提交审批结果' }).click();
		// a return without a reason: the page says so beside it
		await row.locator('.err').filter({ hasText: '请填写理由' }).waitFor({ timeout: 3000 });
		await visit(page, 'staff-list-decide');
		await row.getByRole('textbox').fill(RETURN_REASON);
		await page.getByRole('button', { name: '提交审批结果' }).click();
		await page.locator('.ok-box').filter({ hasText: '审批结果已提交' }).waitFor({ timeout: 10000 });
		const t = await page.locator('#list').textContent();
		check('list_decide', t.includes(RETURN_REASON), 'the returned child\'s reason is not shown');
		const mine = page.locator('#list tbody tr').filter({ hasText: CHILD.name });
		check('list_decide', (await mine.textContent()).includes('已通过'), 'the child: ' + await mine.textContent());
		await shoot(page, 'staff-list-decided');
		check('list_decide', true);
	});

	// ---- R-ORG-4: a sign-in elsewhere ends this session ------------------
	await step('session_replaced', async () => {
		const other = await open(office);
		await staffSignIn(other, STAFF.county, STAFF.password, secret);
		await other.waitForURL('**/staff/inbox.html');
		// the first window stays open on the list: its next call is
		// refused; the server's words and a way to sign in again, with
		// nothing on the page lost
		await county.getByRole('button', { name: /查看/ }).first().click();
		await county.locator('#authlost').filter({ hasText: '该账号已在其他地方登录' }).waitFor({ timeout: 5000 });
		check('session_replaced', await county.locator('#authlost a[target=_blank]').count() === 1, 'no way to sign in again');
		check('session_replaced', (await county.locator('#list').textContent()).includes(RETURN_REASON),
			'the list on the page was lost');
		await axe(county, 'staff-lists-replaced');
		await shoot(county, 'staff-lists-replaced');
		// reloaded: the sign-in page says why
		await county.reload();
		await county.waitForURL('**/staff/index.html');
		await county.locator('#why').filter({ hasText: '该账号已在其他地方登录' }).waitFor({ timeout: 5000 });
		await shoot(county, 'staff-signin-replaced');
		await other.context().close();
		check('session_replaced', true);
	});

	// ---- the school issues the notice; the parent sees "admitted" --------
	await step('notice', async () => {
		const page = reviewer;
		await page.goto(BASE + '/staff/applicant.html');
		await page.getByLabel('预登记号').fill(prereg);
		await page.getByRole('button', { name: '查找' }).click();
		await page.getByRole('button', { name: '发放录取通知书' }).click();
		const ok = page.locator('.ok-box').filter({ hasText: '录取通知书已发放' });
		await ok.waitFor({ timeout: 5000 });
		noticeNo = (await ok.textContent()).match(/LQ\w+/)[0];
		const [n] = await Promise.all([page.context().waitForEvent('page'),
			page.getByRole('link', { name: '打印录取通知书' }).click()]);
		watch(n);
		await n.getByRole('heading', { name: '录取通知书' }).waitFor();
		check('notice', (await n.textContent('body')).includes(noticeNo), 'the school\'s notice lacks ' + noticeNo);
		await n.close();
		await visit(page, 'staff-applicant-admitted');
		check('notice', true);
	});

	await step('parent_admitted', async () => {
		await parent.reload();
		const card = parent.locator('.card').filter({ hasText: CHILD.name });
		await card.locator('.state').filter({ hasText: '已录取' }).waitFor({ timeout: 5000 });
		await visit(parent, 'story-parent-admitted');
		// the notice the school issued, opened from the family's card
		const [n] = await Promise.all([parent.context().waitForEvent('page'),
			card.getByRole('link', { name: '查看并打印录取通知书' }).click()]);
		watch(n);
		await n.getByRole('heading', { name: '录取通知书' }).waitFor();
		const body = await n.textContent('body');
		check('parent_admitted', body.includes(CHILD.name) && body.includes(noticeNo), 'the notice does not name the child and ' + noticeNo);
		await shoot(n, 'story-parent-notice');
		await n.close();
		check('parent_admitted', true);
	});

	// ---- nothing personal in URLs or storage; every change with its token
	await step('privacy', async () => {
		for (const u of urls)
			for (const s of [CHILD.id_number, CHILD.name, encodeURIComponent(CHILD.name), OTHER, encodeURIComponent(OTHER), PHONE])
				check('privacy', !u.includes(s), 'a URL holds personal data: ' + u.slice(0, 60));
		for (const p of [clerk, reviewer, county]) {
			const stored = await p.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
			check('privacy', stored === '{}{}' || stored === '{"xj-lang":"zh"}{}', 'storage holds ' + stored);
		}
		check('privacy', true);
	});
	check('csrf', changes.length >= 5, 'only ' + changes.length + ' staff changes seen');
	for (const c of changes) check('csrf', c.token, c.what + ' without X-CSRF-Token');
	// expected answers chromium logs: 401 (signed out, replaced, the
	// sign-in refusals), 403, 404, 409 and 422 (the mistakes above)
	const unexpected = consoleLines.filter((l) => !/^error: Failed to load resource: the server responded with a status of (401|403|404|409|422) /.test(l) &&
		!/^verbose: /.test(l));
	check('console', unexpected.length === 0, unexpected.slice(0, 5).join(' | '));
	check('csp', !consoleLines.some((l) => /Content Security Policy/i.test(l)), 'a CSP refusal');

	await step('weight', async () => {
		await weigh(browser, office, '/staff/index.html', 'staff/index.html');
		const signed = { ...office, storageState: await reviewer.context().storageState() };
		await weigh(browser, signed, '/staff/inbox.html', 'staff/inbox.html', (p) => p.locator('.counts').waitFor());
		await weigh(browser, signed, '/staff/applicant.html', 'staff/applicant.html', (p) => p.locator('#scan-msg').filter({ hasText: /./ }).waitFor());
		await weigh(browser, signed, '/staff/lists.html', 'staff/lists.html', (p) => p.locator('#lists table').waitFor());
		await weigh(browser, signed, '/staff/account.html', 'staff/account.html', (p) => p.locator('#sf-state').filter({ hasText: /./ }).waitFor());
		check('weight', true);
	});
} catch (e) {
	check('run', false, e.stack);
} finally {
	await browser.close();
}
finish();
console.log(JSON.stringify(checks));
