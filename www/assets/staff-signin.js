// staff-signin.js -- www/staff/index.html: a staff member signs in with
// account and password, and the authenticator's code when the account has
// a second factor (the server answers otp_required: the code field
// appears). Then, as the session answer says, the forced password change
// (first sign-in, after an administrator's reset) and the enrolment of a
// second factor the org requires; then the inbox. A session that ended
// because the account signed in elsewhere (R-ORG-4) or expired is told so
// here, in the server's words.
import { api, busy, clearErrors, fieldError, setupPage, showApiError, words } from './xj.js';
import { SESSION, credentialForms, setupDone } from './staff.js';

const signin = document.getElementById('signin');
const changepw = document.getElementById('changepw');

setupPage();

function show(step) {
	for (const s of ['signin', 'password', 'enrol'])
		document.getElementById('step-' + s).hidden = s !== step;
	const first = document.querySelector('#step-' + step + ' input');
	if (first) first.focus();
}

// where a signed-in session goes next
function next(s) {
	changepw.elements.username.value = s.account.login;    // for password managers
	if (s.must_change_password) show('password');
	else if (!setupDone(s)) show('enrol');
	else location.assign('inbox.html');
}

signin.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	clearErrors(signin);
	const body = { login: signin.elements.login.value.trim(), password: signin.elements.password.value };
	const otpBox = document.getElementById('otp-box');
	if (!otpBox.hidden && signin.elements.otp.value.trim()) body.otp = signin.elements.otp.value.trim();
	const r = await busy(signin, () => api('POST', SESSION, body));
	if (r.status === 200) { next(r.body); return; }
	const code = r.body && r.body.error && r.body.error.code;
	if (code === 'otp_required' || code === 'otp_invalid') {
		// the password was right: the code of the authenticator is next
		otpBox.hidden = false;
		signin.elements.otp.value = '';
		fieldError(signin, 'otp', words(r.body.error));
		signin.elements.otp.focus();
		return;
	}
	showApiError(signin, r);
});

credentialForms(next);

// on arrival: signed in already (to the next step), or why the last
// session ended
api('GET', SESSION).then((r) => {
	if (r.status === 200) { next(r.body); return; }
	const e = r.body && r.body.error;
	if (e && (e.code === 'session_replaced' || e.code === 'session_expired')) {
		const why = document.getElementById('why');
		why.textContent = words(e);
		why.hidden = false;
	}
});
