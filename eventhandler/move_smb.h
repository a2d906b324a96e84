/*
 * Moving .und files off an SMB share into the local quarantine, through the
 * SMB helper's get and del (smbfile.h), so that no file is lost:
 *   1. each file is read into a temp file in the run folder, hashed as it
 *      comes, with the server's size, write time and change time taken
 *      before and after the read; a file whose three differ, or whose byte
 *      count is not its size, changed while it was read and stays;
 *   2. a batch of copies is made durable with one sync, and re-read;
 *   3. fetched.tsv in the run folder records each file and the attributes it
 *      was read with, durably;
 *   4. each copy gets its final name, and the folder is synced;
 *   5. only then is each original removed, by a delete the helper does only
 *      while the file's attributes still equal the recorded ones.
 * A copy under its final name with no manifest line is one whose delete may
 * or may not have happened: the next run's recovery replays the delete from
 * fetched.tsv (fetched.h) and keeps or drops the copy by the server's answer.
 */
#ifndef CCMC_MOVE_SMB_H
#define CCMC_MOVE_SMB_H

#include "mover.h"

#include <stddef.h>

/* Moves every file of l out of the share folder src. Returns 0, or -1 once moving must stop. */
int move_smb_folder(struct mover *m, size_t index, const struct move_src *src,
                    const struct und_list *l);

#endif
