/*
 * The run folder in the quarantine: its name, the mirror of each source
 * folder's path inside it, and its manifest. Used by the moving and by the
 * recovery of a killed run; struct mover (move.h) holds its state.
 */
#ifndef CCMC_RUNFOLDER_H
#define CCMC_RUNFOLDER_H

#include "move.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The run folder's mirror of a source folder's path (RUN/srv/a/Import), so
 * that two folders with one name never share a quarantine folder. Made
 * durably where missing. Returns an fd or -1 with errno.
 */
int open_sub(struct mover *m, const struct move_src *src);

/* Where the file final of the folder mirrored at mirror lies, relative to the quarantine root. */
void quarantine_rel(const struct mover *m, const char *mirror, const char *final, char *dst,
                    size_t len);

/* Queues the manifest line of one file; lines go out in one write per batch. Returns 0 or an errno.
 */
int manifest_add(struct mover *m, const char *folder, const char *mirror, const char *name,
                 int64_t size, int64_t mtime, const char *sha, const char *final);

/* Writes the queued lines. Returns 0 or an errno. */
int manifest_flush(struct mover *m);

/* Records a file that stays, and why (move.c); NULL once the list is full. */
struct move_error *note_error(struct mover *m, const struct move_src *src, const char *name,
                              const char *op, int err);

#endif
