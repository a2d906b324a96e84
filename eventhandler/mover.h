/*
 * The top of the moving layer: a struct mover carries one run's moving (its
 * run folder, manifest, stats and deadlines) from mover_begin to mover_end,
 * and move_folder sends each folder down to the local mover (move_local.h:
 * renames, or copies across file systems) or the share mover (move_smb.h).
 * Both stand on movestep.h's shared steps and runfolder.h; nothing below
 * calls up.
 */
#ifndef CCMC_MOVER_H
#define CCMC_MOVER_H

#include "manifest.h"
#include "smbfile.h"
#include "undlist.h"

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MOVE_ERRORS_MAX 16
#define MOVE_SOURCES_MAX 32
/* SMB connections a share's files move over at once: their round trips overlap. */
#define SMB_LANES 2
/* A file system that could not be read (fstat failed). */
#define DEV_UNKNOWN ((dev_t)-1)

/*
 * One folder to empty of .und files: Import, Export or a -d folder. Its
 * canonical path is its identity: the run folder mirrors it
 * (RUN/srv/a/Import/x.und), the manifest's folder column holds it, and a
 * later run's recovery compares a copy only with the folder it came from.
 */
struct move_src {
	char name[NAME_MAX + 1]; /* for people: "Import" */
	char path[PATH_MAX];   /* absolute, canonical; or its smb:// URL, as the server spells it */
	char mirror[PATH_MAX]; /* its place in a run folder: path, or "/smb/HOST/SHARE/..." */
	int fd;                /* open on the folder; -1 on a share */
	dev_t dev;             /* its file system, read once when it was opened, or DEV_UNKNOWN */
	struct smb_session *smb; /* the helper serving its share (smbfile.h), or NULL */
	/* More helpers that read and delete its files besides smb, each with its own
	 * connection, started only to move (places_open_lanes); NULL where none. */
	struct smb_session *lane[SMB_LANES - 1];
};

/* A file left in place, and why: op, with err's text when err is not 0. */
struct move_error {
	const struct move_src *src;
	char name[NAME_MAX + 1];
	const char *op; /* "read", "unlink", "changed since it was copied" ... */
	int err;
	bool quarantined; /* it was moved, but its manifest line could not be written */
	bool unsettled;   /* copied from a share, but its removal there is not confirmed */
};

struct move_stats {
	int64_t found, moved, bytes, left;
	int64_t vanished; /* gone before they could be moved: nothing left behind */
	/* Moved, but with no manifest line yet (a hash or a write failed, or ran out of time):
	 * the run is left unfinished in the journal, so that the next run's recovery writes their
	 * lines. */
	int64_t unrecorded;
	/* Of those, files written to while they were moved or hashed: the connector (or
	 * something) still writes there. */
	int64_t written;
	/* Copied from a share, the copy durable, but whether the server removed the original is
	 * not known (the connection failed): the run stays unfinished, and the next run's recovery
	 * asks the server again. */
	int64_t unsettled;
	int64_t moved_in[MOVE_SOURCES_MAX];
	int64_t renamed, copied; /* how the moved files went */
	/* By move_recover: manifest lines restored, and copies removed because
	 * their source is still in place, byte-identical. */
	int64_t recovered, rolled_back;
	size_t nerrors;
	struct move_error errors[MOVE_ERRORS_MAX];
	int abort_err; /* a quarantine error that stopped all moving (ENOSPC, EIO) */
	const char *abort_op;
	char server_failed[1024]; /* why an SMB server stopped all moving, naming it */
	bool deadline_hit;
	bool interrupted; /* moving stopped for SIGTERM or SIGINT, not the deadline */
};

struct mover {
	int runfd;         /* the run folder */
	char run_name[64]; /* "20261125T120000Z-1a2b3c4d" */
	char run_path[PATH_MAX];
	const char *run_id;
	int manifest_fd;
	int64_t now;         /* wall clock, for the manifest */
	int64_t deadline_ms; /* monotonic; no new file is started after it */
	/* Monotonic: hashing, and recovery's work, stop here; what is not done by then stays
	 * unfinished in the journal for the next run. 0 for never. */
	int64_t end_ms;
	/*
	 * Set by the program's SIGTERM/SIGINT handler: moving stops before the
	 * next file, as at the deadline, so the connector is started before the
	 * kill that follows (Icinga 2 sends SIGTERM, then SIGKILL). May be NULL.
	 */
	const volatile sig_atomic_t *stop_asked;
	/* Called after each file and at the end (last); the program shows it, or not. */
	void (*on_progress)(const struct move_stats *st, bool last, void *ctx);
	void *progress_ctx;
	struct move_stats st;
	/* The same-fs path's hashing (hashq.h): room for files_total files, the run folder's
	 * folders it reads through (held), until move_local_hashed. */
	struct hashq *hq;
	size_t files_total;
	int held[MOVE_SOURCES_MAX];
	size_t nheld;
	/* Manifest lines wait here and go out in one write per batch; recovery restores a lost
	 * tail. */
	char manifest_buf[64 * 1024];
	size_t manifest_len;
	int fetched_fd; /* fetched.tsv (move_smb.h), opened at the first copy from a share, or -1 */
};

/* Names the run folder under qpath from m's now and run_id, creating nothing. */
void mover_init(struct mover *m, const char *qpath);

/* Creates the run folder (mode 0700) under qfd and opens its manifest. Returns 0 or an errno. */
int mover_begin(struct mover *m, int qfd);

/* Opens an existing run folder (for recovery). Returns 0 or an errno. */
int mover_reopen(struct mover *m, const char *run_path);

/* Moves every file of l out of src. Returns 0, or -1 once moving must stop (abort or deadline). */
int move_folder(struct mover *m, size_t index, const struct move_src *src,
                const struct und_list *l);

/* Waits for the hashes of the renamed files (move_local_hashed), then closes the run folder. */
void mover_end(struct mover *m);

/* Ends a run that moved nothing, and removes its run folder under qfd and the manifest's header. */
void mover_discard(struct mover *m, int qfd);

#endif
