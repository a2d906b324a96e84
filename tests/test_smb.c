/* smb:// URLs and auth files: what is taken, what is refused, and how it is said. */
#include "config.h"

#include "authfile.h"
#include "smburl.h"
#include "tap.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void okf(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void okf(bool cond, const char *fmt, ...)
{
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	tap_ok(cond, what);
}

static void url_ok(const char *in, const char *want)
{
	struct smburl u;
	char err[256] = "", out[PATH_MAX + 512];

	int rc = smburl_parse(in, &u, err, sizeof(err));
	if (rc == 0)
		smburl_format(&u, out, sizeof(out));
	else
		snprintf(out, sizeof(out), "error: %s", err);
	tap_is_str(out, want, in);
}

static void url_bad(const char *in, const char *why)
{
	struct smburl u;
	char err[256] = "", shown[256];

	/* The name of a test is one line: control characters are shown as '?'. */
	snprintf(shown, sizeof(shown), "%s", in);
	for (char *c = shown; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = '?';
	okf(smburl_parse(in, &u, err, sizeof(err)) < 0 && strstr(err, why) != NULL,
	    "refused: %s (%s)", shown, err);
}

static void urls(void)
{
	url_ok("smb://exch/c$/Exchsrvr/Ccmcdata", "smb://exch/c$/Exchsrvr/Ccmcdata");
	url_ok("SMB://exch:445/c$//Exchsrvr/./Ccmcdata/", "smb://exch:445/c$/Exchsrvr/Ccmcdata");
	url_ok("smb://[::1]:4450/share", "smb://[::1]:4450/share");
	url_ok("smb://10.0.0.1/d$", "smb://10.0.0.1/d$");
	url_bad("smb://user:pw@exch/c$/x", "use");
	url_bad("smb://CORP;user@exch/c$/x", "-A");
	url_bad("smb://exch:0/c$", "port");
	url_bad("smb://exch:65536/c$", "port");
	url_bad("smb://exch:44a/c$", "port");
	url_bad("smb://exch", "no share");
	url_bad("smb:///c$/x", "no server");
	url_bad("smb://exch/c$/../x", "'..'");
	url_bad("smb://exch/c$/a\nb", "control");
	url_bad("smb://exch/c$/a?b", "'?'");
	url_bad("smb://exch/c$/x/%2e%2e/y", "'%'");
	url_bad("smb://exch/c$/Import%00/junk", "unencoded");
	url_bad("smb://[::1/c$", "']'");
	url_bad("/mnt/x", "not an smb");
	okf(smburl_is("Smb://x") && !smburl_is("smbx://x") && !smburl_is("/smb://"), "%s",
	    "smburl_is: the scheme in any case, nothing else");
}

static const char *write_auth(const char *dir, const char *text, mode_t mode)
{
	static char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/auth", dir);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

static void authfiles(void)
{
	char dir[] = "/tmp/test_smb.XXXXXX", err[PATH_MAX + 256];
	struct smb_auth a;
	const char *p;

	if (!mkdtemp(dir))
		abort();
	p = write_auth(dir, "# c\nusername = ex\npassword =  S e=cr3t \ndomain=CORP\n", 0600);
	okf(authfile_read(p, &a, err, sizeof(err)) == 0, "a good auth file is read (%s)", err);
	tap_is_str(a.username, "ex", "username");
	tap_is_str(a.password, "S e=cr3t",
	           "password: inner blanks and '=' kept, outer ones trimmed");
	tap_is_str(a.domain, "CORP", "domain");
	p = write_auth(dir, "username = CORP\\ex\npassword = x\n", 0640);
	okf(authfile_read(p, &a, err, sizeof(err)) == 0 && !strcmp(a.username, "ex") &&
	        !strcmp(a.domain, "CORP"),
	    "%s", "DOMAIN\\user sets both; mode 0640 is taken");
	p = write_auth(dir, "username = ex\npassword = x\n", 0604);
	okf(authfile_read(p, &a, err, sizeof(err)) < 0 && strstr(err, "readable by no other user"),
	    "readable by others: refused (%s)", err);
	p = write_auth(dir, "username = ex\npassword = x\n", 0620);
	okf(authfile_read(p, &a, err, sizeof(err)) < 0 && strstr(err, "mode 0620"), "%s",
	    "group-writable: refused, the mode said");
	p = write_auth(dir, "username = ex\npasswd = hunter2\n", 0600);
	okf(authfile_read(p, &a, err, sizeof(err)) < 0 && strstr(err, "line 2") &&
	        !strstr(err, "hunter2"),
	    "an unknown key: the line named, its value not shown (%s)", err);
	p = write_auth(dir, "password = x\n", 0600);
	okf(authfile_read(p, &a, err, sizeof(err)) < 0 && strstr(err, "no \"username = \""), "%s",
	    "no username: refused");
	char longline[2100];
	memset(longline, 'x', sizeof(longline) - 2);
	memcpy(longline, "password = ", 11);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	p = write_auth(dir, longline, 0600);
	okf(authfile_read(p, &a, err, sizeof(err)) < 0 && strstr(err, "line 1"), "%s",
	    "a line longer than the buffer: refused, not split");
	okf(authfile_read("/nonexistent/auth", &a, err, sizeof(err)) < 0 &&
	        strstr(err, "auth file /nonexistent/auth"),
	    "%s", "a missing file: named");
	unlink(p);
	rmdir(dir);
}

int main(void)
{
	urls();
	authfiles();
	return tap_done();
}
