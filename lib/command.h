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
 * Stopped is what lets files be touched, so it must be said plainly:
 * - Only exit 0 and LSB's 3 are answers; any other exit (an error, a kill,
 *   a command that could not run) is UNKNOWN, whatever was printed.
 * - The output is read as whole words in any case, letters only (so
 *   "STOP_PENDING" holds "PENDING"): "pending", "activating",
 *   "deactivating" are PENDING; "stopped", "inactive" are STOPPED;
 *   "running", "active", "started" are RUNNING. A word right before ':' is
 *   a field name ("Active: inactive"). "dead" and "failed" are not
 *   state words: "peer dead" or "connection failed" must never read as a
 *   stopped connector.
 * - "not", "no", "never" and "n't" negate the word after them: a negated
 *   running word is STOPPED ("is not running"); any other negated state word
 *   ("not stopped") is UNKNOWN.
 * - PENDING wins over the rest. STOPPED needs no running word; RUNNING
 *   needs no stopped word and exit 0. Anything else contradicts itself or
 *   the exit code and is UNKNOWN.
 * - Output without a state word falls back to the exit code: 0 RUNNING,
 *   3 STOPPED.
 */
enum svc_state status_parse(const char *out, size_t len, int exit_code);

const char *svc_state_name(enum svc_state s);

#endif
