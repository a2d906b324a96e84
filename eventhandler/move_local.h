/*
 * Moving .und files out of a local folder into the run folder without ever
 * losing one. Same file system: rename with no-replace, then sync both
 * folders; the files are hashed for the manifest by a thread (hashq.h)
 * while the connector runs again. Across file systems: copy to a temp name,
 * sync the file system once per batch, re-read and compare size and SHA-256,
 * rename to the final name, sync the folder, and only then unlink the source.
 */
#ifndef CCMC_MOVE_LOCAL_H
#define CCMC_MOVE_LOCAL_H

#include "mover.h"

/* Moves every file of l out of src. Returns 0, or -1 once moving must stop (abort or deadline). */
int move_local_folder(struct mover *m, size_t index, const struct move_src *src,
                      const struct und_list *l);

/* Waits for the hashes of the renamed files and writes their manifest lines. */
void move_local_hashed(struct mover *m);

#endif
