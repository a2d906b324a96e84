#include "config.h"

#include "options.h"

#include "output.h"
#include "usage.h"

#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGNAME "ccmc_und_remediate"

static const char usage_text[] =
    "Usage: " PROGNAME " [-f FILE] {-R STORE | -d DIR [-d DIR ...]} -Q DIR\n"
    "       [--quarantine-require-mount]\n"
    "       [-A AUTHFILE] [--smb-protocol MIN[:MAX]] [--use-kerberos]\n"
    "       --stop-cmd CMD --start-cmd CMD --status-cmd CMD [--stop-timeout DUR]\n"
    "       [--start-timeout DUR] [--deadline DUR] [--state-dir DIR] [--max-runs N]\n"
    "       [--window DUR] [--soft-attempt N] [-n] [-v] {STATE STATETYPE ATTEMPT | --force}\n"
    "       | -h | -V\n";

static const char help_text[] =
    "Event handler for check_ccmc_und. On CRITICAL (HARD, or SOFT from attempt\n"
    "--soft-attempt on) it stops the connector, confirms it stopped, moves every\n"
    ".und file in Import and Export into a new folder under the quarantine,\n"
    "starts the connector and confirms it runs. No file is removed before a\n"
    "verified, durable copy exists; a killed run is finished by the next one.\n\n"
    "Options:\n"
    " -f, --config=FILE         read settings from FILE (ccmc_und_remediate.conf(5));\n"
    "                           options given here override it\n"
    " -R, --store=STORE         connector store root (Ccmcdata): Import and Export;\n"
    "                           a path, or smb://HOST[:PORT]/SHARE/PATH (no mount)\n"
    " -d, --dir=DIR             a folder to empty of .und files (repeatable)\n"
    " -Q, --quarantine=DIR      absolute path of the quarantine, on local disk,\n"
    "                           outside the store; ours, writable by no one else\n"
    "     --quarantine-require-mount  the quarantine must be on a mount other\n"
    "                           than / (not an unmounted disk's empty folder)\n"
    " -A, --authentication-file=FILE  user, password and domain for smb://\n"
    "                           (smbclient's format, mode 0600)\n"
    "     --smb-protocol=MIN[:MAX]  SMB dialects to allow: NT1 for NT4 and 2000\n"
    "     --use-kerberos        log on to smb:// with the caller's Kerberos ticket\n"
    "     --stop-cmd=CMD        command that stops the connector\n"
    "     --start-cmd=CMD       command that starts it\n"
    "     --status-cmd=CMD      command that tells whether it runs\n"
    "     --stop-timeout=DUR    time to confirm it stopped (default 10s)\n"
    "     --start-timeout=DUR   time to confirm it runs again (default 10s)\n"
    "     --deadline=DUR        the whole run's budget; moving stops early enough\n"
    "                           to start the connector within it (default 25s)\n"
    "     --state-dir=DIR       lock and journal, on local disk\n"
    "                           (default /var/lib/ccmc-und)\n"
    "     --max-runs=N          at most N remediations ... (default 3)\n"
    "     --window=DUR          ... within this time (default 1h)\n"
    "     --soft-attempt=N      act on a SOFT CRITICAL from attempt N (default 3)\n"
    "     --force               act whatever the state (for a person)\n"
    " -n, --dry-run             print what would be done; touch nothing\n"
    " -v, --verbose             also print the manifest's path and how files moved\n"
    " -h, --help                this help\n"
    " -V, --version             the version\n\n"
    "CMD is split into words at blanks; '...' and \"...\" quote, \\ escapes; no\n"
    "shell is run and the program must be an absolute path.\n"
    "SIGTERM or SIGINT stops the moving before the next file; the connector is\n"
    "still started again.\n"
    "Exit status: 0 done or nothing to do, 1 partly done, 2 usage or config\n"
    "error, 3 failed.\n";

enum { OPT_SETTING = 256 };

/* An option: its long name, getopt's argument rule and short letter (or 0), and whether it
 * sets the setting of the same name; the others are actions of the command line. */
struct handler_option {
	const char *name;
	int has_arg;
	char letter;
	bool setting;
};

/* The SMB options' rows, from their one list (smbopts.h). */
#define SMB_SETTING_ROW(id, name, has_arg, letter) {name, has_arg, letter, true},

