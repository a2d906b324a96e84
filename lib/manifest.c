#include "config.h"

#include "manifest.h"

#include "number.h"
#include "tsvfield.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *utc_format(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (!gmtime_r(&tt, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "@%lld", (long long)t);
	return buf;
}

static int utc_parse(const char *s, size_t n, int64_t *t)
{
	struct tm tm = {0};
	char buf[32];
	char *end;

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	end = strptime(buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	*t = (int64_t)timegm(&tm);
	return 0;
}

int manifest_format(const struct manifest_entry *e, char *dst, size_t len)
{
	char folder[4 * PATH_MAX], name[4 * 256], path[4 * PATH_MAX], when[32], mtime[32];
	int n;

	if (field_escape(e->folder, folder, sizeof(folder)) < 0 ||
	    field_escape(e->name, name, sizeof(name)) < 0 ||
	    field_escape(e->path, path, sizeof(path)) < 0)
		return -1;
	n = snprintf(dst, len, "%s\t%s\t%s\t%lld\t%s\t%s\t%s\n", utc_format(e->time, when, 32),
	             folder, name, (long long)e->size, utc_format(e->mtime, mtime, 32), e->sha256,
	             path);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

/* Splits line into exactly want tab-separated fields. */
static bool split_tabs(const char *line, const char **f, size_t *fl, int want)
{
	int i = 0;
	const char *p = line;

	for (;;) {
		const char *tab = strchr(p, '\t');
		if (i == want)
			return false;
		f[i] = p;
		fl[i] = tab ? (size_t)(tab - p) : strlen(p);
		i++;
		if (!tab)
			return i == want;
		p = tab + 1;
	}
}

static bool parse_int(const char *s, size_t n, int64_t *v)
{
	return number_parse(s, n, 0, INT64_MAX, v) == 0;
}

static bool is_sha256_hex(const char *s, size_t n)
{
	if (n != SHA256_HEX - 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int manifest_parse(const char *line, struct manifest_entry *e)
{
	const char *f[7];
	size_t fl[7];

	if (!split_tabs(line, f, fl, 7) || utc_parse(f[0], fl[0], &e->time) < 0 ||
	    field_unescape(f[1], fl[1], e->folder, sizeof(e->folder)) <= 0 ||
	    field_unescape(f[2], fl[2], e->name, sizeof(e->name)) <= 0 ||
	    !parse_int(f[3], fl[3], &e->size) || utc_parse(f[4], fl[4], &e->mtime) < 0 ||
	    !is_sha256_hex(f[5], fl[5]) ||
	    field_unescape(f[6], fl[6], e->path, sizeof(e->path)) <= 0)
		return -1;
	memcpy(e->sha256, f[5], fl[5]);
	e->sha256[fl[5]] = '\0';
	return 0;
}
