// signup.js -- signup.html: phone, SMS code, password; signed in at once
import { api, busy, setupPage, clearErrors, showApiError } from './xj.js';
import { codeButton } from './codes.js';

const form = document.getElementById('signup');
setupPage();
codeButton(form, 'signup');

form.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	clearErrors(form);
	const r = await busy(form, () => api('POST', '/api/parent/v1/accounts', {
		phone: form.elements.phone.value,
		code: form.elements.code.value.trim(),
		password: form.elements.password.value,
	}));
	if (r.status === 201) location.assign('registrations.html');
	else showApiError(form, r);
});
