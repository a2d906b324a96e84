/*
 * libFuzzer target for the range, duration, --extra-opts spec and ini
 * parsers. Beyond not crashing, anything that parses must format and parse
 * back to the same range, a spec must split into a section and a file that
 * rebuild it, a duration stays within its bound, and every key the ini
 * reader hands out is trimmed, one line, and non-empty.
 */
#include "duration.h"
#include "extraopts.h"
#include "inifile.h"
#include "number.h"
#include "range.h"
#include "smburl.h"

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

static int blank_edge(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');
}

static int on_key(void *ctx, const char *section, const char *key, const char *value, char *err,
                  size_t errlen)
{
	(void)ctx, (void)err, (void)errlen;
	if (!key) {
		if (strchr(section, '\n') || blank_edge(section))
			abort();
		return 0;
	}
	if (!key[0] || strchr(key, '\n') || strchr(value, '\n') || strchr(section, '\n') ||
	    blank_edge(key) || blank_edge(value) || blank_edge(section) || strstr(value, " ;") ||
	    strstr(value, "\t;"))
		abort();
	return 0;
}

static void check_ini(const unsigned char *data, size_t size)
{
	char err[256];
	int rc = inifile_read_string((const char *)data, size, on_key, NULL, err, sizeof(err));
	int lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	/* An error names a line of the text. */
	if (rc < 0 || rc > lines || (rc > 0 && !err[0]))
		abort();
}

/* An smb:// URL that parses must format to a URL that parses to the same thing. */
static void check_url(const char *s)
{
	struct smburl u, again;
	char err[256], back[PATH_MAX + 512];

	if (smburl_parse(s, &u, err, sizeof(err)) != 0)
		return;
	if (strchr(u.host, '@') || smburl_format(&u, back, sizeof(back)) < 0 ||
	    smburl_parse(back, &again, err, sizeof(err)) != 0 || memcmp(&u, &again, sizeof(u)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char s[128], err[160], buf[RANGE_BUFLEN];
	struct range r, back;
	int64_t secs;

	check_ini(data, size);
	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_url(s);
	if (duration_parse(s, &secs, err, sizeof(err)) == 0) {
		char dbuf[DURATION_BUFLEN];
		if (secs < 0 || secs > DURATION_MAX)
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
	int64_t n;
	if (number_parse(s, size, -1000, 1000, &n) == 0) {
		/* Within its bounds, and what strtoll reads from the same digits. */
		if (n < -1000 || n > 1000 || strtoll(s, NULL, 10) != n ||
		    strspn(s, "-0123456789") != size)
			abort();
	}
	return 0;
}
