// codes.js -- asking for an SMS code from a form: the button waits out the
// server's one-a-minute limit (and any Retry-After) before it asks again
import { api, t, clearErrors, fieldError, showApiError } from './xj.js';

export function codeButton(form, purpose) {
	const btn = form.querySelector('#send');
	const status = form.querySelector('#sent');
	let timer = null;
	const wait = (s) => {
		btn.disabled = true;
		let left = s;
		const tick = () => {
			if (left <= 0) {
				clearInterval(timer);
				btn.disabled = false;
				btn.textContent = t('send_code');
				return;
			}
			btn.textContent = t('send_again_in', { s: left });
			left -= 1;
		};
		tick();
		timer = setInterval(tick, 1000);
	};
	btn.addEventListener('click', async () => {
		clearErrors(form);
		status.textContent = '';
		const phone = form.elements.phone.value;
		if (!phone.trim()) {
			fieldError(form, 'phone', t('required'));
			form.elements.phone.focus();
			return;
		}
		btn.disabled = true;
		const r = await api('POST', '/api/parent/v1/sms-codes', { phone, purpose });
		if (r.status === 202) {
			status.textContent = t('code_sent');
			wait(60);
			form.elements.code.focus();
		} else {
			btn.disabled = false;
			showApiError(form, r);
			if (r.status === 429 && r.retryAfter) wait(Math.min(+r.retryAfter || 60, 3600));
		}
	});
}
