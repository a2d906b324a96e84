/* The ini reader: what inih got wrong and the format's promises. */
#include "inifile.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

static char seen[8192];

/* Records "section/key=value;" for each key. */
static int collect(void *ctx, const char *section, const char *key, const char *value, char *err,
                   size_t errlen)
{
	(void)ctx;
	if (!key)
		return 0;
	if (strcmp(key, "fail") == 0) {
		snprintf(err, errlen, "refused by the caller");
		return -1;
	}
	size_t n = strlen(seen);
	snprintf(seen + n, sizeof(seen) - n, "%s/%s=%s;", section, key, value);
	return 0;
}

static int parse(const char *text, char *err, size_t errlen)
{
	seen[0] = '\0';
	return inifile_read_string(text, strlen(text), collect, NULL, err, errlen);
}

static void reads(const char *text, const char *want, const char *what)
{
	char err[256];
	int rc = parse(text, err, sizeof(err));

	tap_ok(rc == 0, what);
	tap_is_str(seen, want, what);
}

static void fails(const char *text, int line, const char *why, const char *what)
{
	char err[256];

	tap_is_int(parse(text, err, sizeof(err)), line, what);
	tap_is_str(err, why, what);
}

int main(void)
{
	static char big[INIFILE_LINE_MAX + 64];

	reads("[s]\nkey = value\n", "s/key=value;", "a key in a section");
	reads("k=v", "/k=v;", "a key before any section, no newline at the end");
	reads("[s]\n    critical = 5\n", "s/critical=5;",
	      "an indented key is a key, not a continuation");
	reads("[s]\nstore = /x\n\tcritical = 5\n", "s/store=/x;s/critical=5;",
	      "a tab-indented key after a value stays its own key");
	reads("\xef\xbb\xbf[s]\r\nk = v\r\n", "s/k=v;", "a byte-order mark and CRLF are dropped");
	reads("; c\n# c\n  ; c\n\n[ s ]\nk = v ; note\nu = a;b\n", "s/k=v;s/u=a;b;",
	      "comments, a trimmed section name, ' ;' starts a comment, ';' alone does not");
	reads("[s]\nflag =\n", "s/flag=;", "an empty value");
	reads("[s] ; why\nk=v\n", "s/k=v;", "a comment after a section name");

	/* A line longer than the buffer is refused whole, never split into a second line. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "[s]\n; ", 6);
	memcpy(big + INIFILE_LINE_MAX, " critical = ~:\n", 16);
	fails(big, 2, "the line is longer than 8191 bytes", "a long comment line is an error");
	tap_is_str(seen, "", "... and no part of it became a key");
	memset(big, 'y', sizeof(big));
	memcpy(big, "k = ", 4);
	big[INIFILE_LINE_MAX - 1] = '\n';
	big[INIFILE_LINE_MAX] = '\0';
	seen[0] = '\0';
	tap_is_int(
	    inifile_read_string(big, strlen(big), collect, NULL, big + INIFILE_LINE_MAX + 1, 32), 0,
	    "a line of 8191 bytes and its newline is read");

	fails("[s]\nk = v\n\n\nnot a pair\n", 5, "expected 'key = value'",
	      "the line number is the file's");
	fails("[s\n", 1, "a section name is not closed with ']'", "an open section");
	fails("[s] x\n", 1, "text after a section name", "text after a section");
	fails(" = v\n", 1, "a value with no key before its '='", "an empty key");
	fails("a = 1\nfail = 1\n", 2, "refused by the caller",
	      "the caller's refusal names its line");
	char nul[] = "a = 1\nb\0 = 2\n";
	char err[128];
	tap_is_int(inifile_read_string(nul, sizeof(nul) - 1, collect, NULL, err, sizeof(err)), 2,
	           "a NUL byte is an error on its line");
	fails("a = 1\nstate-dir = /x\r\r\n", 2, "a control character (0x0D) in the line",
	      "a stray CR in a value is refused, not part of a path");
	fails("[s]\rk = v\rq = w\r", 1, "a control character (0x0D) in the line",
	      "a file with CR-only line ends is refused on its first line");
	memset(big, 'z', sizeof(big));
	memcpy(big, "k = ", 4);
	big[INIFILE_LINE_MAX] = '\0';
	fails(big, 1, "the line is longer than 8191 bytes",
	      "a last line of 8192 bytes, no newline, is refused");
	big[INIFILE_LINE_MAX - 1] = '\r';
	big[INIFILE_LINE_MAX] = '\n';
	big[INIFILE_LINE_MAX + 1] = '\0';
	seen[0] = '\0';
	tap_is_int(inifile_read_string(big, strlen(big), collect, NULL, err, sizeof(err)), 0,
	           "8191 bytes and CRLF are read");
	return tap_done();
}
