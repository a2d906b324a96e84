#include "config.h"

#include "smburl.h"

#include "number.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SCHEME "smb://"

bool smburl_is(const char *s)
{
	return strncasecmp(s, SCHEME, strlen(SCHEME)) == 0;
}

/*
 * Bytes no part of the URL may hold: controls (a name reaching output), what
 * the URL syntax reserves for things this tool does not take, and '%':
 * libsmbclient decodes %XX, so "%2e%2e" would be ".." past the check below.
 */
static const char *bad_byte(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '?' || *p == '#' || *p == '\\' || *p == '%')
			return (const char *)p;
	return NULL;
}

static int parse_port(const char *s, size_t n, unsigned *port)
{
	char digits[8];
	int64_t v;

	if (n == 0 || n >= sizeof(digits))
		return -1;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (number_parse(digits, n, 1, 65535, &v) != 0)
		return -1;
	*port = (unsigned)v;
	return 0;
}

/* host[:port] from the authority of n bytes at a. */
static int parse_authority(const char *a, size_t n, struct smburl *u, char *err, size_t errlen)
{
	const char *colon = NULL;

	if (memchr(a, '@', n) || memchr(a, ';', n)) {
		snprintf(err, errlen,
		         "a user name or password in the URL is not taken (it would show in ps and "
		         "in logs): give them in a file with -A");
		return -1;
	}
	if (n > 0 && a[0] == '[') {
		const char *close = memchr(a, ']', n);
		if (!close) {
			snprintf(err, errlen, "an IPv6 address needs its closing ']'");
			return -1;
		}
		if ((size_t)(close + 1 - a) < n)
			colon = close + 1;
	} else {
		colon = memchr(a, ':', n);
	}
	size_t hn = colon ? (size_t)(colon - a) : n;
	if (hn == 0 || hn >= sizeof(u->host)) {
		snprintf(err, errlen, "no server name after smb://");
		return -1;
	}
	memcpy(u->host, a, hn);
	u->host[hn] = '\0';
	if (colon && (*colon != ':' || parse_port(colon + 1, n - hn - 1, &u->port) < 0)) {
		snprintf(err, errlen, "the port must be a number from 1 to 65535");
		return -1;
	}
	return 0;
}

/* The path after the share, normalised as local paths are; ".." is refused. */
static int parse_path(const char *p, struct smburl *u, char *err, size_t errlen)
{
	size_t o = 0;

	u->path[0] = '\0';
	while (*p) {
		p += strspn(p, "/");
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			snprintf(err, errlen, "give the path without '..'");
			return -1;
		}
		if (o + n + 2 > sizeof(u->path)) {
			snprintf(err, errlen, "the path is too long");
			return -1;
		}
		u->path[o++] = '/';
		memcpy(u->path + o, p, n);
		o += n;
		u->path[o] = '\0';
		p += n;
	}
	return 0;
}

int smburl_parse(const char *s, struct smburl *u, char *err, size_t errlen)
{
	memset(u, 0, sizeof(*u));
	if (!smburl_is(s)) {
		snprintf(err, errlen, "not an smb:// URL");
		return -1;
	}
	if (bad_byte(s)) {
		snprintf(
		    err, errlen,
		    "control characters, '%%' (give names unencoded), '?', '#' and backslashes "
		    "are not taken in a URL");
		return -1;
	}
	const char *a = s + strlen(SCHEME);
	size_t an = strcspn(a, "/");
	if (parse_authority(a, an, u, err, errlen) < 0)
		return -1;
	const char *sh = a + an + strspn(a + an, "/");
	size_t sn = strcspn(sh, "/");
	if (sn == 0 || sn >= sizeof(u->share) || (sn <= 2 && strspn(sh, ".") == sn)) {
		snprintf(err, errlen, "no share name: give smb://HOST/SHARE/PATH");
		return -1;
	}
	memcpy(u->share, sh, sn);
	u->share[sn] = '\0';
	return parse_path(sh + sn, u, err, errlen);
}

int smburl_format(const struct smburl *u, char *dst, size_t len)
{
	char port[16] = "";
	int n;

	if (u->port)
		snprintf(port, sizeof(port), ":%u", u->port);
	n = snprintf(dst, len, "smb://%s%s/%s%s", u->host, port, u->share, u->path);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int smburl_share(const char *s, char *dst, size_t len, char *err, size_t errlen)
{
	struct smburl u;

	if (smburl_parse(s, &u, err, errlen) < 0)
		return -1;
	u.path[0] = '\0';
	return smburl_format(&u, dst, len);
}

/*
 * The dialects Samba's client takes, oldest first (LANMAN and CORE are
 * refused by Samba 4.17 itself). Returns the rank of the n bytes at s, or -1.
 */
static int protocol_rank(const char *s, size_t n)
{
	static const char *const names[] = {"NT1",  "SMB2",    "SMB2_02", "SMB2_10",
	                                    "SMB3", "SMB3_00", "SMB3_02", "SMB3_11"};
	static const int rank[] = {0, 1, 1, 2, 3, 3, 4, 5};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && strncmp(names[i], s, n) == 0)
			return rank[i];
	return -1;
}

int smb_protocol_check(const char *arg, char *err, size_t errlen)
{
	const char *colon = strchr(arg, ':');
	int lo = protocol_rank(arg, colon ? (size_t)(colon - arg) : strlen(arg));
	int hi = colon ? protocol_rank(colon + 1, strlen(colon + 1)) : lo;

	if (lo >= 0 && hi >= 0 && lo <= hi)
		return 0;
	snprintf(err, errlen,
	         "--smb-protocol '%s': give MIN or MIN:MAX, oldest first, from NT1, SMB2_02, "
	         "SMB2_10, SMB3, SMB3_00, SMB3_02, SMB3_11",
	         arg);
	return -1;
}
