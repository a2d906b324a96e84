/*
 * The credentials of an SMB logon, from a file in smbclient's format
 * ("username = ", "password = ", "domain = "), which is the only place a
 * password is taken from: never a URL or an option, which ps shows.
 */
#ifndef CCMC_AUTHFILE_H
#define CCMC_AUTHFILE_H

#include <stddef.h>

struct smb_auth {
	char username[256];
	char password[256];
	char domain[256];
};

/*
 * Reads path, once secretfile_open (conffile.h) has found it trustworthy.
 * A line that is not blank, a comment, or one of the three keys is an error
 * naming the file and the line. "DOMAIN\user" in username sets both.
 * Returns 0, or -1 with a message in err. The password never reaches err.
 */
int authfile_read(const char *path, struct smb_auth *a, char *err, size_t errlen);

/*
 * Checks that path (NULL: nothing to check) can be read as an auth file, so
 * that a bad one is refused before anything is done; keeps nothing of it.
 * Returns 0, or -1 with a message in err.
 */
int authfile_check(const char *path, char *err, size_t errlen);

/* Overwrites the secret so that it outlives its use in no buffer. */
void smb_auth_clear(struct smb_auth *a);

#endif
