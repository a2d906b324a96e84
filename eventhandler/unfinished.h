/*
 * Runs the journal shows unfinished (killed, or cut short): their connector
 * started first, then their file work completed or rolled back, before this
 * run does anything of its own.
 */
#ifndef CCMC_UNFINISHED_H
#define CCMC_UNFINISHED_H

#include "run.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Starts the connector that an unfinished run stopped, before anything else:
 * its file work, and this run's, may wait on a slow or missing server, and
 * the connector must not wait with them. Returns 0, or -1 with why.
 */
int unfinished_restart(struct run *r, int64_t now, char *why, size_t len);

/*
 * Finishes what each unfinished run left (recover.c), within the time a run
 * that may act (act) can spare, and says so in r->rep.recovered. Returns how
 * many are still unfinished.
 */
size_t unfinished_finish(struct run *r, int64_t now, bool act);

#endif
