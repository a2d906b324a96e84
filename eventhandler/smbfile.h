/*
 * The handler's file requests to a serving SMB helper: read a file whole
 * with its attributes before and after, and remove one only when its
 * attributes still match (smbwire.h's get and del).
 */
#ifndef CCMC_SMBFILE_H
#define CCMC_SMBFILE_H

#include "smbsession.h"

#include <stdint.h>

/* A file's attributes as the server keeps them: times in ns, to its 100 ns. */
struct smb_attr {
	int32_t err; /* 0, or why the file could not be read or removed */
	int64_t size, mtime, ctime;
	int64_t id; /* the file ID (smbwire.h) */
};

/* Takes each piece of a file that smb_take_get reads. */
typedef void smb_sink(const void *p, size_t n, void *ctx);

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

/* What a del's answer means for the copy of the file. */
enum smb_del_outcome {
	DEL_REMOVED, /* removed now, or gone already: the copy is the file */
	DEL_CHANGED, /* another version is there now: keep the copy, the original stays */
	DEL_REFUSED, /* the attributes matched and the removal was refused: the original is there */
	DEL_UNKNOWN, /* no answer, or a check that failed: the original may be going */
};

/*
 * Only a refused removal of a file then seen again unchanged proves the
 * original is still there. A check that could not read the attributes
 * proves nothing: a Windows file still being deleted (an antivirus or backup
 * agent holds it), a transient EIO or an ACL that hides attributes all
 * answer so, and the copy may be the only one left.
 */
enum smb_del_outcome smb_del_outcome(const struct smb_del_answer *a);

/*
 * Removes name from folder only when its attributes still equal a's. Returns
 * 0 with the server's answer in *ans (check ENAMETOOLONG when the request
 * could not be written), or -1 with s->fatal.
 */
int smb_del(struct smb_session *s, const char *folder, const char *name, const struct smb_attr *a,
            struct smb_del_answer *ans);

#endif
