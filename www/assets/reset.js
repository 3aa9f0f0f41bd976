// reset.js -- reset.html: a new password with a code sent to the account's
// phone (purpose reset); every session ends, so the parent signs in again
import { api, busy, setupPage, t, clearErrors, showApiError } from './xj.js';
import { codeButton } from './codes.js';

const form = document.getElementById('reset');
setupPage();
codeButton(form, 'reset');

form.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	clearErrors(form);
	const r = await busy(form, () => api('POST', '/api/parent/v1/password-reset', {
		phone: form.elements.phone.value,
		code: form.elements.code.value.trim(),
		new_password: form.elements.new_password.value,
	}));
	if (r.status === 204) {
		form.reset();
		form.querySelector('#sent').textContent = t('reset_done');
		form.querySelector('button[type="submit"]').disabled = true;
	} else showApiError(form, r);
});
