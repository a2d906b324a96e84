/*
 * Where the handler works: the folders it empties, opened and known by
 * their canonical paths, and the quarantine, checked before anything is
 * made in it.
 */
#ifndef CCMC_PLACES_H
#define CCMC_PLACES_H

#include "mover.h"
#include "settings.h"
#include "smbfile.h"
#include "smbpool.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How long the SMB server may take over each step of listing, and the helper's own time-out. */
#define SMB_STEP_MS 5000

struct places {
	struct move_src src[MOVE_SOURCES_MAX];
	struct und_list list[MOVE_SOURCES_MAX];
	size_t nsrc;
	int qfd;              /* the quarantine root, or -1 */
	char qpath[PATH_MAX]; /* its canonical path, which names the run folders */
	dev_t qdev;           /* its file system */
	struct smb_pool pool; /* one serving SMB helper per share of the smb:// folders */
	struct smb_pool lanes[SMB_LANES - 1]; /* and more, for the moving (move_smb.c) */
	int64_t deadline_ms; /* monotonic: no wait for a server goes past it; 0 for none */
};

/* How opening a place ended; each result ends the run its own way. */
enum place_result {
	PLACE_OPEN,    /* opened */
	PLACE_FAILED,  /* cannot be opened or made: exit 3 */
	PLACE_REFUSED, /* wrong as given: twice, the root, untrusted, inside a store: exit 2 */
	PLACE_BUSY,    /* the quarantine is another run's: nothing to do */
};

/*
 * Opens the folders of cfg that hold .und files; a missing store folder
 * holds none. An smb:// folder is found by a scan of its share, through the
 * helper that then serves the run. PLACE_FAILED or PLACE_REFUSED (a folder
 * given twice) come with err.
 */
enum place_result places_open_sources(struct places *pl, const struct settings *cfg, char *err,
                                      size_t errlen);

/*
 * Opens the quarantine root, making a missing one in its parent, which must
 * exist, only once that parent is known to lie outside every store. The
 * quarantine must be this user's and writable by no one else, and every
 * folder above it root's or this user's (sticky when others may write it),
 * so that no one else can move run folders or plant a symlink; with
 * --quarantine-require-mount it must not be on the root file system.
 * The quarantine is locked for the run (flock), whatever the state
 * directory. PLACE_FAILED (cannot be opened or made) and PLACE_REFUSED (the
 * root, untrusted, or inside a store) come with err.
 */
enum place_result places_open_quarantine(struct places *pl, const struct settings *cfg, char *err,
                                         size_t errlen);

/* Lists every folder's .und files (sizes where a copy needs them). Returns the total, or -1 with
 * err. */
int64_t places_list(struct places *pl, const struct settings *cfg, bool sizes, int64_t *bytes,
                    char *err, size_t errlen);

/* Copies across file systems and from shares need room; renames do not. Returns 0, or -1 with err.
 */
int places_space_check(const struct places *pl, char *err, size_t errlen);

/*
 * Before moving: more helpers per share of the smb:// folders, each with its
 * own connection, so that the moving overlaps round trips (move_smb.c). Each
 * logs on at its first request; one that cannot be started leaves its share
 * fewer lanes. Not done for a run with nothing to move.
 */
void places_open_lanes(struct places *pl, const struct settings *cfg);

/* Ends the SMB helpers: once the moving is over, nothing more is asked of the servers. */
void places_close_shares(struct places *pl);

/*
 * Looks at the local folders in a child process, within max_ms and what the
 * deadline spares once the stop and start have their time-outs: a stat()
 * on a hung share blocks in the kernel, and the handler must not stop the
 * connector and then hang mid-move. smb:// folders need no child: every
 * wait for their servers has a time-out. Returns 0, or -1 with why.
 */
int places_store_answers(const struct settings *cfg, int64_t now, int max_ms, char *err,
                         size_t errlen);

#endif
