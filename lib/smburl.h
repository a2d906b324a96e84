/*
 * smb://HOST[:PORT]/SHARE/PATH, the way a store on a Windows host is named
 * without a mount. Credentials never go in the URL: they would show in ps
 * and in the monitoring system's logs, so a URL with a user or a password
 * is refused, and -A names a file instead.
 */
#ifndef CCMC_SMBURL_H
#define CCMC_SMBURL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define SMB_HOST_MAX 256

struct smburl {
	char host[SMB_HOST_MAX]; /* a name, an IPv4 address, or [an IPv6 address] */
	unsigned port;           /* 0: the default */
	char share[256];
	char path[PATH_MAX]; /* "/Exchsrvr/Ccmcdata", normalised; "" for the share's root */
};

/* True when s names an SMB URL (the scheme in any letter case). */
bool smburl_is(const char *s);

/*
 * Parses and normalises s (repeated and trailing slashes, "." dropped; ".."
 * refused). Returns 0, or -1 with a message in err.
 */
int smburl_parse(const char *s, struct smburl *u, char *err, size_t errlen);

/* Writes u back as "smb://host[:port]/share/path". Returns the length, or -1 when it does not fit.
 */
int smburl_format(const struct smburl *u, char *dst, size_t len);

/*
 * The share of URL s ("smb://host[:port]/share"), the unit a connection and
 * a logon serve. Returns its length, or -1 with a message in err.
 */
int smburl_share(const char *s, char *dst, size_t len, char *err, size_t errlen);

/*
 * Checks an --smb-protocol value: MIN or MIN:MAX, oldest first, of the
 * dialects Samba's client takes. Returns 0, or -1 with a message in err.
 */
int smb_protocol_check(const char *arg, char *err, size_t errlen);

#endif
