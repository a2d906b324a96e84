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
 * fetched.tsv and keeps or drops the copy by the server's answer.
 */
#ifndef CCMC_FETCH_H
#define CCMC_FETCH_H

#include "move.h"

#include <stddef.h>

/* Moves every file of l out of the share folder src. Returns 0, or -1 once moving must stop. */
int fetch_folder(struct mover *m, size_t index, const struct move_src *src,
                 const struct und_list *l);

/* fetched.tsv of a run folder, read by recovery. */
struct fetched_log {
	char *text;
	struct fetched_rec {
		const char *folder, *name;
		struct smb_attr attr;
	} * rec;
	size_t n;
};

void fetched_load(int runfd, struct fetched_log *log);
void fetched_free(struct fetched_log *log);

/*
 * Recovery of a copy of file name of the share folder src that has no
 * manifest line: replays its delete with the attributes the log recorded.
 * Removed, already gone, or changed since (another version, which stays
 * there for the next run), or never recorded: keep the copy (0). Its
 * attributes matched and the server refused the removal: the original is
 * intact, so the copy goes (1). No answer, none before deadline_ms
 * (monotonic; 0 for none), or a check of the attributes that failed (a file
 * being deleted, EIO, an ACL): -1, and the run stays unfinished.
 */
int fetch_recheck(const struct move_src *src, const struct fetched_log *log, const char *name,
                  int64_t deadline_ms);

#endif
