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
	for (; i < n; i++) {
		int d = s[i] - '0';
		if (d < 0 || d > 9 || x > (INT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	x = neg ? -x : x;
	if (x < min || x > max)
		return -1;
	*v = x;
	return 0;
}
