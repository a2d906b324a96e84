/*
 * Connector control commands: a command line split into argv without a
 * shell, and what a status command's answer means.
 */
#ifndef CCMC_COMMAND_H
#define CCMC_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COMMAND_ARGS_MAX 32
#define COMMAND_LEN_MAX 4096

struct command {
	char buf[COMMAND_LEN_MAX]; /* the words, each NUL-terminated */
	char *argv[COMMAND_ARGS_MAX + 1];
	int argc;
	/* What it starts may outlive it (a start command's daemon); otherwise whatever it
	 * leaves, even outside its process group, is killed (command_adopt_strays). */
	bool leaves_children;
};

/*
 * Splits line into words. Blanks (space, tab) separate words. Inside '...'
 * every character is literal; inside "..." a backslash escapes only " and \;
 * outside quotes a backslash makes the next character literal. Nothing else
 * is special: no variables, globs, pipes or ';'. The first word must be an
 * absolute path. Returns 0, or -1 with a message in err.
 */
int command_split(const char *line, struct command *c, char *err, size_t errlen);

#define COMMAND_OUT_MAX 4096

/* How long a killed command is waited for before it is left running (stray). */
#define COMMAND_KILL_WAIT_MS 300

struct command_result {
	int exit_code; /* -1 when killed or not run; 126 or 127 when it could not be executed */
	bool stray;    /* it outlived its time-out and could not be killed: it runs on */
	char out[COMMAND_OUT_MAX];
	size_t len; /* captured stdout and stderr, NUL-terminated, truncated to fit */
};

/*
 * Makes the calling process the subreaper of what its commands leave: a
 * process that left its command's process group (setsid) and lost its
 * parent comes to the caller, not to init, so that command_run can kill it.
 */
void command_adopt_strays(void);

/*
 * Runs c with a clean environment (PATH and LC_ALL only), stdin on
 * /dev/null and no other inherited descriptor, in a process group of its
 * own, until it exits or until_ms (monotonic, clock.h) passes, when the
 * group is killed; whatever it left in its group is killed when it exits,
 * and, after command_adopt_strays, what it left outside it too, unless
 * c->leaves_children (those are spared from then on).
 * Returns within until_ms + COMMAND_KILL_WAIT_MS: 0, ETIMEDOUT (r->stray when
 * it, or what it left, could not be killed), or an errno from starting it.
 */
int command_run(const struct command *c, int64_t until_ms, struct command_result *r);

enum svc_state { SVC_UNKNOWN, SVC_RUNNING, SVC_STOPPED, SVC_PENDING };

/*
 * The connector's state from a status command's output and exit code.
 * Stopped is what lets files be touched, so it must be said plainly:
 * - Only exit 0 and LSB's 3 are answers; any other exit (an error, a kill,
 *   a command that could not run) is UNKNOWN, whatever was printed.
 * - Words are read whole, in any case, letters only (so "STOP_PENDING"
 *   holds "PENDING"); a word right before ':' is a field name ("Active:").
 *   State words: "pending", "activating", "deactivating", "stopping",
 *   "starting" (PENDING);
 *   "stopped", "inactive" (STOPPED); "running", "active", "started"
 *   (RUNNING). "dead" and "failed" are not state words.
 * - Exactly one line may hold state words, and it must say the state
 *   plainly: a line with a word of an error ("error", "denied", "failed",
 *   "unknown", ...) or a negation ("not", "no", "never", "cannot", "isn't",
 *   "isnt", ...) is UNKNOWN, with one exception, LSB's "is not running": a
 *   single negation right before the only state word, a running one, is
 *   STOPPED.
 * - Then PENDING wins; STOPPED alone is STOPPED; RUNNING alone with exit 0
 *   is RUNNING; anything else contradicts itself or the exit code.
 * - Output with no word at all is the exit code alone: 0 RUNNING, LSB's 3
 *   STOPPED. Words with no state word are RUNNING with exit 0 and no word
 *   of an error, else UNKNOWN: never STOPPED, which lets files be moved
 *   (NRPE's transport errors exit 3 with words of their own).
 * - A line that is only "true" or "false" is a table's value under a
 *   header (wmic's "Started" then "FALSE"), not a statement: UNKNOWN.
 */
enum svc_state status_parse(const char *out, size_t len, int exit_code);

/*
 * Whether the output holds a state word at all. Without one, status_parse
 * reads the exit code alone (0 running): a localized answer ("STATUS : 1
 * BEENDET") or a wrapper's own words then count as running, which is not
 * enough to skip a start the connector may need.
 */
bool status_worded(const char *out, size_t len);

const char *svc_state_name(enum svc_state s);

#endif
