#include "config.h"

#include "range.h"

#include "duration.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Parses one endpoint of length n at s as a count. */
static int count_parse(const char *s, size_t n, int64_t *v)
{
	size_t i = 0;
	bool neg = false;
	int64_t x = 0;

	if (i < n && (s[i] == '-' || s[i] == '+')) {
		neg = s[i] == '-';
		i++;
	}
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		int d = s[i] - '0';
		if (x > (INT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = neg ? -x : x;
	return 0;
}

static int endpoint_parse(const char *s, size_t n, enum range_kind kind, int64_t *v, char *err,
                          size_t errlen)
{
	char tok[64];

	if (n >= sizeof(tok)) {
		snprintf(err, errlen, "range endpoint is too long");
		return -1;
	}
	memcpy(tok, s, n);
	tok[n] = '\0';
	if (kind == RANGE_DURATION)
		return duration_parse(tok, v, err, errlen);
	if (count_parse(tok, n, v) != 0) {
		snprintf(err, errlen, "'%s' is not a whole number", tok);
		return -1;
	}
	return 0;
}

int range_parse(const char *s, enum range_kind kind, struct range *r, char *err, size_t errlen)
{
	const char *p = s;
	const char *colon;
	struct range x = {0};

	if (*p == '@') {
		x.inside = true;
		p++;
	}
	if (strpbrk(p, "0123456789~") == NULL) {
		snprintf(err, errlen, "invalid range '%s'", s);
		return -1;
	}
	colon = strchr(p, ':');
	if (colon == NULL) {
		if (endpoint_parse(p, strlen(p), kind, &x.end, err, errlen) != 0)
			return -1;
	} else {
		size_t n = (size_t)(colon - p);
		if (n == 1 && *p == '~')
			x.start_inf = true;
		else if (n > 0 && endpoint_parse(p, n, kind, &x.start, err, errlen) != 0)
			return -1;
		if (colon[1] == '\0')
			x.end_inf = true;
		else if (endpoint_parse(colon + 1, strlen(colon + 1), kind, &x.end, err, errlen) !=
		         0)
			return -1;
	}
	if (!x.start_inf && !x.end_inf && x.start > x.end) {
		snprintf(err, errlen, "invalid range '%s': start is greater than end", s);
		return -1;
	}
	*r = x;
	return 0;
}

bool range_alerts(const struct range *r, int64_t v)
{
	bool within = (r->start_inf || v >= r->start) && (r->end_inf || v <= r->end);

	return r->inside ? within : !within;
}

const char *range_format(const struct range *r, char *buf, size_t len)
{
	char start[24] = "", end[24] = "";

	if (r->start_inf)
		snprintf(start, sizeof(start), "~:");
	else if (r->start != 0 || r->end_inf)
		snprintf(start, sizeof(start), "%lld:", (long long)r->start);
	if (!r->end_inf)
		snprintf(end, sizeof(end), "%lld", (long long)r->end);
	snprintf(buf, len, "%s%s%s", r->inside ? "@" : "", start, end);
	return buf;
}
