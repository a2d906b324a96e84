/*
 * ccmc_und_smb: lists folders of a store on an SMB server for the probe of
 * check_ccmc_und and ccmc_und_subagent, which run it in their watchdog child,
 * and reads and deletes files for ccmc_und_remediate. It is a program of its
 * own, the only one that links libsmbclient, so that SMB is paid only by
 * checks that use smb:// and the plugin stays static.
 *
 * Usage: ccmc_und_smb [-A AUTHFILE] [-k] [-P MIN[:MAX]] [-S] [-t MS] ITEM...
 *   ITEM is "s URL NAME" (folder NAME of store URL, found in any letter case
 *   by one listing of the store) or "d URL" (a folder named by its URL).
 * Output: records as lib/smbwire.h says. Exit 0, or 3 after 'X'.
 * With -S it serves one request per line on stdin until end of file: "scan",
 * and "get" and "del" for the handler (lib/smbwire.h).
 */
#include "config.h"

#include "authfile.h"
#include "client.h"
#include "number.h"
#include "records.h"
#include "smburl.h"
#include "smbwire.h"

#include <errno.h>
#include <libsmbclient.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#define TIMEOUT_DEFAULT_MS 20000

static struct smb_auth auth;

static void __attribute__((noreturn)) fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static void fatal(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rec_fatal(msg);
	rec_flush();
	smb_auth_clear(&auth);
	exit(3);
}

/*
 * The password lives in this process: no core file may hold it, and no
 * other process of the user may read it through /proc/PID/mem or ptrace.
 */
static void guard_secrets(void)
{
	struct rlimit none = {0, 0};

	if (prctl(PR_SET_DUMPABLE, 0) < 0 || setrlimit(RLIMIT_CORE, &none) < 0)
		_exit(3);
}

static void usage(void)
{
	fprintf(stderr, "usage: ccmc_und_smb [-A AUTHFILE] [-k] [-P MIN[:MAX]] [-S] [-t MS] "
	                "(s URL NAME | d URL)... | -V\n");
	exit(2);
}

static void parse_protocol(char *arg, struct client_opts *o)
{
	char *colon = strchr(arg, ':');

	o->proto_min = arg;
	o->proto_max = arg;
	if (colon) {
		*colon = '\0';
		o->proto_max = colon + 1;
	}
}

static int parse_timeout(const char *arg)
{
	int64_t v;

	if (number_parse(arg, strlen(arg), 1, 3600000, &v) < 0)
		usage();
	return (int)v;
}

/* The share's URL of an item's URL, for the connection step and messages. */
static void share_of(const char *url, char *dst, size_t len)
{
	char err[256];

	if (smburl_share(url, dst, len, err, sizeof(err)) < 0)
		fatal("%s: %s", url, err);
}

/* Lists the items of argv from first on, in order. */
static void list_items(int argc, char **argv, int first)
{
	static struct store_names names;
	char url[PATH_MAX + 256];

	names.store[0] = '\0'; /* each scan lists the store afresh */
	for (int i = first; i < argc;) {
		if (strcmp(argv[i], "s") == 0 && i + 2 < argc) {
			int rc =
			    client_store_folder(&names, argv[i + 1], argv[i + 2], url, sizeof(url));
			if (rc == 0) {
				client_list(url);
			} else {
				rec_code(SMBWIRE_OPEN, rc);
				rec_text(url);
			}
			i += 3;
		} else if (strcmp(argv[i], "d") == 0 && i + 1 < argc) {
			client_list(argv[i + 1]);
			i += 2;
		} else {
			usage();
		}
	}
}

/* One scan of every item; false when the server could not be used ('X' written). */
static bool scan(SMBCCTX *c, const char *share, int argc, char **argv, int first)
{
	char why[1024];

	if (client_share_open(c, share, why, sizeof(why)) < 0) {
		rec_fatal(why);
		return false;
	}
	list_items(argc, argv, first);
	return true;
}

/* One request line, without its newline. */
static void request(SMBCCTX *c, const char *share, int argc, char **argv, int first,
                    const char *line)
{
	if (strcmp(line, "scan") == 0)
		scan(c, share, argc, argv, first);
	else if (strncmp(line, "get ", 4) == 0)
		client_get(line + 4);
	else if (strncmp(line, "del ", 4) == 0)
		client_del(line + 4);
	else
		rec_attr(EINVAL, NULL);
}

/*
 * -S: serves a request for each line on stdin, with the connection kept
 * between them, and ends each with 'Z'. The subagent keeps one such helper
 * per share, instead of logging on at every interval.
 */
static void serve(SMBCCTX *c, const char *share, int argc, char **argv, int first)
{
	static char line[2 * PATH_MAX + 1024];
	char end = SMBWIRE_END;

	while (fgets(line, sizeof(line), stdin)) {
		size_t n = strlen(line);
		if (n == 0 || line[n - 1] != '\n') {
			/* A request longer than any URL: refused whole, not read as two. */
			int ch;
			while (n && (ch = getchar()) != EOF && ch != '\n')
				;
			rec_attr(ENAMETOOLONG, NULL);
		} else {
			line[n - 1] = '\0';
			request(c, share, argc, argv, first, line);
		}
		rec_put(&end, 1);
		rec_flush();
	}
}

int main(int argc, char **argv)
{
	struct client_opts o = {.timeout_ms = TIMEOUT_DEFAULT_MS};
	char err[PATH_MAX + 256], share[PATH_MAX];
	const char *authfile = NULL;
	bool serving = false;
	int ch;

	if (argc == 2 && strcmp(argv[1], "-V") == 0) {
		/* Which library a site's package pulled in is the first question of a report. */
		printf("ccmc_und_smb " PACKAGE_VERSION " (libsmbclient %s)\n", smbc_version());
		return 0;
	}
	guard_secrets();
	/* Killed with the probe that runs it, which may be abandoned on a hung server. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/*
	 * libsmbclient prints some failures (a Kerberos logon) to stdout: the
	 * records get a descriptor of their own, and stdout becomes stderr, so no
	 * text of the library's can pass for a record.
	 */
	int out_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (out_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		return 3;
	rec_init(out_fd);
	while ((ch = getopt(argc, argv, "A:kP:St:")) != -1) {
		switch (ch) {
		case 'S': serving = true; break;
		case 'A': authfile = optarg; break;
		case 'k': o.kerberos = true; break;
		case 'P': parse_protocol(optarg, &o); break;
		case 't': o.timeout_ms = parse_timeout(optarg); break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	share_of(argv[optind + 1 < argc ? optind + 1 : optind], share, sizeof(share));
	if (authfile && authfile_read(authfile, &auth, err, sizeof(err)) < 0)
		fatal("%s", err);
	o.auth = authfile ? &auth : NULL;
	SMBCCTX *c = client_start(&o, err, sizeof(err));
	if (!c)
		fatal("%s: %s", share, err);
	if (serving)
		serve(c, share, argc, argv, optind);
	else if (!scan(c, share, argc, argv, optind)) {
		rec_flush();
		smb_auth_clear(&auth);
		return 3;
	}
	rec_flush();
	smb_auth_clear(&auth);
	return 0;
}
