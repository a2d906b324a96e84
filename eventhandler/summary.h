/*
 * What the handler says: one summary line, then a line per detail, on
 * stdout and (the summary) to syslog. Every line goes through name_escape
 * whole, so no name, path or command output in it can start a line, forge
 * a status or break UTF-8.
 */
#ifndef CCMC_SUMMARY_H
#define CCMC_SUMMARY_H

#include "command.h"

#include <stddef.h>

enum { EXIT_DONE = 0, EXIT_PARTIAL = 1, EXIT_USAGE = 2, EXIT_FAILED = 3 };

/* Queues one line for after the summary. */
void detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes the summary and the queued lines, logs the summary, and returns code. */
int finish(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The command as words quoted so that they read back the same under command_split's rule. */
const char *show_command(const struct command *c, char *buf, size_t len);

#endif
