/*
 * What the handler says: one summary line, then a line per detail, on
 * stdout and (the summary) to syslog. Every line goes through name_escape
 * whole, so no name, path or command output in it can start a line, forge
 * a status or break UTF-8. The exit code is chosen apart from the words
 * (report_moves_code), as plugin/report.c keeps the plugin's text apart
 * from its verdict.
 */
#ifndef CCMC_REPORT_H
#define CCMC_REPORT_H

#include "command.h"
#include "mover.h"
#include "places.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { EXIT_DONE = 0, EXIT_PARTIAL = 1, EXIT_USAGE = 2, EXIT_FAILED = 3 };

struct report {
	char details[16384]; /* the lines after the summary, escaped, each ending in '\n' */
	size_t details_len;
	char recovered[512]; /* what finishing interrupted runs did, ending every summary */
};

/* Queues one line for after the summary. */
void report_detail(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes the summary and the queued lines, logs the summary, and returns code. */
int report_finish(struct report *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* report_finish for a run that touched nothing: "...; nothing touched" and what recovery did. */
int report_untouched(struct report *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends to what recovery did, cut short when it does not fit. */
void report_recovered(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The command as words quoted so that they read back the same under command_split's rule. */
const char *report_command(const struct command *c, char *buf, size_t len);

/* The exit code of a run that moved files: done, partly done, or failed. */
int report_moves_code(const struct move_stats *st, int64_t total, bool running);

/*
 * The summary of a run that moved files, and a line per file left behind:
 * connector says how the connector ended, running whether as it should.
 */
int report_moves(struct report *r, const struct places *pl, const struct mover *m, int64_t total,
                 bool running, const char *connector);

/* Progress on a terminal, for a person running --force: files, MiB and rate, five times a
 * second (a mover's on_progress). */
void report_progress(const struct move_stats *st, bool last, void *ctx);

#endif
