/*
 * The SMB helper's own lister: one connection, an NTLMv2 logon and a
 * directory listing read one server response at a time, so that memory
 * does not grow with the folder (libsmbclient's opendir holds the whole
 * listing, some 340 bytes an entry). It speaks SMB1 (NT LM 0.12, for NT4
 * and Windows 2000) and SMB 2.02 to 3.02, unsigned. What it does not do
 * (Kerberos, a server that demands signing or encryption, SMB1's extended
 * security, 3.1.1 only) it says with SMBLS_UNSUPPORTED, and the helper
 * lists through libsmbclient instead.
 */
#ifndef CCMC_SMBLS_H
#define CCMC_SMBLS_H

#include "authfile.h"
#include "backend.h"

#include <stddef.h>
#include <stdint.h>

#define SMBLS_UNSUPPORTED (-2)

/* Dialects, as the protocol numbers them; NT1 stands for SMB1's NT LM 0.12. */
enum smb_dialect {
	SMB_NT1 = 0x100,
	SMB_2_02 = 0x202,
	SMB_2_10 = 0x210,
	SMB_3_00 = 0x300,
	SMB_3_02 = 0x302,
	SMB_3_11 = 0x311
};

struct smbls_opts {
	const char *host; /* a name or an address; [v6] as in a URL */
	unsigned port;    /* 0: 445 */
	const char *share;
	const struct smb_auth *auth;
	enum smb_dialect min, max;
	int timeout_ms; /* for each answer */
};

struct smbls;

/*
 * Libsmbclient's protocol names ("NT1", "SMB3_02", "SMB3" ...) as a range;
 * NULL names give its defaults (SMB2_02 to SMB3_11). Returns 0, or -1.
 */
int smbls_protocols(const char *min, const char *max, enum smb_dialect *lo, enum smb_dialect *hi);

/*
 * Connects, logs on and opens the share. Returns 0 with *out set,
 * SMBLS_UNSUPPORTED, or an errno (ECONNREFUSED, ETIMEDOUT, EACCES for a
 * refused logon, ENOENT for a missing share, EPROTONOSUPPORT for no common
 * dialect, EPROTO for an answer out of the protocol).
 */
int smbls_open(const struct smbls_opts *o, struct smbls **out);

typedef void (*smbls_entry_fn)(void *arg, const char *name, enum entry_kind kind, int64_t size,
                               int64_t mtime);

/*
 * Lists the folder path ('/'-separated, relative to the share; "" is its
 * root), calling fn for each entry but "." and "..". Returns 0 or an errno
 * (ENOENT, ENOTDIR, EACCES; ECONNRESET, ETIMEDOUT or EPROTO when the
 * connection is no longer usable). fn may have been called before a failure.
 */
int smbls_list(struct smbls *s, const char *path, smbls_entry_fn fn, void *arg);

/* Asks the server for an echo: 0 while the connection serves, else an errno. */
int smbls_alive(struct smbls *s);

void smbls_close(struct smbls *s);

/*
 * Walks one buffer of directory entries (SMB2's FileDirectoryInformation,
 * SMB1's SMB_FIND_FILE_DIRECTORY_INFO: the same layout), bounds-checked.
 * Writes the last name's offset and length to last_off and last_len (for
 * SMB1's FIND_NEXT2). Returns the entries seen, or -1 for a malformed buffer.
 * Exposed for the fuzz target.
 */
long smbls_entries(const uint8_t *buf, size_t len, smbls_entry_fn fn, void *arg, size_t *last_off,
                   size_t *last_len);

#endif
