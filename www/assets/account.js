// account.js -- account.html: the password change (PUT
// /api/parent/v1/account/password). Other sessions end; this one gets a
// new session and CSRF token (xj.js keeps the token from the answer).
// The page flags two new passwords that differ; the server's rules
// (weak password, wrong current password, the same password again) show
// beside their fields in its words.
import { api, busy, setupPage, requireSession, signOut, t, clearErrors, fieldError, formError, showApiError } from './xj.js';

const form = document.getElementById('password');
const F = (n) => form.elements.namedItem(n);
const done = document.getElementById('done');

form.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	clearErrors(form);
	done.textContent = '';
	let ok = true;
	for (const n of ['current_password', 'new_password', 'new_password2'])
		if (!F(n).value) { fieldError(form, n, t('f_required')); ok = false; }
	if (ok && F('new_password').value !== F('new_password2').value) {
		fieldError(form, 'new_password2', t('password_mismatch'));
		ok = false;
	}
	if (!ok) {
		formError(form, t('fix_marked'));
		form.querySelector('[aria-invalid="true"]').focus();
		return;
	}
	const r = await busy(form, () => api('PUT', '/api/parent/v1/account/password',
		{ current_password: F('current_password').value, new_password: F('new_password').value }));
	if (r.status === 200) {
		form.reset();
		done.textContent = t('password_changed');
	} else showApiError(form, r);
});

setupPage();
document.getElementById('signout').addEventListener('click', signOut);
requireSession();
