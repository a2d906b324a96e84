/*
 * The connector, stopped and started through the configured commands and
 * confirmed by polling the status command: Samba's net returns before the
 * service has changed, and can exit 0 on a failed start.
 */
#ifndef CCMC_CONNECTOR_H
#define CCMC_CONNECTOR_H

#include "command.h"

#include <stddef.h>
#include <stdint.h>

struct connector {
	struct command stop, start, status;
	int64_t stop_timeout, start_timeout; /* seconds */
};

/*
 * Checks, before anything is stopped, that each command's program (and a
 * script's #! interpreter) can be run. Returns 0, or -1 with err naming it.
 */
int connector_check(const struct connector *c, char *err, size_t errlen);

/*
 * Asks status what the connector does now. Returns 0 with *state running,
 * stopped or pending, or -1 with why: an answer that cannot be read now
 * could not confirm a stop later.
 */
int connector_now(const struct connector *c, enum svc_state *state, char *why, size_t len);

/* Stops the connector and waits until status confirms it. Returns 0 or -1 with why. */
int connector_stop(const struct connector *c, char *why, size_t len);

/* Starts the connector and waits until status confirms it. Returns 0 or -1 with why. */
int connector_start(const struct connector *c, char *why, size_t len);

#endif
