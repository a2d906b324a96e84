/*
 * ccmc_und_remediate: the event handler that carries out the fix of article
 * Q212788 when the check goes CRITICAL: stop the connector, move the .und
 * files out of Import and Export into a quarantine, start the connector.
 * A kill at any instruction loses no file; the next run finishes the work.
 */
/* Kept past 600 lines by its option table and help text; the steps are in their own files. */
#include "config.h"

#include "command.h"
#include "clock.h"
#include "connector.h"
#include "duration.h"
#include "journal.h"
#include "move.h"
#include "places.h"
#include "recover.h"
#include "output.h"
#include "probe.h"
#include "settings.h"
#include "smburl.h"
#include "store.h"
#include "summary.h"
#include "trigger.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define PROGNAME "ccmc_und_remediate"

/* How long the store may take to be looked at before the connector is stopped. */
#define STORE_TIMEOUT_MS 5000

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

enum {
	OPT_STATE_DIR = 256,
	OPT_STOP_CMD,
	OPT_START_CMD,
	OPT_STATUS_CMD,
	OPT_STOP_TIMEOUT,
	OPT_START_TIMEOUT,
	OPT_DEADLINE,
	OPT_MAX_RUNS,
	OPT_WINDOW,
	OPT_SOFT_ATTEMPT,
	OPT_SMB_PROTOCOL,
	OPT_QUARANTINE_REQUIRE_MOUNT,
	OPT_USE_KERBEROS,
	OPT_FORCE,
};

static const struct option long_opts[] = {
    {"config", required_argument, NULL, 'f'},
    {"store", required_argument, NULL, 'R'},
    {"dir", required_argument, NULL, 'd'},
    {"quarantine", required_argument, NULL, 'Q'},
    {"state-dir", required_argument, NULL, OPT_STATE_DIR},
    {"stop-cmd", required_argument, NULL, OPT_STOP_CMD},
    {"start-cmd", required_argument, NULL, OPT_START_CMD},
    {"status-cmd", required_argument, NULL, OPT_STATUS_CMD},
    {"stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT},
    {"start-timeout", required_argument, NULL, OPT_START_TIMEOUT},
    {"deadline", required_argument, NULL, OPT_DEADLINE},
    {"max-runs", required_argument, NULL, OPT_MAX_RUNS},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"soft-attempt", required_argument, NULL, OPT_SOFT_ATTEMPT},
    {"smb-protocol", required_argument, NULL, OPT_SMB_PROTOCOL},
    {"use-kerberos", no_argument, NULL, OPT_USE_KERBEROS},
    {"quarantine-require-mount", no_argument, NULL, OPT_QUARANTINE_REQUIRE_MOUNT},
    {"authentication-file", required_argument, NULL, 'A'},
    {"force", no_argument, NULL, OPT_FORCE},
    {"dry-run", no_argument, NULL, 'n'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};
static const char short_opts[] = "f:R:d:Q:A:nvhV";

/* Global so that the strings they own stay reachable to the end. */
static struct settings cfg;
static struct {
	bool force, dry_run, verbose;
	struct trigger trig;
	struct connector conn;
	struct places pl;
	struct journal journal;
	char recovered[512]; /* what finishing an interrupted run did, for the summary */
	bool restarted[JOURNAL_UNFINISHED_MAX]; /* their connectors this run started */
	int64_t t0;                             /* monotonic start */
} run;

/* Nothing inherited reaches the commands this runs, nor our own files. */
static void sanitize_process(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(EXIT_FAILED);
	close_range(3, ~0U, 0);
	/* An ignored SIGCHLD, inherited, would make every wait for a child fail. */
	signal(SIGCHLD, SIG_DFL);
	/* Kept for smb://: the caller's Kerberos ticket cache, and an uninstalled build's SMB
	 * helper (smb_helper_path() trusts it only when no one else could have swapped it). */
	char *keep[] = {"KRB5CCNAME", "CCMC_UND_SMB_HELPER"}, *val[2];
	for (size_t i = 0; i < 2; i++)
		val[i] = getenv(keep[i]) ? strdup(getenv(keep[i])) : NULL;
	clearenv();
	for (size_t i = 0; i < 2; i++)
		if (val[i])
			setenv(keep[i], val[i], 1), free(val[i]);
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("LC_ALL", "C", 1);
	umask(077);
}

/* Set by SIGTERM and SIGINT; the mover reads it before each file. */
static volatile sig_atomic_t stop_asked;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_asked = 1;
}

