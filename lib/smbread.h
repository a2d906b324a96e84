/*
 * The SMB backend, on the probe's side: it runs the SMB helper
 * (smb/ccmc_und_smb, the only program that loads libsmbclient) for the
 * smb:// folders of one share, and reads what it lists through the same
 * store_backend interface as a local folder, one entry at a time, so memory
 * does not grow with the folder. The probe's watchdog child runs it like any
 * backend; the helper dies with that child.
 */
#ifndef CCMC_SMBREAD_H
#define CCMC_SMBREAD_H

#include "backend.h"
#include "store.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct smb_opts {
	const char *authfile; /* -A: smbclient's format; NULL for none */
	const char
	    *protocol; /* --smb-protocol: "NT1" or "NT1:SMB3"; NULL for the library's default */
	bool kerberos; /* --use-kerberos: the caller's ticket cache */
};

struct smb_session {
	pid_t pid;
	int fd;               /* the helper's records */
	int wfd;              /* its requests, when it serves scans (-S); else -1 */
	bool serving;         /* kept between scans by the subagent (struct smb_pool) */
	bool asked;           /* this scan was requested of it (in the probe's child) */
	char share[PATH_MAX]; /* smb://host[:port]/share, the session's server and share */
	unsigned char buf[16384];
	size_t len, off;
	char fatal[1024]; /* once set, the helper failed: why, naming the server and the step */
	int64_t until_ms; /* monotonic: a wait for the helper past it ends it; 0 for none */
	unsigned pending; /* get and del requests sent whose answers are not yet read */
	bool timed_out;   /* the helper was ended because an answer did not come by until_ms */
};

/* A file's attributes as the server keeps them: times in ns, to its 100 ns. */
struct smb_attr {
	int32_t err; /* 0, or why the file could not be read or removed */
	int64_t size, mtime, ctime;
	int64_t id; /* the file ID (smbwire.h) */
};

/* Takes each piece of a file that smb_take_get reads. */
typedef void smb_sink(const void *p, size_t n, void *ctx);

/*
 * The helpers the subagent keeps, one per share, each serving one scan per
 * request with its logon kept: made and owned by the long-lived process,
 * used by each scan's probe child (probe_opts.pool).
 */
struct smb_pool {
	struct smb_session s[STORE_MAX_FOLDERS];
	size_t n;
};

/*
 * Before a scan: starts a serving helper for each share of l that has none
 * alive (a first scan, a helper that ended, a pool that was reset).
 */
void smb_pool_prepare(struct smb_pool *p, const struct folder_list *l, const struct smb_opts *o,
                      int timeout_ms);

/* The pool's session for a share, or NULL. */
struct smb_session *smb_pool_find(struct smb_pool *p, const char *share);

/* Ends every helper: after a scan that failed or was abandoned they may be mid-answer. */
void smb_pool_reset(struct smb_pool *p);

/* In the probe's child: asks a kept session for this scan, once; and reads to the scan's end. */
void smb_session_ask(struct smb_session *s);
void smb_session_scan_end(struct smb_session *s);

/* The share ("smb://host:port/share") of a folder's URL; "" when it is not one. */
void smb_share_of(const struct folder *f, char *dst, size_t len);

/*
 * Starts the helper for the folders of l from first on that lie on first's
 * share, in order, with the probe's timeout. Returns 0, or -1 with s->fatal.
 */
int smb_session_start(struct smb_session *s, const struct folder_list *l, size_t first,
                      const struct smb_opts *o, int timeout_ms, bool serving);

/*
 * Reads the next folder's opening: returns 0 with its URL in resolved, an
 * errno from the server (ENOENT when it is not there), or -1 with s->fatal.
 */
int smb_folder_open(struct smb_session *s, char *resolved, size_t rlen);

void smb_session_end(struct smb_session *s);

/*
 * Requests may run ahead of their answers, so that the helper never waits
 * for the caller: smb_ask_get and smb_ask_del send one (0; ENAMETOOLONG when
 * it cannot be written, and no answer will come; -1 with s->fatal), and
 * smb_take_get and smb_take_del read the oldest answer, which must be of
 * that kind. smb_drain reads and drops the answers still due.
 */
int smb_ask_get(struct smb_session *s, const char *folder, const char *name);
int smb_take_get(struct smb_session *s, smb_sink *sink, void *ctx, struct smb_attr *before,
                 struct smb_attr *after);
int smb_ask_del(struct smb_session *s, const char *folder, const char *name,
                const struct smb_attr *a);
/* A del's answer: its check of the attributes, and the removal tried only after a match. */
struct smb_del_answer {
	int32_t check; /* 0 matched, ESTALE changed, or why they could not be read (ENOENT: gone) */
	int32_t unlink; /* after a match: 0 removed, or the server's refusal */
	int32_t intact; /* after a refusal: 1 when the file was seen again, unchanged */
};
int smb_take_del(struct smb_session *s, struct smb_del_answer *a);
int smb_drain(struct smb_session *s);

/*
 * Removes name from folder only when its attributes still equal a's. Returns
 * 0 with the server's answer in *ans (check ENAMETOOLONG when the request
 * could not be written), or -1 with s->fatal.
 */
int smb_del(struct smb_session *s, const char *folder, const char *name, const struct smb_attr *a,
            struct smb_del_answer *ans);

/* Lists the folder just opened; priv is the struct smb_session. */
extern const struct store_backend backend_smb;

/*
 * The helper's path: CCMC_UND_SMB_HELPER from the environment when it names
 * a file that can be trusted (an uninstalled build, the tests), else the
 * installed one.
 */
const char *smb_helper_path(void);

#endif
