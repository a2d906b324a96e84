/*
 * The steps of a move that the local paths (move.c) and the SMB path
 * (fetch.c) share: the per-file checks, the counting, and placing a copy
 * under its final name.
 */
#ifndef CCMC_MOVESTEP_H
#define CCMC_MOVESTEP_H

#include "move.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Records a file that stays, and why; NULL once the list is full. */
struct move_error *note_error(struct mover *m, const struct move_src *src, const char *name,
                              const char *op, int err);

/* Errors in the quarantine that make every further copy pointless. */
bool quarantine_fatal(int e);

/* A file that stays where it is; one that vanished meanwhile is counted as vanished. */
void left_in_place(struct mover *m, const struct move_src *src, const char *name, const char *op,
                   int err);

/* A file in the quarantine whose manifest line is left to the next run's recovery. */
void count_unrecorded(struct mover *m, const struct move_src *src, const char *name, const char *op,
                      int err);

/* Stops all moving; the first reason is kept. */
void mover_abort(struct mover *m, int err, const char *op);

/* True, and noted, once the deadline passed or SIGTERM/SIGINT came. */
bool mover_should_stop(struct mover *m);

/* Whether name's quarantine path, with room for a "~999" suffix, fits in PATH_MAX. */
bool path_fits(const struct mover *m, const struct move_src *src, const char *name);

/* The same; when it does not, the file is left in place, and said so. */
bool fits_or_leave(struct mover *m, const struct move_src *src, const char *name);

/* Counts one file moved out of folder index. */
void count_moved(struct mover *m, size_t index, int64_t size);

/*
 * Renames from (in fromfd) into sub as name, or name~N when name is taken;
 * never replaces. Returns 0 or an errno.
 */
int place(int fromfd, const char *from, int sub, const char *name, char *final, size_t flen,
          unsigned *suffix);

/*
 * A batch copied before the deadline is still verified and settled: its
 * checks and deletes may take this long past it, and no more.
 */
#define MOVE_GRACE_MS 2000

/*
 * Re-reads the copy tmp in sub and compares it with what was read from the
 * source, until the deadline and its grace. Returns 0, EIO when they differ
 * (or the copy cannot be read), or ETIMEDOUT.
 */
int copy_verified(const struct mover *m, int sub, const char *tmp, int64_t size, const char *sha);

/* Writes the queued manifest lines and syncs sub, the source folder (when srcfd >= 0) and
 * the manifest. Returns 0 or an errno. */
int sync_folders(struct mover *m, int sub, int srcfd);

#endif
