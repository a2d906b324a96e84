/*
 * Recovery's side of fetched.tsv (lib/fetchlog.h): the files a run copied
 * off a share, read back, and the delete of one replayed to settle its copy.
 */
#ifndef CCMC_FETCHED_H
#define CCMC_FETCHED_H

#include "mover.h"

#include <stddef.h>
#include <stdint.h>

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
int fetched_recheck(const struct move_src *src, const struct fetched_log *log, const char *name,
                    int64_t deadline_ms);

#endif
