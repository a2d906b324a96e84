/*
 * check_ccmc_und: a Nagios/Icinga plugin that watches an Exchange 5.5
 * connector for Lotus cc:Mail for .und files, which stop it silently
 * (Microsoft article Q212788), and for the backlog a stalled connector leaves.
 */
#include "config.h"

#include "report.h"
#include "watch.h"
#include "duration.h"
#include "extraopts.h"
#include "output.h"
#include "probe.h"
#include "range.h"
#include "state.h"
#include "usage.h"
#include "store.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROGNAME "check_ccmc_und"

static const char usage_text[] =
    "Usage: " PROGNAME " {-R STORE | -d DIR [-d DIR ...]} [-w RANGE] [-c RANGE]\n"
    "       [-W RANGE] [-C RANGE] [--backlog-warning RANGE] [--backlog-critical RANGE]\n"
    "       [--backlog-age-warning RANGE] [--backlog-age-critical RANGE] [--no-backlog]\n"
    "       [--missing STATE] [--fstype TYPE[,TYPE...]] [--require-mount]\n"
    "       [-A AUTHFILE] [--smb-protocol MIN[:MAX]] [--use-kerberos]\n"
    "       [-t SECONDS] [--timeout-state STATE] [--list N] [--max-output BYTES]\n"
    "       [--now EPOCH] [--extra-opts[=[SECTION][@FILE]]]... [-v]... | -h | -V\n";

static const char help_text[] =
    "Checks an Exchange connector for Lotus cc:Mail for undeliverable (.und)\n"
    "files in its Import and Export folders. One such file stops the connector\n"
    "without a word in the event log (article Q212788), so by default any .und\n"
    "file is CRITICAL. Old .ccm messages (a backlog) are the second sign of a\n"
    "stalled connector.\n\n"
    "Options:\n"
    " -R, --store=STORE           connector store root (Ccmcdata); watches Import\n"
    "                             and Export, and Submit for the backlog, matching\n"
    "                             the folder names in any letter case\n"
    " -d, --dir=DIR               a folder to watch (repeatable)\n"
    "                             STORE and DIR may be smb://HOST[:PORT]/SHARE/PATH,\n"
    "                             read over SMB with no mount, never with a user\n"
    "                             or password in the URL\n"
    " -w, --warning=RANGE         .und count per folder that warns (default none)\n"
    " -c, --critical=RANGE        .und count per folder that is critical (default 0)\n"
    " -W, --age-warning=RANGE     age of the oldest .und file that warns\n"
    " -C, --age-critical=RANGE    age of the oldest .und file that is critical\n"
    "     --backlog-warning=RANGE, --backlog-critical=RANGE\n"
    "                             .ccm message count per folder\n"
    "     --backlog-age-warning=RANGE, --backlog-age-critical=RANGE\n"
    "                             age of the oldest .ccm message\n"
    "     --no-backlog            do not look at .ccm messages at all\n"
    "     --missing=STATE         state for a missing folder or unmounted share:\n"
    "                             ok, warning, critical or unknown (default unknown)\n"
    "     --fstype=TYPE[,TYPE]    the store must be on this file system (e.g. cifs)\n"
    "     --require-mount         the store must be on a mount other than /\n"
    " -A, --authentication-file=AUTHFILE\n"
    "                             SMB credentials in smbclient's format (username =,\n"
    "                             password =, domain =); owned by you or root, and\n"
    "                             neither readable nor writable by others\n"
    "     --smb-protocol=MIN[:MAX]  SMB dialects (NT1, SMB2_02, SMB3 ...); NT1 for\n"
    "                             NT4 and Windows 2000, which speak only SMB1\n"
    "     --use-kerberos          log on with the caller's Kerberos ticket cache\n"
    " -t, --timeout=SECONDS       answer within this time, even on a hung share\n"
    "                             (default 10)\n"
    "     --timeout-state=STATE   state on a time-out (default unknown)\n"
    "     --list=N                offending files listed in the long output\n"
    "                             (default 10, at most 1000)\n"
    "     --max-output=BYTES      cap on the whole output (default 4096, at least\n"
    "                             1024 for NRPE v2, at most 65536)\n"
    "     --now=EPOCH             measure ages from this time (for tests)\n"
    "     --extra-opts[=[SECTION][@FILE]]\n"
    "                             read long options from an ini file section\n"
    "                             (default section " PROGNAME ", default file\n"
    "                             " CCMC_EXTRA_OPTS_FILE ");\n"
    "                             the command line wins\n"
    " -v, --verbose               more detail; repeat for more (up to -vvv)\n"
    " -h, --help                  this help\n"
    " -V, --version               the version\n\n"
    "RANGE is a Nagios range, [@][START:][END]: 10, 10:, ~:10, 10:20, @10:20.\n"
    "Age ranges take durations: 90, 90s, 15m, 2h, 1d, 1w, 1h30m (-C @1h:4h).\n"
    "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for -h and -V).\n";