/*
 * SIGTERM and SIGINT stop the moving before the next file, as the deadline
 * does, and the run goes on to start the connector: Icinga 2 sends SIGTERM
 * before its SIGKILL. Commands get the default actions back at execve().
 */
static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/*
 * The reason goes to stdout, escaped, on one line; the usage text, which
 * holds '|', to stderr, where Nagios never reads perfdata.
 */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	char msg[2048], safe[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf(PROGNAME ": %s\n", name_escape(msg, safe, sizeof(safe)));
	fflush(stdout);
	fprintf(stderr, "%s", usage_text);
	return EXIT_USAGE;
}

/* The setting an option sets, by its long name. */
static const char *option_key(int opt, int idx)
{
	switch (opt) {
	case 'R': return "store";
	case 'd': return "dir";
	case 'Q': return "quarantine";
	case 'A': return "authentication-file";
	default:
		return idx >= 0 && opt >= OPT_STATE_DIR && opt <= OPT_USE_KERBEROS
		           ? long_opts[idx].name
		           : NULL;
	}
}

/* The config file comes first, so that the command line overrides it. */
static int load_config_option(int argc, char **argv)
{
	char err[1024];
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1)
		if (opt == 'f' && config_load(optarg, &cfg, err, sizeof(err)) < 0)
			return usage_error("%s", err);
	opterr = 1;
	optind = 0;
	return 0;
}

static int parse_args(int argc, char **argv)
{
	char err[1024];
	int opt, idx, rc = load_config_option(argc, argv);

	while (rc == 0 &&
	       (idx = -1, opt = getopt_long(argc, argv, short_opts, long_opts, &idx)) != -1) {
		const char *key = option_key(opt, idx);
		if (key) {
			if (setting_apply(&cfg, key, optarg, true, err, sizeof(err)) < 0)
				return usage_error("%s", err);
			continue;
		}
		switch (opt) {
		case 'f': break;
		case OPT_FORCE: run.force = true; break;
		case 'n': run.dry_run = true; break;
		case 'v': run.verbose = true; break;
		case 'h': printf("%s\n%s", usage_text, help_text); exit(EXIT_DONE);
		case 'V': printf(PROGNAME " " PACKAGE_VERSION "\n"); exit(EXIT_DONE);
		default: return usage_error("unknown option");
		}
	}
	if (rc)
		return rc;
	if (argc - optind == 3) {
		if (trigger_parse(argv[optind], argv[optind + 1], argv[optind + 2], &run.trig, err,
		                  sizeof(err)) < 0)
			return usage_error("%s", err);
	} else if (argc - optind != 0 || !run.force) {
		return usage_error("give STATE STATETYPE ATTEMPT, or --force");
	}
	if (settings_unset(&cfg)) {
		/* One line, no usage text: Nagios logs it at every state change until it is set up. */
		printf(PROGNAME ": not set up: no store, folder or connector command is given "
		       "(see ccmc_und_remediate.conf(5) and /etc/ccmc-und/remediate.conf); nothing "
		       "touched\n");
		return EXIT_USAGE;
	}
	if (settings_check(&cfg, err, sizeof(err)) < 0 ||
	    command_split(cfg.stop_cmd, &run.conn.stop, err, sizeof(err)) < 0 ||
	    command_split(cfg.start_cmd, &run.conn.start, err, sizeof(err)) < 0 ||
	    command_split(cfg.status_cmd, &run.conn.status, err, sizeof(err)) < 0)
		return usage_error("%s", err);
	/* A start may leave the connector's daemon behind; a stop or status may not. */
	run.conn.start.leaves_children = true;
	run.conn.stop_timeout = cfg.stop_timeout;
	run.conn.start_timeout = cfg.start_timeout;
	run.conn.end_ms = run.t0 + cfg.deadline * 1000;
	return 0;
}

/* A folder as people read it: "Import", or its whole path when two share that name. */
static const char *src_label(const struct move_src *s)
{
	for (size_t i = 0; i < run.pl.nsrc; i++)
		if (&run.pl.src[i] != s && strcmp(run.pl.src[i].name, s->name) == 0)
			return s->path;
	return s->name;
}

