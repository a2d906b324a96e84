/*
 * The SMB helper (smb/ccmc_und_smb, the only program that loads
 * libsmbclient) as a process and its records (smbwire.h): a session starts
 * it for the smb:// folders of one share, reads its records with deadlines,
 * and ends it. The probe's watchdog child runs it like any backend; the
 * helper dies with that child. Its readers: backend_smb.c (listings), the
 * subagent's pool (smbpool.h) and the handler's file requests (smbfile.h).
 */
#ifndef CCMC_SMBSESSION_H
#define CCMC_SMBSESSION_H

#include "smbopts.h"
#include "store.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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

/* In the probe's child: asks a kept session for this scan, once; and reads to the scan's end. */
void smb_session_ask(struct smb_session *s);
void smb_session_scan_end(struct smb_session *s);

/*
 * The helper's path: CCMC_UND_SMB_HELPER from the environment when it names
 * a file that can be trusted (an uninstalled build, the tests), else the
 * installed one.
 */
const char *smb_helper_path(void);

/*
 * The records, for the session's readers. smb_take reads n bytes and
 * smb_take_text a length-prefixed text (cut to dlen - 1): 0, or -1 once the
 * helper ended, failed or missed s->until_ms. smb_session_failed sets
 * s->fatal after a read that failed or a record of an unexpected type (0 for
 * none) and returns -1; smb_skip_record reads past a record whose type byte
 * was read; smb_request sends one request line (-1 with s->fatal).
 */
int smb_take(struct smb_session *s, void *dst, size_t n);
int smb_take_text(struct smb_session *s, char *dst, size_t dlen);
int smb_session_failed(struct smb_session *s, char type);
int smb_skip_record(struct smb_session *s, char type);
int smb_request(struct smb_session *s, const char *line, size_t n);

#endif
