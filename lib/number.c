#include "config.h"

#include "number.h"

#include <stdbool.h>

int number_parse(const char *s, size_t n, int64_t min, int64_t max, int64_t *v)
{
	bool neg = n > 0 && s[0] == '-' && min < 0;
	int64_t x = 0;
	size_t i = neg;

	if (i == n)
		return -1;
	/* A negative number is built negative, so that INT64_MIN, which has no positive twin,
	 * reads back as the formatters write it. */
	for (; i < n; i++) {
		int d = s[i] - '0';
		if (d < 0 || d > 9 || (neg ? x < (INT64_MIN + d) / 10 : x > (INT64_MAX - d) / 10))
			return -1;
		x = neg ? x * 10 - d : x * 10 + d;
	}
	if (x < min || x > max)
		return -1;
	*v = x;
	return 0;
}