static const struct handler_option options[] = {
    {"config", required_argument, 'f', false},
    {"store", required_argument, 'R', true},
    {"dir", required_argument, 'd', true},
    {"quarantine", required_argument, 'Q', true},
    SMB_OPTIONS(SMB_SETTING_ROW){"state-dir", required_argument, 0, true},
    {"stop-cmd", required_argument, 0, true},
    {"start-cmd", required_argument, 0, true},
    {"status-cmd", required_argument, 0, true},
    {"stop-timeout", required_argument, 0, true},
    {"start-timeout", required_argument, 0, true},
    {"deadline", required_argument, 0, true},
    {"max-runs", required_argument, 0, true},
    {"window", required_argument, 0, true},
    {"soft-attempt", required_argument, 0, true},
    {"quarantine-require-mount", no_argument, 0, true},
    {"force", no_argument, 0, false},
    {"dry-run", no_argument, 'n', false},
    {"verbose", no_argument, 'v', false},
    {"help", no_argument, 'h', false},
    {"version", no_argument, 'V', false},
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* getopt's tables, made from the one above: a long option without a letter returns
 * OPT_SETTING + its index. */
static void getopt_tables(struct option *lo, char *so)
{
	size_t k = 0;

	for (size_t i = 0; i < NOPTIONS; i++) {
		int val = options[i].letter ? options[i].letter : OPT_SETTING + (int)i;
		lo[i] = (struct option){options[i].name, options[i].has_arg, NULL, val};
		if (options[i].letter) {
			so[k++] = options[i].letter;
			if (options[i].has_arg == required_argument)
				so[k++] = ':';
		}
	}
	lo[NOPTIONS] = (struct option){NULL, 0, NULL, 0};
	so[k] = '\0';
}

/* The table's entry for what getopt returned, or NULL. */
static const struct handler_option *option_of(int opt)
{
	if (opt >= OPT_SETTING && opt < OPT_SETTING + (int)NOPTIONS)
		return &options[opt - OPT_SETTING];
	for (size_t i = 0; i < NOPTIONS; i++)
		if (options[i].letter && options[i].letter == opt)
			return &options[i];
	return NULL;
}

/* Bad input: the reason on stdout (usage.h); main, which owns the exits, ends with it. */
static int usage_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_status(const char *fmt, ...)
{
	const struct usage u = {stdout, PROGNAME ": ", "", usage_text};
	va_list ap;

	va_start(ap, fmt);
	usage_report(&u, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

/* The config file comes first, so that the command line overrides it. */
static int load_config_option(int argc, char **argv, const struct option *lo, const char *so,
                              struct run *r)
{
	char err[1024];
	int opt;

	optind = 0; /* glibc: start afresh, whatever parsed argv before */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (opt != 'f')
			continue;
		r->config_path = optarg;
		if (config_load(optarg, &r->cfg, err, sizeof(err)) < 0)
			return usage_status("%s", err);
	}
	opterr = 1;
	optind = 0;
	return 0;
}

/* One action of the command line; false once --help or --version has printed. */
static bool action(int opt, struct run *r)
{
	switch (opt) {
	case 'n': r->dry_run = true; return true;
	case 'v': r->verbose = true; return true;
	case 'h': printf("%s\n%s", usage_text, help_text); return false;
	case 'V': printf(PROGNAME " " PACKAGE_VERSION "\n"); return false;
	default: r->force = true; return true; /* --force */
	}
}

/* The trigger and the commands, once every option is in. */
static int check_all(int argc, char **argv, struct run *r)
{
	char err[1024];

	if (argc - optind == 3) {
		if (trigger_parse(argv[optind], argv[optind + 1], argv[optind + 2], &r->trig, err,
		                  sizeof(err)) < 0)
			return usage_status("%s", err);
	} else if (argc - optind != 0 || !r->force) {
		return usage_status("give STATE STATETYPE ATTEMPT, or --force");
	}
	if (settings_unset(&r->cfg)) {
		/* One line, no usage text: Nagios logs it at every state change until it is set up.
		 */
		char safe[PATH_MAX * 4];
		printf(PROGNAME ": not set up: no store, folder or connector command is given "
		                "(see ccmc_und_remediate.conf(5) and %s); nothing touched\n",
		       r->config_path ? name_escape(r->config_path, safe, sizeof(safe))
		                      : "/etc/ccmc-und/remediate.conf");
		return EXIT_USAGE;
	}
	if (settings_check(&r->cfg, err, sizeof(err)) < 0 ||
	    command_split(r->cfg.stop_cmd, &r->conn.stop, err, sizeof(err)) < 0 ||
	    command_split(r->cfg.start_cmd, &r->conn.start, err, sizeof(err)) < 0 ||
	    command_split(r->cfg.status_cmd, &r->conn.status, err, sizeof(err)) < 0)
		return usage_status("%s", err);
	return 0;
}

/* The options over the config file: 0, or the exit code. */
static int apply_all(int argc, char **argv, const struct option *lo, const char *so, struct run *r)
{
	char err[1024];
	int opt;

	while ((opt = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		const struct handler_option *o = option_of(opt);
		if (!o)
			return usage_status("unknown option");
		if (o->setting &&
		    setting_apply(&r->cfg, o->name, optarg, true, err, sizeof(err)) < 0)
			return usage_status("%s", err);
		if (!o->setting && opt != 'f' && !action(opt, r))
			return EXIT_DONE;
	}
	return -1;
}

bool options_parse(int argc, char **argv, struct run *r, int *code)
{
	struct option lo[NOPTIONS + 1];
	char so[2 * NOPTIONS + 1];

	getopt_tables(lo, so);
	if ((*code = load_config_option(argc, argv, lo, so, r)) != 0 ||
	    (*code = apply_all(argc, argv, lo, so, r)) >= 0 ||
	    (*code = check_all(argc, argv, r)) != 0)
		return false;
	/* A start may leave the connector's daemon behind; a stop or status may not. */
	r->conn.start.leaves_children = true;
	r->conn.stop_timeout = r->cfg.stop_timeout;
	r->conn.start_timeout = r->cfg.start_timeout;
	r->conn.end_ms = r->t0 + r->cfg.deadline * 1000;
	return true;
}
