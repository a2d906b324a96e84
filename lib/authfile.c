#include "config.h"

#include "authfile.h"

#include "conffile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_AUTH 1024
#define AUTHFILE_MAX 8192

static char *trim(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* One "key = value" line into a; returns 0, or -1 for a line it does not know. */
static int auth_line(char *line, struct smb_auth *a)
{
	char *eq = strchr(line, '=');

	if (!eq)
		return -1;
	*eq = '\0';
	char *key = trim(line), *val = trim(eq + 1);
	char *dst = strcmp(key, "username") == 0   ? a->username
	            : strcmp(key, "password") == 0 ? a->password
	            : strcmp(key, "domain") == 0   ? a->domain
	                                           : NULL;
	if (!dst || strlen(val) >= sizeof(a->username))
		return -1;
	snprintf(dst, sizeof(a->username), "%s", val);
	return 0;
}

/* "CORP\exadmin" in username: the domain before the backslash. */
static void split_domain(struct smb_auth *a)
{
	char *bs = strchr(a->username, '\\');

	if (!bs)
		return;
	*bs = '\0';
	snprintf(a->domain, sizeof(a->domain), "%s", a->username);
	memmove(a->username, bs + 1, strlen(bs + 1) + 1);
}

/* Reads the whole file (at most AUTHFILE_MAX bytes) into buf. Returns its length, or -1. */
static ssize_t read_whole(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	for (;;) {
		ssize_t got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			return (ssize_t)n;
		n += (size_t)got;
		if (n == cap)
			return -1; /* too long for an auth file: refused, not cut */
	}
}

/* Reads each line of text into a. Returns 0, or the number of the first line it refuses. */
static unsigned parse_lines(char *text, struct smb_auth *a)
{
	unsigned no = 0;

	for (char *line = text, *nl; *line; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		no++;
		char *t = trim(line);
		if (strlen(line) > LINE_MAX_AUTH - 2 ||
		    (*t && *t != '#' && *t != ';' && auth_line(t, a) < 0))
			return no;
	}
	return 0;
}

int authfile_read(const char *path, struct smb_auth *a, char *err, size_t errlen)
{
	/* The file's text, password included, lives only here, and is wiped on every way out. */
	char text[AUTHFILE_MAX + 1];
	int fd = secretfile_open(path, err, errlen);
	ssize_t n;
	unsigned bad;

	memset(a, 0, sizeof(*a));
	if (fd < 0)
		return -1;
	n = read_whole(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0) {
		explicit_bzero(text, sizeof(text));
		snprintf(err, errlen, "auth file %s: %s", path,
		         errno ? strerror(errno) : "longer than an auth file can be");
		return -1;
	}
	text[n] = '\0';
	bad = parse_lines(text, a);
	explicit_bzero(text, sizeof(text));
	if (bad) {
		snprintf(
		    err, errlen,
		    "auth file %s, line %u: not \"username = \", \"password = \" or "
		    "\"domain = \" with a value of at most 255 bytes, or a line over 1022 bytes",
		    path, bad);
		smb_auth_clear(a);
		return -1;
	}
	split_domain(a);
	if (!a->username[0]) {
		snprintf(err, errlen, "auth file %s: no \"username = \" line", path);
		smb_auth_clear(a);
		return -1;
	}
	return 0;
}

void smb_auth_clear(struct smb_auth *a)
{
	explicit_bzero(a, sizeof(*a));
}

int authfile_check(const char *path, char *err, size_t errlen)
{
	struct smb_auth a;
	int rc;

	if (!path)
		return 0;
	rc = authfile_read(path, &a, err, errlen);
	smb_auth_clear(&a);
	return rc;
}
