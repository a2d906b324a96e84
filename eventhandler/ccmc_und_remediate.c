/*
 * ccmc_und_remediate: the event handler that carries out the fix of article
 * Q212788 when the check goes CRITICAL: stop the connector, move the .und
 * files out of Import and Export into a quarantine, start the connector.
 * A kill at any instruction loses no file; the next run finishes the work.
 * main reads straight through: clean the process, parse, decide, then
 * finish unfinished runs, look, stop, move, start, report.
 */
#include "config.h"

#include "clock.h"
#include "command.h"
#include "dryrun.h"
#include "duration.h"
#include "mover.h"
#include "options.h"
#include "output.h"
#include "probe.h"
#include "run.h"
#include "smburl.h"
#include "unfinished.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define PROGNAME "ccmc_und_remediate"

/* How long the store may take to be looked at before the connector is stopped. */
#define STORE_TIMEOUT_MS 5000

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

/* Moves the files, with the connector confirmed stopped. */
static void move_all(struct run *r, struct mover *m)
{
	for (size_t i = 0; i < r->pl.nsrc; i++)
		m->files_total += r->pl.list[i].n;
	for (size_t i = 0; i < r->pl.nsrc; i++)
		if (move_folder(m, i, &r->pl.src[i], &r->pl.list[i]) < 0)
			break;
}

/*
 * With the connector running again: the hashes and manifest lines of the
 * renamed files, then the run's end. A connector that did not start leaves
 * the run unfinished, so that the next run starts it.
 */
static bool finish_moves(struct run *r, struct mover *m, const char *id, int64_t now, bool we_stop,
                         bool running, char *connector, size_t len)
{
	char why[1024];

	mover_end(m);
	/* A late stop (a wrapper's, a person's) after our start: started again, or the run stays
	 * open so that the next run starts it. A connector found stopped is left as it was. */
	if (we_stop && running && connector_confirm(&r->conn, why, sizeof(why)) < 0) {
		snprintf(connector, len,
		         "connector stopped again after its start, and did not "
		         "start: %s",
		         why);
		running = false;
	}
	/* Lines not written, deletes not confirmed, and a command that could not be killed keep
	 * the run unfinished: the next run's recovery finishes them, and checks the connector. */
	if (running && !r->conn.stray && m->st.unrecorded == 0 && m->st.unsettled == 0)
		journal_append(&r->journal, now, id, "end", "done");
	if (r->verbose)
		report_detail(
		    &r->rep,
		    "manifest: %s/manifest.tsv; %lld renamed, %lld copied and verified, %lld "
		    "bytes",
		    m->run_path, (long long)m->st.renamed, (long long)m->st.copied,
		    (long long)m->st.bytes);
	return running;
}

/*
 * Whatever can be checked before the connector is stopped is checked then:
 * each command's program, and that the quarantine can be written.
 */
