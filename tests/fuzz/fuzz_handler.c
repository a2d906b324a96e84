/*
 * libFuzzer target for the event handler's parsers: command lines, status
 * answers, and manifest lines and fields. Beyond not crashing, what parses
 * must survive a round trip: a command re-quoted splits into the same words,
 * an escaped field unescapes to the same bytes, a manifest line formats and
 * parses back to the same entry, and so does a fetched.tsv line.
 */
#include "command.h"
#include "fetchlog.h"
#include "manifest.h"
#include "tsvfield.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Writes the words of c single-quoted; false when they do not fit. */
static int requote(const struct command *c, char *dst, size_t len)
{
	size_t o = 0;

	for (int i = 0; i < c->argc; i++) {
		if (o + 3 >= len)
			return 0;
		dst[o++] = i ? ' ' : '\'';
		if (i)
			dst[o++] = '\'';
		for (const char *p = c->argv[i]; *p; p++) {
			if (o + 6 >= len)
				return 0;
			if (*p == '\'') {
				memcpy(dst + o, "'\\''", 4);
				o += 4;
			} else {
				dst[o++] = *p;
			}
		}
		dst[o++] = '\'';
	}
	dst[o] = '\0';
	return 1;
}

static void check_command(const char *s)
{
	static struct command c, back;
	static char q[COMMAND_LEN_MAX * 5];
	char err[128];

	if (command_split(s, &c, err, sizeof(err)) != 0)
		return;
	if (c.argc < 1 || c.argv[0][0] != '/')
		abort();
	if (!requote(&c, q, sizeof(q)) || strlen(q) >= COMMAND_LEN_MAX)
		return;
	if (command_split(q, &back, err, sizeof(err)) != 0 || back.argc != c.argc)
		abort();
	for (int i = 0; i < c.argc; i++)
		if (strcmp(c.argv[i], back.argv[i]) != 0)
			abort();
}

static void check_field(const char *s)
{
	static char esc[4 * 512 + 1], back[512];
	int n = field_escape(s, esc, sizeof(esc));

	if (n < 0 || strchr(esc, '\t') || strchr(esc, '\n'))
		abort();
	if (field_unescape(esc, (size_t)n, back, sizeof(back)) != (int)strlen(s) || strcmp(back, s))
		abort();
}

static void check_manifest(const char *s)
{
	static struct manifest_entry e, back;
	static char line[MANIFEST_LINE_MAX];

	if (manifest_parse(s, &e) != 0)
		return;
	int n = manifest_format(&e, line, sizeof(line));
	if (n <= 0)
		abort();
	line[n - 1] = '\0';
	if (manifest_parse(line, &back) != 0 || e.time != back.time || e.size != back.size ||
	    e.mtime != back.mtime || strcmp(e.folder, back.folder) || strcmp(e.name, back.name) ||
	    strcmp(e.sha256, back.sha256) || strcmp(e.path, back.path))
		abort();
}

/* A fetched.tsv line that parses formats back to a line that parses to the same entry. */
static void check_fetchlog(const char *s)
{
	static char line[512], again[8192];
	struct fetchlog_entry e, back;

	snprintf(line, sizeof(line), "%s", s);
	if (!fetchlog_parse(line, &e))
		return;
	int n = fetchlog_format(&e, again, sizeof(again));
	if (n <= 0)
		abort();
	again[n - 1] = '\0';
	if (!fetchlog_parse(again, &back) || strcmp(e.folder, back.folder) ||
	    strcmp(e.name, back.name) || e.size != back.size || e.mtime != back.mtime ||
	    e.ctime != back.ctime || e.id != back.id)
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static char s[512];

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_command(s);
	status_parse((const char *)data, size, size ? data[0] : 0);
	check_field(s);
	check_manifest(s);
	check_fetchlog(s);
	return 0;
}
