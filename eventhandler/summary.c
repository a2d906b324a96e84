#include "config.h"

#include "summary.h"

#include "output.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

/* The summary line and the lines after it, written to stdout and syslog at the end. */
static char summary[4096];
static char details[16384];
static size_t details_len;

/*
 * One line after the summary. Every line the handler writes goes through
 * name_escape whole, so no name, path or command output in it can start a
 * line, forge a status or break UTF-8.
 */
void detail(const char *fmt, ...)
{
	char line[PATH_MAX * 2];
	va_list ap;

	if (details_len >= sizeof(details) - 2)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	name_escape(line, details + details_len, sizeof(details) - 1 - details_len);
	details_len += strlen(details + details_len);
	details[details_len++] = '\n';
	details[details_len] = '\0';
}

int finish(int code, const char *fmt, ...)
{
	va_list ap;

	char line[sizeof(summary)];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	name_escape(line, summary, sizeof(summary));
	printf("%s\n%s", summary, details);
	fflush(stdout);
	syslog(code == EXIT_DONE      ? LOG_NOTICE
	       : code == EXIT_PARTIAL ? LOG_WARNING
	                              : LOG_ERR,
	       "%s", summary);
	return code;
}

/* One word of a command, quoted so that it reads back the same under our rule. */
static void put_word(char *dst, size_t len, size_t *o, const char *w)
{
	bool plain =
	    w[0] != '\0' && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                              "0123456789_/.:=@%+,-") == strlen(w);
	int n = snprintf(dst + *o, len - *o, plain ? "%s%s" : "%s'", *o ? " " : "", w);

	*o += n > 0 ? (size_t)n : 0;
	for (const char *p = w; !plain && *p && *o < len; p++) {
		n = snprintf(dst + *o, len - *o, *p == '\'' ? "'\\''" : "%c", *p);
		*o += n > 0 ? (size_t)n : 0;
	}
	if (!plain && *o < len)
		*o += (size_t)snprintf(dst + *o, len - *o, "'");
	if (*o >= len)
		*o = len - 1;
}

const char *show_command(const struct command *c, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < c->argc; i++)
		put_word(buf, len, &o, c->argv[i]);
	return buf;
}
