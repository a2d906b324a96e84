/* Small facts about files, shared by moving and recovery. */
#ifndef CCMC_FILES_H
#define CCMC_FILES_H

#include "mover.h"

#include <stdbool.h>
#include <sys/stat.h>

/*
 * Temporary copies in the run folder are named ".ccmc-<run id>-<n>.tmp": a
 * name no .und file can have, nor its quarantined copy ("x.und~2"), for
 * recovery removes what has such a name. A .und file may well be called
 * ".ccmc-keep.und".
 */
void temp_name(char *dst, size_t len, const char *run_id, size_t seq);
bool is_temp_name(const char *name);

static inline bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static inline bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/*
 * Opens name in src for reading, only if it is a regular file, never
 * through a symlink. Returns the descriptor with st filled in, -ENOENT for a
 * name that vanished, -ELOOP for an entry that is not a regular file, or
 * another -errno.
 */
int source_open(const struct move_src *src, const char *name, struct stat *st);

#endif