/* "Import 2, Export 1" */
static const char *per_folder(const struct move_stats *st, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < run.pl.nsrc && o < len; i++)
		if (st->moved_in[i]) {
			int n = snprintf(buf + o, len - o, "%s%s %lld", o ? ", " : "",
			                 src_label(&run.pl.src[i]), (long long)st->moved_in[i]);
			o += n > 0 ? (size_t)n : 0;
		}
	return buf;
}

static void new_run_id(char id[RUN_ID_LEN + 1])
{
	unsigned char b[RUN_ID_LEN / 2];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		unsigned v = (unsigned)getpid() ^ (unsigned)mono_ms();
		memcpy(b, &v, sizeof(b));
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
}

/* When moving stops: early enough to start the connector within --deadline. */
static int64_t run_deadline_ms(void)
{
	return run.t0 + (cfg.deadline - cfg.start_timeout) * 1000;
}

/*
 * Starts the connector that an unfinished run stopped, before anything else:
 * its file work, and this run's, may wait on a slow or missing server, and
 * the connector must not wait with them. Only a status that says "running"
 * in words skips the start (starting a running service is harmless), and it
 * is asked even when that run saw the connector start: a command it could
 * not kill may have stopped it since. Returns 0, or -1 with why.
 */
static int restart_killed(int64_t now, char *why, size_t len)
{
	bool stopped_one = false;

	for (size_t i = 0; i < run.journal.nunfinished; i++)
		stopped_one |= run.journal.unfinished[i].stopped;
	if (!stopped_one || connector_said_running(&run.conn))
		return 0;
	connector_settle(&run.conn);
	if (connector_start(&run.conn, why, len) < 0)
		return -1;
	for (size_t i = 0; i < run.journal.nunfinished; i++) {
		const struct run_record *r = &run.journal.unfinished[i];
		if (!r->stopped)
			continue;
		run.restarted[i] = true;
		if (!r->started)
			journal_append(&run.journal, now, r->id, "start", NULL);
	}
	return 0;
}

/*
 * Finishes runs the journal shows unfinished (killed): completes or rolls
 * back their file work and starts a connector they stopped. Returns 0, or
 * -1 with why when the connector could not be started.
 */
/*
 * How long recovery may work: a run that may act keeps half the time its
 * stop and start leave for its own files (an unfinished run's huge file
 * must not starve every later run); one that may not act has it all.
 */
static int64_t recovery_end_ms(bool act)
{
	int64_t spare = (cfg.deadline - cfg.stop_timeout - cfg.start_timeout) * 1000;

	return act ? run.t0 + spare / 2 : run.conn.end_ms - COMMAND_KILL_WAIT_MS;
}

/* Returns how many of the unfinished runs are still unfinished. */
static size_t recover(int64_t now, bool act)
{
	size_t o = 0, left = 0;

	for (size_t i = 0; i < run.journal.nunfinished; i++) {
		const struct run_record *r = &run.journal.unfinished[i];
		struct mover m = {.run_id = r->id,
		                  .now = now,
		                  .runfd = -1,
		                  .manifest_fd = -1,
		                  .fetched_fd = -1,
		                  .deadline_ms = run_deadline_ms(),
		                  .end_ms = recovery_end_ms(act)};
		bool started = run.restarted[i];
		int rec_err = 0, reopen = r->path[0] ? mover_reopen(&m, r->path) : ENOENT;
		if (reopen == 0)
			rec_err = move_recover(&m, run.pl.src, run.pl.nsrc);
		/* A run that stopped the connector made its run folder first: one that cannot be
		 * opened now is out of reach (a quarantine disk not mounted), not empty. */
		else if (reopen != ENOENT || r->stopped)
			rec_err = reopen;
		mover_end(&m);
		/* Lines recovery could not write, copies from a share whose original the server
		 * did not answer for, and work cut by the time keep the run unfinished. */
		bool done = rec_err == 0 && m.st.unrecorded == 0 && m.st.unsettled == 0 &&
		            !m.st.deadline_hit;
		if (done)
			journal_append(&run.journal, now, r->id, "end", "recovered");
		left += !done;
		int n =
		    snprintf(run.recovered + o, sizeof(run.recovered) - o,
		             "; %s interrupted run %s (%s%lld unfinished cop%s removed, "
		             "the source%s still in place; %lld manifest line%s restored)",
		             done ? "finished" : "could not yet finish", r->id,
		             started ? "connector started, " : "", (long long)m.st.rolled_back,
		             m.st.rolled_back == 1 ? "y" : "ies", m.st.rolled_back == 1 ? "" : "s",
		             (long long)m.st.recovered, m.st.recovered == 1 ? "" : "s");
		o += n > 0 && (size_t)n < sizeof(run.recovered) - o ? (size_t)n : 0;
		if (reopen && rec_err) {
			n = snprintf(
			    run.recovered + o, sizeof(run.recovered) - o,
			    "; its run folder %.300s cannot be opened (%s): is the quarantine's "
			    "disk mounted?",
			    r->path, strerror(reopen));
			o += n > 0 && (size_t)n < sizeof(run.recovered) - o ? (size_t)n : 0;
		}
		syslog(LOG_WARNING, "%s interrupted run %s",
		       done ? "finished" : "could not yet finish", r->id);
	}
	return left;
}

