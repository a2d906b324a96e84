/* The folders to watch: from a connector store root, or named one by one. */
#ifndef CCMC_STORE_H
#define CCMC_STORE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define STORE_MAX_FOLDERS 32
/* "<label>_backlog" and "<label>_backlog_age" must differ within 19 characters. */
#define FOLDER_LABEL_MAX 10

/* What a folder is watched for. */
#define ROLE_UND 1u     /* .und files (Import, Export, -d folders) */
#define ROLE_BACKLOG 2u /* the .ccm backlog (Import, Export, Submit, -d folders) */

struct folder {
	char label[FOLDER_LABEL_MAX + 1]; /* perfdata prefix: "import" */
	char name[NAME_MAX + 1];          /* for people: "Import" */
	char path[PATH_MAX];              /* the folder, or the store root when in_store */
	unsigned roles;                   /* ROLE_UND | ROLE_BACKLOG */
	bool in_store;                    /* name is looked up in path, in any letter case */
};

struct folder_list {
	struct folder f[STORE_MAX_FOLDERS];
	size_t n;
};

/* Adds Import and Export (.und and backlog) and Submit (backlog) under store. */
int folders_add_store(struct folder_list *l, const char *store, char *err, size_t errlen);

/* Adds one explicit folder, labelled after its last path component. */
int folders_add_dir(struct folder_list *l, const char *dir, char *err, size_t errlen);

/*
 * A store root, opened and listed once for all of its folders: on a share
 * each open and each listing is a round trip.
 */
struct store_dir {
	const char *path;                  /* the root this holds, or NULL */
	int fd;                            /* -1 when the root could not be opened */
	int err;                           /* then, why */
	char name[STORE_MAX_FOLDERS][256]; /* each folder's name on disk */
	int rc[STORE_MAX_FOLDERS]; /* 0, ENOENT, or EEXIST for two names in different case */
};

/* The folder as a path: "/s/Import" for Import of store /s, the path itself for -d. */
const char *folder_path(const struct folder *f, char *buf, size_t len);

/* True when a and b are folders of the same store root. */
bool folder_same_store(const struct folder *a, const struct folder *b);

void store_dir_init(struct store_dir *sd);
void store_dir_close(struct store_dir *sd);

/*
 * Opens folder i of l read-only as a directory, never through a symlink in a
 * store, and writes the path it opened to resolved. Store folders match in
 * any letter case, as on the Windows host. Returns 0 or an errno.
 */
int folder_open(const struct folder_list *l, size_t i, struct store_dir *sd, int *fd,
                char *resolved, size_t rlen);

/*
 * Why folder f, at path, could not be opened (rc from folder_open or a
 * backend), in the words every program uses: EEXIST is two folders that
 * match its name in different case, ENOTDIR and ELOOP something else in its
 * place. Returns err.
 */
const char *folder_open_why(const struct folder *f, const char *path, int rc, char *err,
                            size_t errlen);

/*
 * Checks that path lies on a file system of one of the comma-separated
 * fstypes (when given) and, with require_mount, on a mount other than "/".
 * An unmounted share is an empty local folder; this tells the two apart.
 * Returns 0; -1 with a message in err for a folder not on the mount asked
 * for (an unmounted share: --missing applies); MOUNT_LOOKUP_FAILED with a
 * message in err when the mount table could not be read (never "missing");
 * or an errno for a path that failed.
 */
#define MOUNT_LOOKUP_FAILED (-2)
int mount_check(const char *path, const char *fstypes, bool require_mount, char *err,
                size_t errlen);

#endif
