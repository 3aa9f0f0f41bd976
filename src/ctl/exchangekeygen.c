/* exchangekeygen.c -- `xuejictl exchange-keygen`: a key pair for the
 * ministry exchange's signatures (issue 13 item 2, crypto/xsign.h). The
 * private half stays here ([exchange] signing_key_file); the public half
 * goes to the ministry with the key id we sign under. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "crypto/xsign.h"
#include "ctl.h"

int
xj_ctl_exchange_keygen(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alg", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	enum xj_xalg alg = XJ_XALG_P256;
	char err[512];
	int ch, rc;

	(void)x;
	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'a':
			if ((alg = xj_xalg_parse(optarg, strlen(optarg))) == XJ_XALG_NONE) {
				fprintf(stderr, "exchange-keygen: --alg is ecdsa-p256-sha256 or sm2-sm3\n");
				return 2;
			}
			break;
		default:
			return xj_ctl_usage(argv[0]);
		}
	if (argc - optind != 2)
		return xj_ctl_usage(argv[0]);
	if ((rc = xj_xkeygen(alg, argv[optind], argv[optind + 1], err, sizeof(err))) < 0) {
		fprintf(stderr, "exchange-keygen: %s\n", err);
		return 1;
	}
	if (rc == 0) {
		fprintf(stderr, "exchange-keygen: %s exists; not overwritten\n", argv[optind]);
		return 1;
	}
	printf("wrote %s (%s) and its public key %s\n", argv[optind], xj_xalg_name(alg),
	    argv[optind + 1]);
	return 0;
}
