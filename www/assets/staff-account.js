// staff-account.js -- www/staff/account.html: a staff member changes
// their own password and turns on the authenticator (review M10) when the
// org does not require it already; the forms are staff.js's, shared with
// the sign-in page.
import { t } from './xj.js';
import { credentialForms, staffPage } from './staff.js';

let me = await staffPage('account.html', render);
const done = document.getElementById('done');
let said = '';

function render() {
	const on = me.second_factor.enrolled;
	document.getElementById('sf-state').textContent = t(on ? 'sf_enrolled' : 'sf_not_enrolled');
	document.getElementById('sf-enrol').hidden = on;
	done.textContent = said ? t(said) : '';
	done.hidden = !said;
}

document.querySelector('#changepw [name=username]').value = me.account.login;   // for password managers

credentialForms((s, what) => {
	me = s;
	said = what === 'password' ? 'pw_changed' : 'enrolled_ok';
	render();
	done.focus();
});
render();
