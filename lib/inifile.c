#include "config.h"

#include "inifile.h"

#include <stdbool.h>
#include <string.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Drops blanks at both ends of s[0..*n) and returns its new start. */
static char *trim(char *s, size_t *n)
{
	while (*n > 0 && is_blank(*s))
		s++, (*n)--;
	while (*n > 0 && is_blank(s[*n - 1]))
		(*n)--;
	s[*n] = '\0';
	return s;
}

/* A ';' that follows a blank starts a comment. */
static size_t before_comment(const char *s, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (s[i] == ';' && is_blank(s[i - 1]))
			return i;
	return n;
}

struct reader {
	inifile_fn fn;
	void *ctx;
	char section[INIFILE_LINE_MAX];
	char *err;
	size_t errlen;
};

static int fail(struct reader *r, const char *why)
{
	snprintf(r->err, r->errlen, "%s", why);
	return -1;
}

/* One line, without its newline. Returns 0 or -1 with r->err. */
static int read_line(struct reader *r, char *s, size_t n)
{
	char *eq;

	s = trim(s, &n);
	if (n == 0 || s[0] == ';' || s[0] == '#')
		return 0;
	if (s[0] == '[') {
		char *end = memchr(s, ']', n);
		size_t tail;
		if (!end)
			return fail(r, "a section name is not closed with ']'");
		tail = n - (size_t)(end + 1 - s);
		const char *rest = trim(end + 1, &tail);
		if (tail > 0 && rest[0] != ';' && rest[0] != '#')
			return fail(r, "text after a section name");
		size_t len = (size_t)(end - s - 1);
		memmove(r->section, trim(s + 1, &len), len + 1);
		return r->fn(r->ctx, r->section, NULL, NULL, r->err, r->errlen);
	}
	eq = memchr(s, '=', n);
	if (!eq)
		return fail(r, "expected 'key = value'");
	size_t klen = (size_t)(eq - s), vlen = before_comment(eq + 1, n - klen - 1);
	char *key = trim(s, &klen), *value = trim(eq + 1, &vlen);
	if (klen == 0)
		return fail(r, "a value with no key before its '='");
	return r->fn(r->ctx, r->section, key, value, r->err, r->errlen);
}

/*
 * A control character other than a tab has no place in a config line: a CR
 * in a value would name another file, and a file of CR-only line ends would
 * read as one line.
 */
static bool control_char(const char *s, size_t n, struct reader *r)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			snprintf(r->err, r->errlen, "a control character (0x%02X) in the line", c);
			return true;
		}
	}
	return false;
}

/* Feeds each line of text to read_line. Returns as inifile_read. */
static int read_text(struct reader *r, const char *text, size_t len)
{
	static char line[INIFILE_LINE_MAX + 1];
	int lineno = 0;

	for (size_t at = 0, next; at < len; at = next) {
		const char *s = text + at, *nl = memchr(s, '\n', len - at);
		size_t n = nl ? (size_t)(nl - s) : len - at;
		next = at + n + (nl != NULL);
		lineno++;
		n -= n > 0 && s[n - 1] == '\r'; /* CRLF's CR */
		if (n > INIFILE_LINE_MAX - 1) {
			snprintf(r->err, r->errlen, "the line is longer than %d bytes",
			         INIFILE_LINE_MAX - 1);
			return lineno;
		}
		if (control_char(s, n, r))
			return lineno;
		if (lineno == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3, n -= 3;
		memcpy(line, s, n);
		line[n] = '\0';
		if (read_line(r, line, n) < 0)
			return lineno;
	}
	return 0;
}

int inifile_read_string(const char *text, size_t len, inifile_fn fn, void *ctx, char *err,
                        size_t errlen)
{
	struct reader r = {fn, ctx, "", err, errlen};

	err[0] = '\0';
	return read_text(&r, text, len);
}

/* A config file worth reading is small: the whole of it is read, then parsed. */
#define INIFILE_SIZE_MAX (1024 * 1024)

int inifile_read(FILE *f, inifile_fn fn, void *ctx, char *err, size_t errlen)
{
	static char text[INIFILE_SIZE_MAX + 1];
	size_t len = fread(text, 1, sizeof(text), f);

	if (ferror(f)) {
		snprintf(err, errlen, "cannot read it");
		return -1;
	}
	if (len > INIFILE_SIZE_MAX) {
		snprintf(err, errlen, "it is larger than %d bytes", INIFILE_SIZE_MAX);
		return -1;
	}
	return inifile_read_string(text, len, fn, ctx, err, errlen);
}