enum {
	OPT_TIMEOUT_STATE = OPT_WATCH_END,
	OPT_LIST,
	OPT_MAX_OUTPUT,
	OPT_NOW,
};

static const struct option longopts[] = {
    WATCH_LONGOPTS,
    {"timeout", required_argument, NULL, 't'},
    {"timeout-state", required_argument, NULL, OPT_TIMEOUT_STATE},
    {"list", required_argument, NULL, OPT_LIST},
    {"max-output", required_argument, NULL, OPT_MAX_OUTPUT},
    {"now", required_argument, NULL, OPT_NOW},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* Bad input: UNKNOWN with the reason as the only line on stdout (usage.h). */
static _Noreturn void usage_exit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void usage_exit(const char *fmt, ...)
{
	const struct usage u = {stdout, "CCMC_UND UNKNOWN - ", " (see --help)", usage_text};
	va_list ap;

	va_start(ap, fmt);
	usage_report(&u, fmt, ap);
	va_end(ap);
	exit(STATE_UNKNOWN);
}

static int64_t number_arg(const char *opt, const char *s, int64_t min, int64_t max)
{
	char err[160];
	int64_t v;

	if (option_number(opt, s, min, max, &v, err, sizeof(err)) != 0)
		usage_exit("%s", err);
	return v;
}

static enum state state_arg(const char *s)
{
	enum state st;

	if (state_parse(s, &st) != 0)
		usage_exit("bad state '%s': use ok, warning, critical or unknown", s);
	return st;
}

static void parse_args(int argc, char **argv, struct watch_config *c)
{
	static char **args; /* the options read from files live as long as c */
	char err[512];
	int opt;

	if (extra_opts_expand(argc, argv, longopts, PROGNAME, CCMC_EXTRA_OPTS_FILE, &argc, &args,
	                      err, sizeof(err)) != 0)
		usage_exit("%s", err);
	argv = args;
	while ((opt = getopt_long(argc, argv, WATCH_SHORTOPTS "t:vhV", longopts, NULL)) != -1) {
		int taken = watch_option(c, opt, optarg, err, sizeof(err));
		if (taken < 0)
			usage_exit("%s", err);
		if (taken)
			continue;
		switch (opt) {
		case 't': c->timeout = (int)number_arg("-t", optarg, 1, 86400); break;
		case OPT_TIMEOUT_STATE: c->timeout_state = state_arg(optarg); break;
		case OPT_LIST:
			c->list_max = (size_t)number_arg("--list", optarg, 0, SCAN_LIST_MAX);
			break;
		case OPT_MAX_OUTPUT:
			c->max_output =
			    (size_t)number_arg("--max-output", optarg, OUTPUT_MIN, OUTPUT_MAX);
			break;
		case OPT_NOW: c->now = number_arg("--now", optarg, 0, INT64_MAX / 2); break;
		case 'v': c->verbose++; break;
		case 'h':
			printf("%s %s\n\n%s\n%s", PROGNAME, PACKAGE_VERSION, usage_text, help_text);
			exit(STATE_UNKNOWN);
		case 'V': printf("%s %s\n", PROGNAME, PACKAGE_VERSION); exit(STATE_UNKNOWN);
		default: usage_exit("invalid option"); /* getopt named it on stderr */
		}
	}
	if (optind < argc)
		usage_exit("unexpected argument '%s'", argv[optind]);
}

/* Settings that are wrong together, not alone. */
static void check_args(struct watch_config *c)
{
	char err[160];

	if (watch_finish(c, err, sizeof(err)) != 0)
		usage_exit("%s", err);
}

int main(int argc, char **argv)
{
	static struct watch_config cfg;
	static char out[OUTPUT_MAX + 1];
	struct probe p;
	enum state st;

	watch_config_default(&cfg);
	cfg.list_max = 10;
	cfg.max_output = OUTPUT_DEFAULT;
	cfg.now = -1;
	parse_args(argc, argv, &cfg);
	check_args(&cfg);
	if (cfg.now < 0)
		cfg.now = (int64_t)time(NULL);

	struct probe_opts po = watch_probe_opts(&cfg);
	if (probe_run(&cfg.folders, &po, &p) != 0) {
		st = check_report_failure(&cfg, &p, out);
	} else {
		struct folder_state fs[STORE_MAX_FOLDERS];
		st = watch_verdict(&cfg, &p, fs);
		check_report(&cfg, &p, fs, st, out);
	}
	fputs(out, stdout);
	probe_free(&p);
	return (int)st;
}
