/*
 * The connector, stopped and started through the configured commands and
 * confirmed by polling the status command: Samba's net returns before the
 * service has changed, and can exit 0 on a failed start.
 */
#ifndef CCMC_CONNECTOR_H
#define CCMC_CONNECTOR_H

#include "command.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct connector {
	struct command stop, start, status;
	int64_t stop_timeout, start_timeout; /* seconds */
	int64_t end_ms;      /* monotonic: the run's deadline, which no wait passes; 0 for none */
	enum svc_state last; /* what status last said */
	bool unworded;       /* ... with no state word: its exit code alone was read */
	bool unanswered;     /* the last status command timed out, saying nothing */
	/* A command outlived its time-out and could not be killed (a privileged stop run as
	 * nagios): it may still change the connector, so the run is not closed. */
	bool stray;
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
int connector_now(struct connector *c, enum svc_state *state, char *why, size_t len);

/*
 * Whether status says in words that the connector runs. After a killed run
 * nothing less may skip the start: an answer with no state word (a
 * localized "BEENDET") counts as running by its exit code alone.
 */
bool connector_said_running(struct connector *c);

/* Stops the connector and waits until status confirms it. Returns 0 or -1 with why. */
int connector_stop(struct connector *c, char *why, size_t len);

/*
 * Waits while status says pending (stop pending: Windows refuses a start
 * then), for as long as the deadline leaves a start its time-out.
 */
void connector_settle(struct connector *c);

/* Starts the connector and waits until status confirms it. Returns 0 or -1 with why. */
int connector_start(struct connector *c, char *why, size_t len);

/*
 * Before a run is closed: asks status once more, and starts the connector
 * again unless it runs (a wrapper's late stop, a person). Returns 0, or -1
 * with why when it does not run.
 */
int connector_confirm(struct connector *c, char *why, size_t len);

#endif
