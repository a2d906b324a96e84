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
#include <sys/types.h>

struct smb_opts {
	const char *authfile; /* -A: smbclient's format; NULL for none */
	const char
	    *protocol; /* --smb-protocol: "NT1" or "NT1:SMB3"; NULL for the library's default */
	bool kerberos; /* --use-kerberos: the caller's ticket cache */
};

struct smb_session {
	pid_t pid;
	int fd;
	char share[PATH_MAX]; /* smb://host[:port]/share, the session's server and share */
	unsigned char buf[16384];
	size_t len, off;
	char fatal[1024]; /* once set, the helper failed: why, naming the server and the step */
};

/* The share ("smb://host:port/share") of a folder's URL; "" when it is not one. */
void smb_share_of(const struct folder *f, char *dst, size_t len);

/*
 * Starts the helper for the folders of l from first on that lie on first's
 * share, in order, with the probe's timeout. Returns 0, or -1 with s->fatal.
 */
int smb_session_start(struct smb_session *s, const struct folder_list *l, size_t first,
                      const struct smb_opts *o, int timeout_ms);

/*
 * Reads the next folder's opening: returns 0 with its URL in resolved, an
 * errno from the server (ENOENT when it is not there), or -1 with s->fatal.
 */
int smb_folder_open(struct smb_session *s, char *resolved, size_t rlen);

void smb_session_end(struct smb_session *s);

/* Lists the folder just opened; priv is the struct smb_session. */
extern const struct store_backend backend_smb;

/*
 * The helper's path: CCMC_UND_SMB_HELPER from the environment when it names
 * a file that can be trusted (an uninstalled build, the tests), else the
 * installed one.
 */
const char *smb_helper_path(void);

#endif
