/*
 * Store backends: how a folder of the connector's store is listed. Every
 * program lists folders through this one interface, with one set of rules:
 * the caller picks the names it wants by name alone; the backend reports
 * each picked entry with its kind, size and mtime, never following a link;
 * a picked name that vanished or could not be looked at is reported as
 * lost. A backend is one file that fills in a struct store_backend; the
 * probe's watchdog child runs any of them the same way.
 */
#ifndef CCMC_BACKEND_H
#define CCMC_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

enum entry_kind {
	ENTRY_FILE,
	ENTRY_SYMLINK,
	ENTRY_DIRECTORY,
	ENTRY_FIFO,
	ENTRY_SOCKET,
	ENTRY_DEVICE
};

struct store_entry {
	const char *name;
	enum entry_kind kind;
	int64_t size;  /* bytes; -1 when the pick did not ask for it */
	int64_t mtime; /* seconds since 1970; -1 when the pick did not ask for it */
};

/* How much a caller needs of a name. */
enum pick { PICK_SKIP, PICK_KIND, PICK_STAT };

struct store_lister {
	/* By name only: skip it, or report it with its kind (PICK_KIND) or with size and mtime too.
	 */
	enum pick (*pick)(const char *name, void *ctx);
	void (*entry)(const struct store_entry *e, void *ctx);
	/* A picked name that could not be looked at: ENOENT when it vanished since the listing. */
	void (*lost)(const char *name, int err, void *ctx);
	void *ctx;
};

/* An open folder of some backend. */
struct store_folder {
	const struct store_backend *be;
	int fd;     /* the local backend's directory */
	void *priv; /* a remote backend's handle */
};

struct store_backend {
	const char *name;
	/* Lists f from its start through l. Returns 0, or an errno when the folder could not be
	 * read. */
	int (*list)(const struct store_folder *f, const struct store_lister *l);
};

/* Local and mounted file systems: getdents64 in large batches, fstatat on picked names only. */
extern const struct store_backend backend_local;

/* Lists the smb:// folder a session just opened (smb_folder_open); priv is the smb_session. */
extern const struct store_backend backend_smb;

/* A local folder open at fd (not taken over), as a store_folder. */
struct store_folder store_folder_local(int fd);

static inline int folder_list_entries(const struct store_folder *f, const struct store_lister *l)
{
	return f->be->list(f, l);
}

#endif
