#include "config.h"

#include "authfile.h"

#include "conffile.h"

#include <stdio.h>
#include <string.h>

#define LINE_MAX_AUTH 1024

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

int authfile_read(const char *path, struct smb_auth *a, char *err, size_t errlen)
{
	char line[LINE_MAX_AUTH];
	unsigned no = 0;
	FILE *f = secretfile_open(path, err, errlen);

	memset(a, 0, sizeof(*a));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		no++;
		size_t n = strlen(line);
		char *t = trim(line);
		if ((n == sizeof(line) - 1 && line[n - 1] != '\n') ||
		    (*t && *t != '#' && *t != ';' && auth_line(t, a) < 0)) {
			snprintf(
			    err, errlen,
			    "auth file %s, line %u: not \"username = \", \"password = \" or "
			    "\"domain = \" with a value of at most 255 bytes, or a line over 1022 "
			    "bytes",
			    path, no);
			fclose(f);
			smb_auth_clear(a);
			return -1;
		}
	}
	fclose(f);
	memset(line, 0, sizeof(line));
	split_domain(a);
	if (!a->username[0]) {
		snprintf(err, errlen, "auth file %s: no \"username = \" line", path);
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
