/*
 * libFuzzer target for the range, duration and --extra-opts spec parsers.
 * Beyond not crashing, anything that parses must format and parse back to
 * the same range, and a spec must split into a section and a file that
 * rebuild it.
 */
#include "duration.h"
#include "extraopts.h"
#include "range.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int same(const struct range *a, const struct range *b)
{
	return a->start == b->start && a->end == b->end && a->start_inf == b->start_inf &&
	       a->end_inf == b->end_inf && a->inside == b->inside;
}

static void check_spec(const char *s)
{
	struct extra_opts_spec spec;
	char err[160], back[sizeof(spec.section) + sizeof(spec.file) + 1];

	if (extra_opts_spec_parse(s, "dflt", "/dflt.ini", &spec, err, sizeof(err)) != 0)
		return;
	if (!spec.section[0] || !spec.file[0])
		abort();
	/* Written out in full, the spec must read back the same. */
	snprintf(back, sizeof(back), "%s@%s", spec.section, spec.file);
	struct extra_opts_spec again;
	if (extra_opts_spec_parse(back, "x", "/x", &again, err, sizeof(err)) != 0 ||
	    strcmp(again.section, spec.section) != 0 || strcmp(again.file, spec.file) != 0)
		abort();
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
	check_spec(s);
	return 0;
}
