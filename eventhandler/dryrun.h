/* -n: what a run would do, with nothing run, made or moved. */
#ifndef CCMC_DRYRUN_H
#define CCMC_DRYRUN_H

#include "run.h"

#include <stdbool.h>

/* Lists the commands and every file a run would move; returns the exit code. */
int dry_run(struct run *r, bool act, const char *why);

#endif
