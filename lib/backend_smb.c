#include "config.h"

#include "backend.h"
#include "smbsession.h"
#include "smbwire.h"

#include <errno.h>
#include <stdint.h>

/* Reads entries up to the folder's 'D'. */
static int smb_list(const struct store_folder *f, const struct store_lister *l)
{
	struct smb_session *s = f->priv;
	/* NTFS names hold 255 UTF-16 units: up to 765 bytes of UTF-8, more than NAME_MAX. */
	char name[1024];

	for (;;) {
		char type;
		if (smb_take(s, &type, 1) < 0)
			return smb_session_failed(s, 0), EIO;
		if (type == SMBWIRE_DONE) {
			int32_t err;
			return smb_take(s, &err, sizeof(err)) < 0 ? (smb_session_failed(s, 0), EIO)
			                                          : err;
		}
		if (type != SMBWIRE_ENTRY)
			return smb_session_failed(s, type), EIO;
		unsigned char kind;
		struct store_entry e = {.name = name};
		if (smb_take(s, &kind, 1) < 0 || smb_take(s, &e.size, sizeof(e.size)) < 0 ||
		    smb_take(s, &e.mtime, sizeof(e.mtime)) < 0 ||
		    smb_take_text(s, name, sizeof(name)) < 0)
			return smb_session_failed(s, 0), EIO;
		e.kind = kind <= ENTRY_DEVICE ? (enum entry_kind)kind : ENTRY_DEVICE;
		/* The listing holds size and mtime already: the pick only filters. */
		if (l->pick(name, l->ctx) != PICK_SKIP)
			l->entry(&e, l->ctx);
	}
}

const struct store_backend backend_smb = {"smb", smb_list};
