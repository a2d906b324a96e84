#include "config.h"

#include "agentopts.h"

#include "extraopts.h"
#include "number.h"
#include "oidtable.h"
#include "usage.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGNAME "ccmc_und_subagent"
#define DEFAULT_BASE "1.3.6.1.4.1.8072.9999.9999.212788"

static const char usage_text[] =
    "Usage: " PROGNAME " {-R STORE | -d DIR [-d DIR ...]} [-w RANGE] [-c RANGE]\n"
    "       [-W RANGE] [-C RANGE] [--backlog-warning RANGE] [--backlog-critical RANGE]\n"
    "       [--backlog-age-warning RANGE] [--backlog-age-critical RANGE] [--no-backlog]\n"
    "       [--missing STATE] [--fstype TYPE[,TYPE...]] [--require-mount] [-t SECONDS]\n"
    "       [-A AUTHFILE] [--smb-protocol MIN[:MAX]] [--use-kerberos]\n"
    "       [--interval SECONDS] [-x ADDRESS] [--ping-interval SECONDS] [--base-oid OID]\n"
    "       [-f] [-p PIDFILE] [-u USER] [--extra-opts[=[SECTION][@FILE]]]... | -h | -V\n";

static const char help_text[] =
    "Serves CCMC-UND-MIB (experimental, under netSnmpPlaypen.212788) to a net-snmp\n"
    "master agent over AgentX: the .und files and .ccm backlog of the connector\n"
    "for Lotus cc:Mail, judged as check_ccmc_und judges them.\n\n"
    "Options:\n"
    " -R, --store=STORE, -d, --dir=DIR, -w, --warning=RANGE, -c, --critical=RANGE,\n"
    " -W, --age-warning=RANGE, -C, --age-critical=RANGE, --backlog-warning=RANGE,\n"
    " --backlog-critical=RANGE, --backlog-age-warning=RANGE,\n"
    " --backlog-age-critical=RANGE, --no-backlog, --missing=STATE,\n"
    " --fstype=TYPE[,TYPE], --require-mount, -A, --authentication-file=AUTHFILE,\n"
    " --smb-protocol=MIN[:MAX], --use-kerberos\n"
    "                            as for check_ccmc_und\n"
    " -t, --timeout=SECONDS      abandon a scan after this (default 10)\n"
    "     --interval=SECONDS     time between scans (default 30)\n"
    " -x, --agentx=ADDRESS       the master's AgentX socket (path or tcp:HOST:PORT)\n"
    "     --ping-interval=SECONDS  ping the master; reconnect within this (default 15)\n"
    "     --base-oid=OID         mount the tree here instead\n"
    " -f, --foreground           stay in the foreground and log to stderr\n"
    "     --check-config         check the options and files, and exit: 0 when they\n"
    "                            name folders, 1 when none (systemd's ExecCondition\n"
    "                            then skips the unit), 255 for any other fault\n"
    " -p, --pidfile=FILE         pid file, locked: one instance per file\n"
    " -u, --user=USER            run as USER after start-up\n"
    "     --extra-opts[=[SECTION][@FILE]]\n"
    "                            read long options from an ini file section (default\n"
    "                            section " PROGNAME ", default file\n"
    "                            " CCMC_EXTRA_OPTS_FILE ");\n"
    "                            the command line wins\n"
    " -h, --help                 this help\n"
    " -V, --version              the version\n\n"
    "SIGHUP reads the options and their --extra-opts files again.\n"
    "Exit status: 0 stopped by SIGTERM (or -h, -V), 1 could not start or the master\n"
    "refused the registration, 2 usage error.\n";

enum {
	OPT_INTERVAL = OPT_WATCH_END,
	OPT_PING,
	OPT_BASE,
	OPT_CHECK,
};

