/*
 * The steps of a move that the local paths (move_local.c) and the SMB path
 * (move_smb.c) share: the per-file checks, the counting, and placing a copy
 * under its final name.
 */
#ifndef CCMC_MOVESTEP_H
#define CCMC_MOVESTEP_H

#include "mover.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/*
 * One file copied into the quarantine under a temp name on its way to its
 * final name: the local copy path (move_local.c) and the SMB path (move_smb.c) keep
 * their batches of these, and make them durable, verify, place and, when a
 * batch cannot complete, discard them with the functions below.
 */
struct copy {
	size_t idx;               /* the file's index in its folder's list */
	char tmp[48];             /* temp_name()'s */
	char final[NAME_MAX + 8]; /* once placed: the name, or name~N */
	int64_t size;
	char sha[SHA256_HEX];
	bool placed;
	struct stat st;       /* a local source as opened: what "unchanged" is measured against */
	struct smb_attr attr; /* a share's file as read: what its delete is checked against */
};

/* Takes a batch's copies (placed or not) back out of sub and syncs it: the sources stay. */
void copies_discard(int sub, const struct copy *c, size_t n);

/* Stops moving with err and op (mover_abort), then discards the batch. Returns -1. */
int copies_abandon(struct mover *m, int sub, const struct copy *c, size_t n, int err,
                   const char *op);

/* Verifies every copy of a synced batch (copy_verified). Returns 0, EIO or ETIMEDOUT. */
int copies_verify(const struct mover *m, int sub, const struct copy *c, size_t n);

/* Gives every copy its final name from l (place). Returns 0 or an errno. */
int copies_place(int sub, struct copy *c, size_t n, const struct und_list *l);

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
