/* Finishing the work of a run that was killed, from what its run folder holds. */
#ifndef CCMC_RECOVER_H
#define CCMC_RECOVER_H

#include "mover.h"

#include <stddef.h>

/*
 * Finishes a killed run's work in m's run folder. Temps are removed. A copy
 * with no manifest line whose own source folder (src, by exact path) still
 * holds the same file is a move that did not finish: the copy is removed,
 * and the next move redoes it. Any other copy gets its manifest line.
 * Recovery never removes a source. Returns 0 or an errno.
 */
int move_recover(struct mover *m, const struct move_src *src, size_t n);

#endif
