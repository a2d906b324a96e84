/*
 * The run folder in the quarantine: its name, the mirror of each source
 * folder's path inside it, and its manifest. Used by the moving and by the
 * recovery of a killed run; struct mover (mover.h) holds its state.
 */
#ifndef CCMC_RUNFOLDER_H
#define CCMC_RUNFOLDER_H

#include "mover.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Names the run folder (UTC time and run id) under the quarantine qpath; opens nothing. */
void runfolder_name(struct mover *m, const char *qpath);

/* Makes the run folder, durably, and opens it and its manifest. Returns 0 or an errno. */
int runfolder_make(struct mover *m, int qfd);

/* Opens an earlier run's folder and manifest, for its recovery. Returns 0 or an errno. */
int runfolder_reopen(struct mover *m, const char *run_path);

/* Writes and syncs the queued manifest lines and closes the run's descriptors. */
void runfolder_close(struct mover *m);

/* Removes a run folder that holds nothing but an empty manifest (a stop that failed). */
void runfolder_remove(struct mover *m, int qfd);

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

#endif
