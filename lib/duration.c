#include "config.h"

#include "duration.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const struct {
	char unit;
	int64_t secs;
} units[] = {{'w', 604800}, {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};

#define NUNITS (sizeof(units) / sizeof(units[0]))

static int unit_index(char c)
{
	for (size_t i = 0; i < NUNITS; i++)
		if (units[i].unit == c)
			return (int)i;
	return -1;
}

/* Reads digits at *p into *v; fails on none or on int64 overflow. */
static int read_number(const char **p, int64_t *v)
{
	const char *s = *p;
	int64_t n = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		int d = *s - '0';
		if (n > (INT64_MAX - d) / 10)
			return -2;
		n = n * 10 + d;
	}
	*p = s;
	*v = n;
	return 0;
}

int duration_parse(const char *s, int64_t *secs, char *err, size_t errlen)
{
	const char *p = s;
	int64_t total = 0;
	int last = -1;

	if (*p == '\0') {
		snprintf(err, errlen, "empty duration");
		return -1;
	}
	while (*p != '\0') {
		int64_t n;
		int rc = read_number(&p, &n);
		if (rc != 0) {
			snprintf(err, errlen,
			         rc == -2 ? "duration '%s' is too large" : "invalid duration '%s'",
			         s);
			return -1;
		}
		if (*p == '\0' && last == -1) {
			total = n; /* a bare number: seconds */
			break;
		}
		int u = unit_index(*p);
		if (u < 0 || u <= last) {
			snprintf(err, errlen,
			         "invalid duration '%s' (use e.g. 90, 90s, 15m, 1h30m, 2d, 1w)", s);
			return -1;
		}
		if (n > INT64_MAX / units[u].secs || total > INT64_MAX - n * units[u].secs) {
			snprintf(err, errlen, "duration '%s' is too large", s);
			return -1;
		}
		total += n * units[u].secs;
		last = u;
		p++;
	}
	if (total > DURATION_MAX) {
		snprintf(err, errlen, "duration '%s' is too large (at most %dd)", s,
		         DURATION_MAX_DAYS);
		return -1;
	}
	*secs = total;
	return 0;
}

const char *duration_format(int64_t secs, char *buf, size_t len)
{
	size_t used = 0;
	int shown = 0;

	if (secs <= 0) {
		snprintf(buf, len, "0s");
		return buf;
	}
	/* Weeks are left out: "17d4h" reads more easily than "2w3d4h". */
	for (size_t i = 1; i < NUNITS && shown < 2; i++) {
		int64_t n = secs / units[i].secs;
		if (n == 0) {
			if (shown > 0)
				break; /* "2h0m5s" would mislead; stop at the gap */
			continue;
		}
		int w = snprintf(buf + used, len - used, "%lld%c", (long long)n, units[i].unit);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
		secs -= n * units[i].secs;
		shown++;
	}
	return buf;
}
