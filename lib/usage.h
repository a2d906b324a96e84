/*
 * A usage error, worded one way by every program: one line holding the
 * reason (control characters and invalid UTF-8 escaped, so that a hostile
 * argument cannot forge a second line), then the usage text on stderr. The
 * usage text holds '|', which Nagios reads as perfdata on any line of stdout.
 *
 * Only the exit status differs, and each program's wrapper says which in its
 * name: the plugin's usage_exit() ends UNKNOWN (3), as the Monitoring Plugins
 * guidelines ask; the subagent's usage_exit() ends 2, which its unit's
 * RestartPreventExitStatus= names; the handler's usage_status() returns 2 to
 * main, which owns the handler's exits.
 */
#ifndef CCMC_USAGE_H
#define CCMC_USAGE_H

#include <stdarg.h>
#include <stdio.h>

struct usage {
	FILE *to;         /* where the reason's line goes */
	const char *head; /* before the reason, such as the program's name */
	const char *tail; /* after it */
	const char *text; /* the usage text, always to stderr */
};

/* Writes the reason's line and the usage text, and flushes both. */
void usage_report(const struct usage *u, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