static int dry_run(bool act, const char *why)
{
	char err[PATH_MAX + 256], cmd[COMMAND_LEN_MAX * 2];
	struct mover m = {.now = time(NULL), .run_id = "XXXXXXXX"};
	int64_t bytes, total;

	if (!act)
		return finish(EXIT_DONE, "DRY RUN: nothing to do: %s", why);
	int rc = places_open_sources(&run.pl, &cfg, err, sizeof(err));
	if (rc < 0 || (total = places_list(&run.pl, &cfg, true, &bytes, err, sizeof(err))) < 0)
		return finish(rc == -2 ? EXIT_USAGE : EXIT_FAILED, "DRY RUN: would fail: %s", err);
	if (total == 0)
		return finish(EXIT_DONE, "DRY RUN: nothing to do: no .und files");
	mover_init(&m, cfg.quarantine);
	detail("would run: %s", show_command(&run.conn.stop, cmd, sizeof(cmd)));
	detail("would poll until stopped (%llds): %s", (long long)cfg.stop_timeout,
	       show_command(&run.conn.status, cmd, sizeof(cmd)));
	for (size_t i = 0; i < run.pl.nsrc; i++)
		for (size_t k = 0; k < run.pl.list[i].n; k++)
			detail("would move %s/%s (%lld bytes) to %s%s/", run.pl.src[i].path,
			       run.pl.list[i].name[k], (long long)run.pl.list[i].size[k],
			       m.run_path, run.pl.src[i].path);
	detail("would run: %s", show_command(&run.conn.start, cmd, sizeof(cmd)));
	detail("would poll until running (%llds): %s", (long long)cfg.start_timeout,
	       show_command(&run.conn.status, cmd, sizeof(cmd)));
	return finish(EXIT_DONE,
	              "DRY RUN: would move %lld .und file%s (%lld bytes) to %s; nothing touched",
	              (long long)total, total == 1 ? "" : "s", (long long)bytes, m.run_path);
}

/* Lists the files left in place, for the lines after the summary. */
static void report_errors(const struct move_stats *st)
{
	int64_t listed_left = 0;

	for (size_t i = 0; i < st->nerrors; i++) {
		const struct move_error *e = &st->errors[i];
		const char *what = e->unsettled ? "copied, its removal on the server not confirmed "
		                                  "(the next run settles it)"
		                   : e->quarantined
		                       ? "quarantined without a manifest line (the next "
		                         "run writes it)"
		                       : "left in place";
		char path[PATH_MAX + NAME_MAX + 2], safe[sizeof(path) * 4];
		snprintf(path, sizeof(path), "%s/%s", e->src->path, e->name);
		listed_left += !e->quarantined && !e->unsettled;
		detail("%s: %s (%s%s%s)", what, path, e->op, e->err ? ": " : "",
		       e->err ? strerror(e->err) : "");
		syslog(LOG_WARNING, "%s: %s (%s%s%s)", what, name_escape(path, safe, sizeof(safe)),
		       e->op, e->err ? ": " : "", e->err ? strerror(e->err) : "");
	}
	if (st->left > listed_left)
		detail("and %lld more left in place", (long long)(st->left - listed_left));
}

