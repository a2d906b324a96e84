/*
 * The SMB helper's side of libsmbclient: one context with a private
 * configuration, and the operations the helper serves, each writing its
 * records (records.h): list a folder, find a store's folder in any letter
 * case, get a file's bytes between its attributes, delete one still as read.
 */
#ifndef CCMC_CLIENT_H
#define CCMC_CLIENT_H

#include "authfile.h"

#include <libsmbclient.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct client_opts {
	const struct smb_auth *auth; /* NULL: the library's own (the Unix user, no password) */
	const char *proto_min, *proto_max;
	bool kerberos;
	int timeout_ms;
};

/*
 * Makes the context. libsmbclient reads its configuration from $HOME/.smb
 * or /etc/samba: it gets a private one instead, in a folder that is gone
 * again once it was read, whose cache and lock folders do not exist, so that
 * nothing is read from the system nor written anywhere. Returns the context,
 * or NULL with why.
 */
SMBCCTX *client_start(const struct client_opts *o, char *why, size_t len);

/*
 * Opens the share's root: the connection, the logon and the share, as one
 * step; a kept connection that died is made again, once. Returns 0, or -1
 * with the text of an 'X' record in why.
 */
int client_share_open(SMBCCTX *c, const char *share_url, char *why, size_t len);

/* Lists one folder: 'O', its entries, 'D'. */
void client_list(const char *url);

/* A store's folder names (Import, Export, Submit), from one listing of the store per scan. */
struct store_names {
	char store[PATH_MAX]; /* the store listed, or "" before the scan's first lookup */
	char name[32][256];
	size_t n;
	int err; /* why the store could not be listed */
};

/*
 * Writes the URL of the folder name of store, found in any letter case, to
 * dst. Returns 0, ENOENT, EEXIST (two spellings), or why the store could
 * not be listed.
 */
int client_store_folder(struct store_names *sn, const char *store, const char *name, char *dst,
                        size_t len);

/* get HEXNAME FOLDERURL: 'A', the bytes as 'B', 'A' again (smbwire.h). */
void client_get(const char *args);

/* del SIZE MTIME CTIME ID HEXNAME FOLDERURL: 'A' for the check, then 'U' after a match. */
void client_del(const char *args);

#endif
