/* Stopping and starting the connector through the configured commands. */
#ifndef CCMC_CONTROL_H
#define CCMC_CONTROL_H

#include "clock.h"
#include "command.h"

#include <stdint.h>

#define CONTROL_OUT_MAX 4096

struct command_result {
	int exit_code; /* -1 when killed or not run */
	char out[CONTROL_OUT_MAX];
	size_t len; /* captured stdout and stderr, NUL-terminated, truncated to fit */
};

/*
 * Runs c with the handler's clean environment, stdin on /dev/null and no
 * other inherited descriptor, until it exits or until_ms passes, when it is
 * killed. Returns 0, ETIMEDOUT, or an errno from starting it.
 */
int command_run(const struct command *c, int64_t until_ms, struct command_result *r);

/*
 * Polls status until it reports want or until_ms passes; the poll interval
 * grows from 100 ms to 1 s. Returns 0 when confirmed, or -1 with the last
 * answer in last (output included) for the report.
 */
int control_wait(const struct command *status, enum svc_state want, int64_t until_ms,
                 enum svc_state *last, struct command_result *r);

#endif
