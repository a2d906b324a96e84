/* A minimal TAP producer for the unit tests; automake's tap-driver reads it. */
#ifndef CCMC_TAP_H
#define CCMC_TAP_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline bool tap_ok(bool cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++tap_n, what);
	if (!cond)
		tap_failed++;
	return cond;
}

static inline bool tap_is_int(int64_t got, int64_t want, const char *what)
{
	bool ok = tap_ok(got == want, what);
	if (!ok)
		printf("#   got %" PRId64 ", want %" PRId64 "\n", got, want);
	return ok;
}

static inline bool tap_is_str(const char *got, const char *want, const char *what)
{
	bool ok = tap_ok(strcmp(got, want) == 0, what);
	if (!ok)
		printf("#   got '%s'\n#  want '%s'\n", got, want);
	return ok;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
