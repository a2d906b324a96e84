/*
 * Scans folders in a child process that can be abandoned. A stat() on a hung
 * share blocks in the kernel where no signal reaches it; only a process that
 * walks away from it can still answer within its timeout.
 */
#ifndef CCMC_PROBE_H
#define CCMC_PROBE_H

#include "scan.h"
#include "smbpool.h"
#include "store.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum probe_step { STEP_START, STEP_MOUNT, STEP_OPEN, STEP_SCAN, STEP_DONE };

struct probe_opts {
	int64_t now;
	size_t list_max;     /* at most SCAN_LIST_MAX */
	bool backlog;        /* also look at .ccm messages */
	const char *fstypes; /* NULL, or a comma-separated list such as "cifs,smb3" */
	bool require_mount;
	int timeout_ms;
	const struct smb_opts *smb; /* for smb:// folders; NULL for the defaults */
	struct smb_pool *pool;      /* the caller's kept SMB sessions, or NULL for one per scan */
};

struct probe_result {
	int err;      /* 0, an errno, or -1 for a failed mount check */
	bool missing; /* the folder is not there: missing, or its share not mounted */
	bool mount_failed;
	char errmsg[PATH_MAX + 256]; /* when err != 0: what failed, with the path */
	char path[PATH_MAX];
	struct scan_stats st;
	struct scan_file *list; /* st.nlist entries, oldest first */
	dev_t dev;              /* the folder opened, to find one named twice */
	ino_t ino;
	int64_t scan_us;
};

struct probe {
	size_t n;
	struct probe_result *res; /* n results, in the order of the folder list */
	bool timed_out;
	size_t hung_folder; /* on a time-out: the folder and step that did not finish */
	enum probe_step hung_step;
	char failure[160]; /* the child itself failed (crash, fork) */
	void *map;
	size_t maplen;
	pid_t pid;
	int rfd; /* readable (end of file) once the scan process has exited */
};

const char *probe_step_name(enum probe_step s);

/*
 * "scanning /mnt/x/Ccmcdata/Import": the step and the folder a timed-out
 * probe of l hung in, the one text the three programs give for a hung share.
 */
const char *probe_hung_text(const struct folder_list *l, const struct probe *p, char *buf,
                            size_t len);

/* Returns 0 when every folder was looked at, or -1 with p->timed_out or p->failure set. */
int probe_run(const struct folder_list *l, const struct probe_opts *o, struct probe *p);

/*
 * The same in steps, for an event loop: probe_start forks the scan and
 * returns with p->rfd to watch; once it is readable, probe_finish collects
 * the results; if it is not by the caller's deadline, probe_abandon walks
 * away from the scan. Each returns as probe_run does.
 */
int probe_start(const struct folder_list *l, const struct probe_opts *o, struct probe *p);
int probe_finish(struct probe *p);
void probe_abandon(struct probe *p);

void probe_free(struct probe *p);

#endif
