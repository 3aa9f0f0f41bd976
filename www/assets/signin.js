// signin.js -- index.html: sign in by SMS code (first) or by password
import { api, busy, setupPage, t, session, clearErrors, showApiError } from './xj.js';
import { codeButton } from './codes.js';

const form = document.getElementById('signin');
let byPassword = false;

function mode() {
	document.getElementById('by-code').hidden = byPassword;
	document.getElementById('by-password').hidden = !byPassword;
	document.getElementById('send').hidden = byPassword;
	document.getElementById('switch').textContent = t(byPassword ? 'use_code' : 'use_password');
	document.getElementById('forgot').hidden = !byPassword;
}

setupPage(mode);
mode();
codeButton(form, 'login');

document.getElementById('switch').addEventListener('click', () => {
	byPassword = !byPassword;
	clearErrors(form);
	mode();
});

form.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	clearErrors(form);
	const body = { phone: form.elements.phone.value };
	if (byPassword) body.password = form.elements.password.value;
	else body.code = form.elements.code.value.trim();
	const r = await busy(form, () => api('POST', '/api/parent/v1/session', body));
	if (r.status === 200) location.assign('registrations.html');
	else showApiError(form, r);
});

// already signed in: straight to the family's registrations
session().then((s) => { if (s) location.replace('registrations.html'); });
