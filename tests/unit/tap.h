/* tap.h -- a tiny TAP producer for the unit tests (git's t/unit-tests/
 * test-lib.h, Postgres's Test::More habits). Each test file is one main()
 * that calls plan_lazy(), makes one assertion per behaviour, named after the
 * behaviour, and ends with `return done_testing();`. Output goes to stdout
 * for automake's tap-driver.sh; "1..N" is printed last (a lazy plan), so a
 * program that dies half way is reported as a failure by the driver.
 *
 * ok(cond, fmt, ...)        one assertion; the name is printf-formatted
 * is_int(got, want, name)   integers compared as long long
 * is_str(got, want, name)   C strings (NULL allowed) compared with strcmp
 * is_strn(got, len, want, name)  a length-carrying string against a C string
 * diag(fmt, ...)            a "# ..." comment line
 * On failure the got and want values are printed as "#   got:"/"#  want:". */
#ifndef XJ_TAP_H
#define XJ_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int		 tap_count;
static int		 tap_failed;
static int		 tap_lazy;

static void	plan_lazy(void) __attribute__((unused));
static int	done_testing(void) __attribute__((unused));
static void	diag(const char *, ...) __attribute__((unused, format(printf, 1, 2)));
static int	tap_ok(int, const char *, int, const char *, ...)
		    __attribute__((unused, format(printf, 4, 5)));
static int	tap_is_int(long long, long long, const char *, int, const char *)
		    __attribute__((unused));
static int	tap_is_str(const char *, const char *, const char *, int,
		    const char *) __attribute__((unused));
static int	tap_is_strn(const char *, size_t, const char *, const char *,
		    int, const char *) __attribute__((unused));

#define ok(cond, ...)	tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, name) \
	tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, (name))
#define is_str(got, want, name) \
	tap_is_str((got), (want), __FILE__, __LINE__, (name))
#define is_strn(got, len, want, name) \
	tap_is_strn((got), (len), (want), __FILE__, __LINE__, (name))

static void
plan_lazy(void)
{
	tap_lazy = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* '#' starts a directive in TAP; a name holding one is escaped. */
static void
tap_vname(const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (const char *p = buf; *p; p++) {
		if (*p == '#')
			fputc('\\', stdout);
		fputc(*p == '\n' ? ' ' : *p, stdout);
	}
}

static int
tap_vok(int pass, const char *file, int line, const char *fmt, va_list ap)
{
	tap_count++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	tap_vname(fmt, ap);
	fputc('\n', stdout);
	if (!pass) {
		printf("#   failed at %s:%d\n", file, line);
		tap_failed++;
	}
	return pass;
}

static int
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = tap_vok(pass, file, line, fmt, ap);
	va_end(ap);
	return rc;
}

static int
tap_is_int(long long got, long long want, const char *file, int line,
    const char *name)
{
	if (tap_ok(got == want, file, line, "%s", name))
		return 1;
	printf("#    got: %lld\n#   want: %lld\n", got, want);
	return 0;
}

/* Diagnostic print of a string: control bytes escaped, so that a value
 * holding a newline cannot forge a TAP line. */
static void
tap_quote(const char *s, size_t len)
{
	if (s == NULL) {
		fputs("NULL", stdout);
		return;
	}
	fputc('"', stdout);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			printf("\\x%02x", c);
		else
			fputc(c, stdout);
	}
	fputc('"', stdout);
}

static int
tap_is_strn(const char *got, size_t len, const char *want, const char *file,
    int line, const char *name)
{
	int same;

	if (got == NULL || want == NULL)
		same = got == want;
	else
		same = len == strlen(want) && memcmp(got, want, len) == 0;
	if (tap_ok(same, file, line, "%s", name))
		return 1;
	fputs("#    got: ", stdout);
	tap_quote(got, len);
	fputs("\n#   want: ", stdout);
	tap_quote(want, want ? strlen(want) : 0);
	fputc('\n', stdout);
	return 0;
}

static int
tap_is_str(const char *got, const char *want, const char *file, int line,
    const char *name)
{
	return tap_is_strn(got, got ? strlen(got) : 0, want, file, line, name);
}

/* Print the plan and return the exit status for main(). */
static int
done_testing(void)
{
	if (!tap_lazy)
		diag("plan_lazy() was not called");
	printf("1..%d\n", tap_count);
	if (tap_failed)
		diag("failed %d of %d tests", tap_failed, tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif
