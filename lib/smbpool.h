/* The SMB helpers the subagent keeps between scans, one per share, each with its logon. */
#ifndef CCMC_SMBPOOL_H
#define CCMC_SMBPOOL_H

#include "smbsession.h"

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

#endif
