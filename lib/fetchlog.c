#include "config.h"

#include "fetchlog.h"

#include "number.h"
#include "tsvfield.h"

#include <stdio.h>
#include <string.h>

/* Escapes s into dst at *o followed by end; false when it does not fit. */
static bool put_field(const char *s, char end, char *dst, size_t len, size_t *o)
{
	int n = field_escape(s, dst + *o, len - *o);

	if (n < 0 || *o + (size_t)n + 1 >= len)
		return false;
	*o += (size_t)n;
	dst[(*o)++] = end;
	dst[*o] = '\0';
	return true;
}

/* Escaped straight into dst, so a name has no length limit of its own: what parses formats. */
int fetchlog_format(const struct fetchlog_entry *e, char *dst, size_t len)
{
	size_t o = 0;

	if (len == 0 || !put_field(e->folder, '\t', dst, len, &o) ||
	    !put_field(e->name, '\t', dst, len, &o))
		return -1;
	int n = snprintf(dst + o, len - o, "%lld\t%lld\t%lld\t%lld\n", (long long)e->size,
	                 (long long)e->mtime, (long long)e->ctime, (long long)e->id);
	return n > 0 && (size_t)n < len - o ? (int)(o + (size_t)n) : -1;
}

static bool whole(const char *s, int64_t *v)
{
	return number_parse(s, strlen(s), INT64_MIN, INT64_MAX, v) == 0;
}

/* An escaped field, unescaped in place; false when it is not one. */
static bool unescaped(char *f)
{
	size_t n = strlen(f);

	return field_unescape(f, n, f, n + 1) >= 0;
}

bool fetchlog_parse(char *line, struct fetchlog_entry *e)
{
	char *f[6];
	size_t n = 0;

	/* Exactly six fields, none empty: a split that finds more or fewer is no line of ours. */
	for (char *p = line; n < 6; n++) {
		f[n] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (n != 5 || !f[0][0] || !f[1][0] || !unescaped(f[0]) || !unescaped(f[1]))
		return false;
	e->folder = f[0];
	e->name = f[1];
	return whole(f[2], &e->size) && whole(f[3], &e->mtime) && whole(f[4], &e->ctime) &&
	       whole(f[5], &e->id);
}