/* Moves the files, with the connector confirmed stopped. */
static void move_all(struct mover *m)
{
	for (size_t i = 0; i < run.pl.nsrc; i++)
		m->files_total += run.pl.list[i].n;
	for (size_t i = 0; i < run.pl.nsrc; i++)
		if (move_folder(m, i, &run.pl.src[i], &run.pl.list[i]) < 0)
			break;
}

/*
 * With the connector running again: the hashes and manifest lines of the
 * renamed files, then the run's end. A connector that did not start leaves
 * the run unfinished, so that the next run starts it.
 */
static bool finish_moves(struct mover *m, const char *id, int64_t now, bool we_stop, bool running,
                         char *connector, size_t len)
{
	char why[1024];

	mover_end(m);
	/* A late stop (a wrapper's, a person's) after our start: started again, or the run stays
	 * open so that the next run starts it. A connector found stopped is left as it was. */
	if (we_stop && running && connector_confirm(&run.conn, why, sizeof(why)) < 0) {
		snprintf(connector, len,
		         "connector stopped again after its start, and did not "
		         "start: %s",
		         why);
		running = false;
	}
	/* Lines not written, deletes not confirmed, and a command that could not be killed keep
	 * the run unfinished: the next run's recovery finishes them, and checks the connector. */
	if (running && !run.conn.stray && m->st.unrecorded == 0 && m->st.unsettled == 0)
		journal_append(&run.journal, now, id, "end", "done");
	if (run.verbose)
		detail("manifest: %s/manifest.tsv; %lld renamed, %lld copied and verified, %lld "
		       "bytes",
		       m->run_path, (long long)m->st.renamed, (long long)m->st.copied,
		       (long long)m->st.bytes);
	return running;
}

/* connector says how the connector ended; running says whether that is as it should be. */
static int report_moves(const struct mover *m, int64_t total, bool running, const char *connector)
{
	const struct move_stats *st = &m->st;
	char folders[512], tail[1024] = "", abort_part[1200] = "";
	int64_t not_reached = total - st->moved - st->left - st->vanished;
	int code = EXIT_DONE;

	report_errors(st);
	if (st->abort_err) {
		snprintf(abort_part, sizeof(abort_part),
		         "; quarantine %s failed: %s, every file not yet moved left in place",
		         st->abort_op, strerror(st->abort_err));
		code = st->moved ? EXIT_PARTIAL : EXIT_FAILED;
	} else if (st->server_failed[0]) {
		snprintf(abort_part, sizeof(abort_part),
		         "; %.900s, every file not yet moved left in place", st->server_failed);
		code = st->moved ? EXIT_PARTIAL : EXIT_FAILED;
	}
	if (st->left || not_reached || st->unrecorded || st->unsettled)
		code = code == EXIT_DONE ? EXIT_PARTIAL : code;
	if (st->deadline_hit && not_reached > 0)
		snprintf(tail, sizeof(tail), "; %s, %lld left for the next run",
		         st->interrupted ? "stopped by SIGTERM or SIGINT" : "deadline reached",
		         (long long)not_reached);
	if (st->left)
		snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail), "; %lld left in place",
		         (long long)st->left);
	if (st->unrecorded)
		snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail),
		         "; %lld quarantined without a manifest line, which the next run writes",
		         (long long)st->unrecorded);
	if (st->unsettled)
		snprintf(
		    tail + strlen(tail), sizeof(tail) - strlen(tail),
		    "; %lld copied whose removal on the server is not confirmed, which the next "
		    "run settles",
		    (long long)st->unsettled);
	if (st->written)
		snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail),
		         "; %lld written to while being moved: is the connector really stopped?",
		         (long long)st->written);
	/* A file removed by someone else mid-run needs no copy: nothing is left behind. */
	if (st->vanished)
		snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail),
		         "; %lld vanished before %s could be moved", (long long)st->vanished,
		         st->vanished == 1 ? "it" : "they");
	if (!running)
		code = EXIT_FAILED;
	char count[64], where[sizeof(folders) + 4] = "";
	int64_t due = total - st->vanished;
	if (st->moved == due)
		snprintf(count, sizeof(count), "%lld", (long long)due);
	else
		snprintf(count, sizeof(count), "%lld of %lld", (long long)st->moved,
		         (long long)due);
	if (per_folder(st, folders, sizeof(folders))[0])
		snprintf(where, sizeof(where), " (%s)", folders);
	return finish(code, "%s: moved %s .und file%s%s to %s%s%s; %s%s",
	              code == EXIT_DONE      ? "REMEDIATED"
	              : code == EXIT_PARTIAL ? "PARTIAL"
	                                     : "FAILED",
	              count, due == 1 ? "" : "s", where, m->run_path, abort_part, tail, connector,
	              run.recovered);
}

