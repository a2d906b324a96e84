/*
 * Connector control commands: a command line split into argv without a
 * shell, and what a status command's answer means.
 */
#ifndef CCMC_COMMAND_H
#define CCMC_COMMAND_H

#include <stddef.h>

#define COMMAND_ARGS_MAX 32
#define COMMAND_LEN_MAX 4096

struct command {
	char buf[COMMAND_LEN_MAX]; /* the words, each NUL-terminated */
	char *argv[COMMAND_ARGS_MAX + 1];
	int argc;
};

/*
 * Splits line into words. Blanks (space, tab) separate words. Inside '...'
 * every character is literal; inside "..." a backslash escapes only " and \;
 * outside quotes a backslash makes the next character literal. Nothing else
 * is special: no variables, globs, pipes or ';'. The first word must be an
 * absolute path. Returns 0, or -1 with a message in err.
 */
int command_split(const char *line, struct command *c, char *err, size_t errlen);

enum svc_state { SVC_UNKNOWN, SVC_RUNNING, SVC_STOPPED, SVC_PENDING };

/*
 * The connector's state from a status command's output and exit code.
 * Output is read first, as whole words in any case, letters only (so
 * "STOP_PENDING" holds "PENDING"): "pending", "activating" or "deactivating"
 * is PENDING; "stopped", "inactive", "dead" or "not running" is STOPPED;
 * "running", "active" or "started" is RUNNING; the first of these kinds
 * present wins. Output without such a word falls back to the exit code: 0
 * RUNNING, 3 STOPPED (LSB "not running"), anything else UNKNOWN. "failed" is
 * not a stopped word: an error such as "connection failed" must never read
 * as a stopped connector, since stopped is what lets files be touched.
 */
enum svc_state status_parse(const char *out, size_t len, int exit_code);

const char *svc_state_name(enum svc_state s);

#endif
