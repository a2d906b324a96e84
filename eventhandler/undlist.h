/*
 * The .und files of one folder, as the handler lists them before it moves
 * them: names, and sizes where a copy needs them.
 */
#ifndef CCMC_UNDLIST_H
#define CCMC_UNDLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The names of the regular .und files directly in a folder. */
struct und_list {
	char (*name)[256];
	int64_t *size;
	size_t n, cap;
	int64_t bytes;
};

/*
 * Lists dirfd's regular .und files, in any letter case, through the local
 * backend (lib/backend.h), with the scan's rules. Sizes (and l->bytes) only
 * with sizes; otherwise -1, and no stat where the directory entry says
 * "regular file". A name that could not be looked at is listed (size -1) so
 * that moving it reports why. Returns 0 or an errno.
 */
int und_list_read(int dirfd, bool sizes, struct und_list *l);

/* The same, through any backend (an smb:// folder's listing). */
struct store_folder;
int und_list_folder(const struct store_folder *f, bool sizes, struct und_list *l);

#endif