static int before_stop_checks(const struct run *r, char *err, size_t errlen)
{
	if (connector_check(&r->conn, err, errlen) < 0)
		return -1;
	if (faccessat(r->pl.qfd, ".", W_OK | X_OK, AT_EACCESS) < 0) {
		snprintf(err, errlen, "quarantine %s cannot be written: %s", r->cfg.quarantine,
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
static int stop_or_report(struct run *r, struct mover *m, const char *id, int64_t now)
{
	char why[1024], start_why[1024];

	if (journal_append(&r->journal, now, id, "stop", NULL) != 0)
		return report_untouched(&r->rep, EXIT_FAILED, "FAILED: cannot write the journal");
	if (connector_stop(&r->conn, why, sizeof(why)) == 0)
		return 0;
	/* Windows refuses to start a service still stop pending: the start waits for it. */
	connector_settle(&r->conn);
	if (connector_start(&r->conn, start_why, sizeof(start_why)) < 0)
		return report_finish(
		    &r->rep, EXIT_FAILED,
		    "FAILED: connector %s; no file touched; connector did not start: %s%s", why,
		    start_why, r->rep.recovered);
	journal_append(&r->journal, now, id, "start", NULL);
	/* A command left running may still stop it: the next run checks the connector, and
	 * finds the run folder (empty) that says the run was not lost. */
	if (!r->conn.stray) {
		journal_append(&r->journal, now, id, "end", "not stopped");
		mover_discard(m, r->pl.qfd);
	} else {
		mover_end(m);
	}
	return report_finish(&r->rep, EXIT_FAILED,
	                     "FAILED: connector %s; no file touched; connector started again%s%s",
	                     why, r->conn.stray ? " (the next run checks it again)" : "",
	                     r->rep.recovered);
}

/*
 * Starts the connector again when we stopped it. Writes how the connector
 * ended into connector; false when it did not start.
 */
static bool restart(struct run *r, const char *id, int64_t now, bool we_stop, int64_t t_stop,
                    char *connector, size_t len)
{
	char why[1024];

	if (!we_stop) {
		snprintf(connector, len, "connector was stopped before and is left stopped");
	} else if (connector_start(&r->conn, why, sizeof(why)) < 0) {
		snprintf(connector, len, "connector did not start: %s", why);
		return false;
	} else {
		journal_append(&r->journal, now, id, "start", NULL);
		snprintf(connector, len, "connector restarted in %llds",
		         (long long)((mono_ms() - t_stop + 999) / 1000));
	}
	return true;
}

/* Stops, moves, starts. Everything before the stop is checked first. */
static int act_on_files(struct run *r, int64_t total, int64_t now)
{
	struct mover m = {.now = now};
	char id[RUN_ID_LEN + 1], connector[1200], why[1024];
	enum svc_state state;
	int64_t t_stop;
	int rc;

	if (connector_now(&r->conn, &state, why, sizeof(why)) < 0)
		return report_untouched(&r->rep, EXIT_FAILED, "FAILED: %s", why);
	if (r->conn.unworded) {
		report_detail(
		    &r->rep,
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
		return report_untouched(
		    &r->rep, EXIT_FAILED,
		    "FAILED: SIGTERM or SIGINT before the connector was stopped");
	new_run_id(id);
	m.run_id = id;
	m.stop_asked = &stop_asked;
	if (r->force && isatty(STDOUT_FILENO))
		m.on_progress = report_progress;
	m.deadline_ms = run_moving_end_ms(r);
	/* Looking at a slow store may have used the time the stop and the moving need. */
	if (mono_ms() + r->cfg.stop_timeout * 1000 >= m.deadline_ms)
		return report_untouched(&r->rep, EXIT_FAILED,
		                        "FAILED: %llds of the %llds deadline are gone, too few to "
		                        "stop the connector and move files",
		                        (long long)((mono_ms() - r->t0) / 1000),
		                        (long long)r->cfg.deadline);
	/* The hashes go on after the start, up to the run's end, less a status's confirmation. */
	m.end_ms = r->conn.end_ms - 1000;
	mover_init(&m, r->pl.qpath);
	if (journal_append(&r->journal, now, id, "begin", m.run_path) != 0)
		return report_untouched(&r->rep, EXIT_FAILED,
		                        "FAILED: cannot write the journal in %s", r->cfg.state_dir);
	/* Made before the stop, so that a run the journal shows stopping always has one. */
	rc = mover_begin(&m, r->pl.qfd);
	if (rc != 0) {
		journal_append(&r->journal, now, id, "end", "no run folder");
		return report_untouched(&r->rep, EXIT_FAILED,
		                        "FAILED: cannot make the run folder %s: %s", m.run_path,
		                        strerror(rc));
	}
	places_open_lanes(&r->pl, &r->cfg);
	t_stop = mono_ms();
	if (we_stop && (rc = stop_or_report(r, &m, id, now)) != 0)
		return rc;
	move_all(r, &m);
	places_close_shares(&r->pl);
	bool running = restart(r, id, now, we_stop, t_stop, connector, sizeof(connector));
	running = finish_moves(r, &m, id, now, we_stop, running, connector, sizeof(connector));
	return report_moves(&r->rep, &r->pl, &m, total, running, connector);
}

static int remediate(struct run *r, bool act, const char *why)
{
	char err[PATH_MAX + 256];
	int64_t now = time(NULL), bytes, total;

	if (act && places_store_answers(&r->cfg, now, STORE_TIMEOUT_MS, err, sizeof(err)) < 0)
		return report_untouched(&r->rep, EXIT_FAILED, "FAILED: %s", err);
	int rc = journal_open(r->cfg.state_dir, now, &r->journal, err, sizeof(err));
	if (rc == EWOULDBLOCK)
		return report_finish(&r->rep, EXIT_DONE,
		                     "NOTHING TO DO: another run is in progress (lock %s/lock)",
		                     r->cfg.state_dir);
	if (rc)
		return report_untouched(&r->rep, EXIT_FAILED, "FAILED: %s", err);
	if (r->journal.future)
		syslog(LOG_WARNING,
		       "%zu run%s in %s/journal.tsv began after now: the clock was set back; "
		       "counted as now for --max-runs",
		       r->journal.future, r->journal.future == 1 ? "" : "s", r->cfg.state_dir);
	if (unfinished_restart(r, now, err, sizeof(err)) < 0)
		return report_finish(&r->rep, EXIT_FAILED,
		                     "FAILED: an interrupted run stopped the connector and it "
		                     "did not start again: %s",
		                     err);
	/* Until recovery says it of each run, an exit says the connector was started again. */
	for (size_t i = 0; i < r->journal.nunfinished; i++)
		if (r->restarted[i]) {
			report_recovered(&r->rep, "; the connector an interrupted run had stopped "
			                          "was started again");
			break;
		}
	enum place_result opened = places_open_sources(&r->pl, &r->cfg, err, sizeof(err));
	if (opened == PLACE_OPEN)
		opened = places_open_quarantine(&r->pl, &r->cfg, err, sizeof(err));
	if (opened == PLACE_BUSY)
		return report_finish(&r->rep, EXIT_DONE,
		                     "NOTHING TO DO: another run is using the quarantine %s%s",
		                     r->cfg.quarantine, r->rep.recovered);
	if (opened != PLACE_OPEN)
		return report_untouched(&r->rep, opened == PLACE_REFUSED ? EXIT_USAGE : EXIT_FAILED,
		                        "FAILED: %s", err);
	r->rep.recovered[0] = '\0';
	size_t unfinished = unfinished_finish(r, now, act);
	if (!act)
		return report_finish(&r->rep, EXIT_DONE, "NOTHING TO DO: %s%s", why,
		                     r->rep.recovered);
	/* One more would push the oldest out of what the journal keeps, and its files with it. */
	if (unfinished >= JOURNAL_UNFINISHED_MAX || r->journal.overflow)
		return report_finish(
		    &r->rep, EXIT_FAILED,
		    "REFUSED: %zu interrupted runs are still unfinished in %s/journal.tsv, "
		    "the most it keeps; each run retries them (this one did), and no new "
		    "run begins until fewer remain: see the syslog and their run "
		    "folders%s",
		    unfinished, r->cfg.state_dir, r->rep.recovered);
	size_t recent = journal_runs_since(&r->journal, now - r->cfg.window);
	if ((long)recent >= r->cfg.max_runs) {
		char w[DURATION_BUFLEN];
		return report_finish(
		    &r->rep, EXIT_FAILED,
		    "REFUSED: %zu remediations in the last %s (limit %ld); the connector "
		    "needs a person%s",
		    recent, duration_format(r->cfg.window, w, sizeof(w)), r->cfg.max_runs,
		    r->rep.recovered);
	}
	if ((total = places_list(&r->pl, &r->cfg, false, &bytes, err, sizeof(err))) < 0)
		return report_untouched(&r->rep, EXIT_FAILED, "FAILED: %s", err);
	if (total == 0)
		return report_finish(&r->rep, EXIT_DONE, "NOTHING TO DO: no .und files%s",
		                     r->rep.recovered);
	if (places_space_check(&r->pl, err, sizeof(err)) < 0 ||
	    before_stop_checks(r, err, sizeof(err)) < 0)
		return report_untouched(&r->rep, EXIT_FAILED, "FAILED: %s", err);
	return act_on_files(r, total, now);
}

int main(int argc, char **argv)
{
	static struct run run; /* its lists are too big for the stack */
	struct run *r = &run;
	char why[256] = "";
	int code;

	sanitize_process();
	command_adopt_strays();
	r->t0 = mono_ms();
	r->pl.qfd = -1;
	settings_default(&r->cfg);
	if (!options_parse(argc, argv, r, &code))
		return code;
	r->pl.deadline_ms = run_moving_end_ms(r);
	openlog(PROGNAME, LOG_PID, LOG_DAEMON);
	catch_stop_signals();
	bool act = r->force || trigger_acts(&r->trig, r->cfg.soft_attempt, why, sizeof(why));
	code = r->dry_run ? dry_run(r, act, why) : remediate(r, act, why);
	closelog();
	return code;
}