static const struct option longopts[] = {
    WATCH_LONGOPTS,
    {"timeout", required_argument, NULL, 't'},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"agentx", required_argument, NULL, 'x'},
    {"ping-interval", required_argument, NULL, OPT_PING},
    {"base-oid", required_argument, NULL, OPT_BASE},
    {"check-config", no_argument, NULL, OPT_CHECK},
    {"foreground", no_argument, NULL, 'f'},
    {"pidfile", required_argument, NULL, 'p'},
    {"user", required_argument, NULL, 'u'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* Bad input: the reason on stderr (usage.h), and 2, which the unit does not restart. */
static _Noreturn void usage_exit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void usage_exit(const char *fmt, ...)
{
	const struct usage u = {stderr, PROGNAME ": ", "", usage_text};
	va_list ap;

	va_start(ap, fmt);
	usage_report(&u, fmt, ap);
	va_end(ap);
	exit(2);
}

static bool number_arg(const char *name, const char *s, int min, int max, int *v, char *err,
                       size_t errlen)
{
	int64_t n;

	if (option_number(name, s, min, max, &n, err, errlen) != 0)
		return false;
	*v = (int)n;
	return true;
}

void agentopts_default(struct agent_opts *o)
{
	memset(o, 0, sizeof(*o));
	watch_config_default(&o->cfg);
	o->interval = 30;
	o->ping = 15;
	o->base_len = oid_parse(DEFAULT_BASE, o->base, OIDTABLE_OID_MAX);
	o->cfg.list_max = 1; /* no file list is served, only the oldest and newest */
}

/* One option that is not a shared one; false with the reason in err. */
static bool own_option(struct agent_opts *o, int c, const char *arg, char *err, size_t errlen)
{
	switch (c) {
	case 't': return number_arg("-t", arg, 1, 3600, &o->cfg.timeout, err, errlen);
	case OPT_INTERVAL:
		return number_arg("--interval", arg, 1, 86400, &o->interval, err, errlen);
	case 'x': o->agentx = arg; return true;
	case OPT_PING: return number_arg("--ping-interval", arg, 1, 3600, &o->ping, err, errlen);
	case OPT_BASE:
		o->base_len = oid_parse(arg, o->base, OIDTABLE_OID_MAX - 6);
		if (o->base_len >= 2)
			return true;
		snprintf(err, errlen, "--base-oid '%s': expected a numeric OID", arg);
		return false;
	case 'f': o->foreground = true; return true;
	case OPT_CHECK: o->check = true; return true;
	case 'p': o->pidfile = arg; return true;
	case 'u': o->user = arg; return true;
	/* Noted, not obeyed here: a reload parses again and must never end the daemon. */
	case 'h': o->show = 'h'; return true;
	case 'V': o->show = 'V'; return true;
	default: snprintf(err, errlen, "invalid option"); return false;
	}
}

/* Whether the command line asks --check-config, read before a parse that may fail early. */
static bool asks_check(int argc, char **argv)
{
	/* getopt takes an abbreviation ("--check-c") as the whole name. */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strlen(argv[i]) >= 4 &&
		    strncmp(argv[i], "--check-config", strlen(argv[i])) == 0)
			return true;
	return false;
}

/*
 * Parses the command line, with its --extra-opts files, into o. Returns 0,
 * or -1 with the reason in err: at start-up that is a usage error, on a
 * reload the old settings stay.
 */
int agentopts_parse(int argc, char **argv, struct agent_opts *o, char *err, size_t errlen)
{
	static const char shortopts[] = WATCH_SHORTOPTS "t:x:fp:u:hV";
	const bool asked = asks_check(argc, argv);
	int c, rc;

	if (extra_opts_expand(argc, argv, longopts, PROGNAME, CCMC_EXTRA_OPTS_FILE, &argc, &o->args,
	                      err, errlen) != 0)
		return -1;
	optind = 0; /* glibc: start afresh, also on a reload */
	while ((c = getopt_long(argc, o->args, shortopts, longopts, NULL)) != -1) {
		int taken = watch_option(&o->cfg, c, optarg, err, errlen);
		if (taken < 0 || (!taken && !own_option(o, c, optarg, err, errlen)))
			return -1;
	}
	if (o->show)
		return 0; /* help or version: the rest need not make sense */
	if (o->check && !asked)
		snprintf(err, errlen, "'check-config' is not a setting: a file cannot ask for it");
	else if (optind < argc)
		snprintf(err, errlen, "unexpected argument '%s'", o->args[optind]);
	else if (o->cfg.timeout >= o->interval)
		snprintf(err, errlen, "the scan time-out (-t) must be shorter than --interval");
	else if ((rc = watch_finish(&o->cfg, err, errlen)) == 0)
		return 0;
	else if (rc == WATCH_NO_FOLDERS && o->check)
		return 0; /* nothing named, and nothing else wrong: main says so */
	return -1;
}

/* --check-config: 0 with folders to watch, 1 with none (the unit waits for a store). */
static int check_config_verdict(const struct agent_opts *o)
{
	if (o->cfg.folders.n > 0)
		return 0;
	fprintf(stderr, PROGNAME ": no store or folder is named: nothing to watch until one is "
	                         "(the unit is skipped, not failed)\n");
	return 1;
}

bool agentopts_start(int argc, char **argv, struct agent_opts *o, int *code)
{
	char err[512];

	agentopts_default(o);
	if (agentopts_parse(argc, argv, o, err, sizeof(err)) != 0) {
		if (asks_check(argc, argv)) {
			fprintf(stderr, PROGNAME ": %s\n", err);
			*code = 255;
			return false;
		}
		usage_exit("%s", err);
	}
	if (o->check && !o->show) {
		*code = check_config_verdict(o);
		return false;
	}
	if (o->show == 'h')
		printf("%s\n%s", usage_text, help_text);
	else if (o->show == 'V')
		printf(PROGNAME " " PACKAGE_VERSION "\n");
	*code = 0;
	return !o->show;
}