/*
 * Whatever can be checked before the connector is stopped is checked then:
 * each command's program, and that the quarantine can be written.
 */
static int before_stop_checks(char *err, size_t errlen)
{
	if (connector_check(&run.conn, err, errlen) < 0)
		return -1;
	if (faccessat(run.pl.qfd, ".", W_OK | X_OK, AT_EACCESS) < 0) {
		snprintf(err, errlen, "quarantine %s cannot be written: %s", cfg.quarantine,
		         strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Stops the connector, journalled first so that a kill is followed by a
 * start. Returns 0 when it stopped; otherwise reports (starting it again)
 * and returns the exit code.
 */
static int stop_or_report(struct mover *m, const char *id, int64_t now)
{
	char why[1024], start_why[1024];

	if (journal_append(&run.journal, now, id, "stop", NULL) != 0)
		return finish(EXIT_FAILED, "FAILED: cannot write the journal; nothing touched");
	if (connector_stop(&run.conn, why, sizeof(why)) == 0)
		return 0;
	/* Windows refuses to start a service still stop pending: the start waits for it. */
	connector_settle(&run.conn);
	if (connector_start(&run.conn, start_why, sizeof(start_why)) < 0)
		return finish(
		    EXIT_FAILED,
		    "FAILED: connector %s; no file touched; connector did not start: %s%s", why,
		    start_why, run.recovered);
	journal_append(&run.journal, now, id, "start", NULL);
	/* A command left running may still stop it: the next run checks the connector, and
	 * finds the run folder (empty) that says the run was not lost. */
	if (!run.conn.stray) {
		journal_append(&run.journal, now, id, "end", "not stopped");
		mover_discard(m, run.pl.qfd);
	} else {
		mover_end(m);
	}
	return finish(EXIT_FAILED,
	              "FAILED: connector %s; no file touched; connector started again%s%s", why,
	              run.conn.stray ? " (the next run checks it again)" : "", run.recovered);
}

/*
 * Starts the connector again when we stopped it. Writes how the connector
 * ended into connector; false when it did not start.
 */
static bool restart(const char *id, int64_t now, bool we_stop, int64_t t_stop, char *connector,
                    size_t len)
{
	char why[1024];

	if (!we_stop) {
		snprintf(connector, len, "connector was stopped before and is left stopped");
	} else if (connector_start(&run.conn, why, sizeof(why)) < 0) {
		snprintf(connector, len, "connector did not start: %s", why);
		return false;
	} else {
		journal_append(&run.journal, now, id, "start", NULL);
		snprintf(connector, len, "connector restarted in %llds",
		         (long long)((mono_ms() - t_stop + 999) / 1000));
	}
	return true;
}

/* Progress on a terminal, for a person running --force: files, MiB and rate, five times a second.
 */
static void show_progress(const struct move_stats *st, bool last, void *ctx)
{
	static int64_t t0, shown;
	int64_t t = mono_ms();

	(void)ctx;
	if (!t0)
		t0 = t;
	if (!last && t - shown < 200)
		return;
	shown = t;
	double mib = (double)st->bytes / (1024.0 * 1024.0);
	double secs = (double)(t - t0) / 1000.0;
	printf("\r%lld/%lld files, %.1f MiB, %.1f MiB/s%s", (long long)st->moved,
	       (long long)st->found, mib, secs > 0 ? mib / secs : 0.0, last ? "\n" : "");
	fflush(stdout);
}

/* Stops, moves, starts. Everything before the stop is checked first. */
static int act_on_files(int64_t total, int64_t now)
{
	struct mover m = {.now = now};
	char id[RUN_ID_LEN + 1], connector[1200], why[1024];
	enum svc_state state;
	int64_t t_stop;
	int rc;

	if (connector_now(&run.conn, &state, why, sizeof(why)) < 0)
		return finish(EXIT_FAILED, "FAILED: %s; nothing touched%s", why, run.recovered);
	if (run.conn.unworded) {
		detail(
		    "the status command's answer holds no state word the handler knows; its exit "
		    "code was read as %s (see status-cmd in ccmc_und_remediate(1))",
		    svc_state_name(state));
		syslog(LOG_WARNING,
		       "the status command's answer holds no state word; exit code "
		       "read as %s",
		       svc_state_name(state));
	}
	bool we_stop = state != SVC_STOPPED;
	if (stop_asked)
		return finish(EXIT_FAILED, "FAILED: SIGTERM or SIGINT before the connector was "
		                           "stopped; nothing touched");
	new_run_id(id);
	m.run_id = id;
	m.stop_asked = &stop_asked;
	if (run.force && isatty(STDOUT_FILENO))
		m.on_progress = show_progress;
	m.deadline_ms = run_deadline_ms();
	/* Looking at a slow store may have used the time the stop and the moving need. */
	if (mono_ms() + cfg.stop_timeout * 1000 >= m.deadline_ms)
		return finish(EXIT_FAILED,
		              "FAILED: %llds of the %llds deadline are gone, too few to stop the "
		              "connector and move files; nothing touched%s",
		              (long long)((mono_ms() - run.t0) / 1000), (long long)cfg.deadline,
		              run.recovered);
	/* The hashes go on after the start, up to the run's end, less a status's confirmation. */
	m.end_ms = run.conn.end_ms - 1000;
	mover_init(&m, run.pl.qpath);
	if (journal_append(&run.journal, now, id, "begin", m.run_path) != 0)
		return finish(EXIT_FAILED,
		              "FAILED: cannot write the journal in %s; nothing touched",
		              cfg.state_dir);
	/* Made before the stop, so that a run the journal shows stopping always has one. */
	rc = mover_begin(&m, run.pl.qfd);
	if (rc != 0) {
		journal_append(&run.journal, now, id, "end", "no run folder");
		return finish(EXIT_FAILED,
		              "FAILED: cannot make the run folder %s: %s; nothing touched%s",
		              m.run_path, strerror(rc), run.recovered);
	}
	places_open_lanes(&run.pl, &cfg);
	t_stop = mono_ms();
	if (we_stop && (rc = stop_or_report(&m, id, now)) != 0)
		return rc;
	move_all(&m);
	places_close_shares(&run.pl);
	bool running = restart(id, now, we_stop, t_stop, connector, sizeof(connector));
	running = finish_moves(&m, id, now, we_stop, running, connector, sizeof(connector));
	return report_moves(&m, total, running, connector);
}

/*
 * Looks at the folders in a child process first: a stat() on a hung share
 * blocks in the kernel, and the handler must not stop the connector and
 * then hang mid-move. Returns 0, or -1 with why.
 */
static int store_answers(int64_t now, char *err, size_t errlen)
{
	/* smb:// folders need no child: every wait for their servers has a time-out. */
	static struct folder_list local;
	/* No longer than the deadline leaves once the stop and start have their time-outs. */
	int64_t spare = (cfg.deadline - cfg.stop_timeout - cfg.start_timeout) * 1000;
	int wait_ms = spare < STORE_TIMEOUT_MS ? (int)spare : STORE_TIMEOUT_MS;
	struct probe_opts o = {.now = now, .list_max = 1, .timeout_ms = wait_ms};
	struct probe p;

	local.n = 0;
	for (size_t i = 0; i < cfg.folders.n; i++)
		if (!smburl_is(cfg.folders.f[i].path))
			local.f[local.n++] = cfg.folders.f[i];
	if (local.n == 0)
		return 0;
	int rc = probe_run(&local, &o, &p);
	if (rc != 0 && p.timed_out) {
		char hung[PATH_MAX + NAME_MAX + 64];
		char secs[32];
		snprintf(secs, sizeof(secs), wait_ms % 1000 ? "%.1fs" : "%.0fs", wait_ms / 1000.0);
		snprintf(err, errlen, "the store did not answer within %s (%s; hung share?)", secs,
		         probe_hung_text(&local, &p, hung, sizeof(hung)));
	} else if (rc != 0)
		snprintf(err, errlen, "%s", p.failure);
	probe_free(&p);
	return rc;
}

static int remediate(bool act, const char *why)
{
	char err[PATH_MAX + 256];
	int64_t now = time(NULL), bytes, total;

	if (act && store_answers(now, err, sizeof(err)) < 0)
		return finish(EXIT_FAILED, "FAILED: %s; nothing touched", err);
	int rc = journal_open(cfg.state_dir, now, &run.journal, err, sizeof(err));
	if (rc == EWOULDBLOCK)
		return finish(EXIT_DONE, "NOTHING TO DO: another run is in progress (lock %s/lock)",
		              cfg.state_dir);
	if (rc)
		return finish(EXIT_FAILED, "FAILED: %s; nothing touched", err);
	if (run.journal.future)
		syslog(LOG_WARNING,
		       "%zu run%s in %s/journal.tsv began after now: the clock was set back; "
		       "counted as now for --max-runs",
		       run.journal.future, run.journal.future == 1 ? "" : "s", cfg.state_dir);
	if (restart_killed(now, err, sizeof(err)) < 0)
		return finish(EXIT_FAILED,
		              "FAILED: an interrupted run stopped the connector and it "
		              "did not start again: %s",
		              err);
	const char *restarted = "";
	for (size_t i = 0; i < run.journal.nunfinished; i++)
		if (run.restarted[i])
			restarted =
			    "; the connector an interrupted run had stopped was started again";
	rc = places_open_sources(&run.pl, &cfg, err, sizeof(err));
	if (rc < 0)
		return finish(rc == -2 ? EXIT_USAGE : EXIT_FAILED, "FAILED: %s; nothing touched%s",
		              err, restarted);
	rc = places_open_quarantine(&run.pl, &cfg, err, sizeof(err));
	if (rc == -3)
		return finish(EXIT_DONE, "NOTHING TO DO: another run is using the quarantine %s%s",
		              cfg.quarantine, restarted);
	if (rc < 0)
		return finish(rc == -2 ? EXIT_USAGE : EXIT_FAILED, "FAILED: %s; nothing touched%s",
		              err, restarted);
	size_t unfinished = recover(now, act);
	if (!act)
		return finish(EXIT_DONE, "NOTHING TO DO: %s%s", why, run.recovered);
	/* One more would push the oldest out of what the journal keeps, and its files with it. */
	if (unfinished >= JOURNAL_UNFINISHED_MAX || run.journal.overflow)
		return finish(
		    EXIT_FAILED,
		    "REFUSED: %zu interrupted runs are still unfinished in %s/journal.tsv, "
		    "the most it keeps; each run retries them (this one did), and no new "
		    "run begins until fewer remain: see the syslog and their run "
		    "folders%s",
		    unfinished, cfg.state_dir, run.recovered);
	size_t recent = journal_runs_since(&run.journal, now - cfg.window);
	if ((long)recent >= cfg.max_runs) {
		char w[DURATION_BUFLEN];
		return finish(EXIT_FAILED,
		              "REFUSED: %zu remediations in the last %s (limit %ld); the connector "
		              "needs a person%s",
		              recent, duration_format(cfg.window, w, sizeof(w)), cfg.max_runs,
		              run.recovered);
	}
	if ((total = places_list(&run.pl, &cfg, false, &bytes, err, sizeof(err))) < 0)
		return finish(EXIT_FAILED, "FAILED: %s; nothing touched%s", err, run.recovered);
	if (total == 0)
		return finish(EXIT_DONE, "NOTHING TO DO: no .und files%s", run.recovered);
	if (places_space_check(&run.pl, err, sizeof(err)) < 0 ||
	    before_stop_checks(err, sizeof(err)) < 0)
		return finish(EXIT_FAILED, "FAILED: %s; nothing touched%s", err, run.recovered);
	return act_on_files(total, now);
}

int main(int argc, char **argv)
{
	char why[256] = "";
	int rc;

	sanitize_process();
	command_adopt_strays();
	run.t0 = mono_ms();
	run.pl.qfd = -1;
	settings_default(&cfg);
	rc = parse_args(argc, argv);
	if (rc)
		return rc;
	run.pl.deadline_ms = run_deadline_ms();
	openlog(PROGNAME, LOG_PID, LOG_DAEMON);
	catch_stop_signals();
	bool act = run.force || trigger_acts(&run.trig, cfg.soft_attempt, why, sizeof(why));
	rc = run.dry_run ? dry_run(act, why) : remediate(act, why);
	closelog();
	return rc;
}
