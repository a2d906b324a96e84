/*
 * libFuzzer target for the range and duration parsers. Beyond not crashing,
 * anything that parses must format and parse back to the same range.
 */
#include "duration.h"
#include "range.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int same(const struct range *a, const struct range *b)
{
	return a->start == b->start && a->end == b->end && a->start_inf == b->start_inf &&
	       a->end_inf == b->end_inf && a->inside == b->inside;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char s[128], err[160], buf[RANGE_BUFLEN];
	struct range r, back;
	int64_t secs;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (duration_parse(s, &secs, err, sizeof(err)) == 0) {
		char dbuf[DURATION_BUFLEN];
		if (secs < 0)
			abort();
		duration_format(secs, dbuf, sizeof(dbuf));
	}
	for (int k = RANGE_COUNT; k <= RANGE_DURATION; k++) {
		if (range_parse(s, (enum range_kind)k, &r, err, sizeof(err)) != 0)
			continue;
		range_format(&r, buf, sizeof(buf));
		if (range_parse(buf, RANGE_COUNT, &back, err, sizeof(err)) != 0 || !same(&r, &back))
			abort();
	}
	return 0;
}
