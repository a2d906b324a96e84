/*
 * ccmc_und_subagent: serves CCMC-UND-MIB to a net-snmp master agent over
 * AgentX. Scans run on a timer in a child process (lib/probe); requests
 * are answered from the last snapshot, never from the file system.
 */
#include "config.h"

#include "agent.h"
#include "agentopts.h"
#include "requests.h"
#include "clock.h"
#include "extraopts.h"
#include "watch.h"
#include "oidtable.h"
#include "output.h"
#include "probe.h"
#include "state.h"
#include "store.h"
#include "values.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* Ours, taken before net-snmp's headers define their own PACKAGE_VERSION. */
static const char version[] = PACKAGE_VERSION;

#include "netsnmp.h"
#include <net-snmp/agent/net-snmp-agent-includes.h>

#define PROGNAME "ccmc_und_subagent"

/* Set from signal handlers, so not in struct agent: the two requests a signal can make. */
static volatile sig_atomic_t keep_running = 1, reload_asked;

/* Serves next from now on, notifying each folder whose state changed. */
static void publish(struct agent *a, const struct agent_values *next)
{
	for (size_t i = 0; a->scanned_once && i < next->nfolders; i++)
		if (a->current.f[i].state != next->f[i].state)
			agent_notify_change(a, next, i, a->current.f[i].state);
	a->current = *next;
	oidtable_build(&a->current, a->opt.base, a->opt.base_len, &a->table);
}

/* Frees the scan in flight and serves next, which its end produced. */
static void scan_ended(struct agent *a, const struct agent_values *next)
{
	probe_free(&a->scan);
	a->scanning = false;
	publish(a, next);
	a->scanned_once = true;
}

/* Walks away from the scan in flight: its process may sit in a hung call, so it is reaped later.
 */
static void abandon_scan(struct agent *a)
{
	unregister_readfd(a->scan.rfd);
	probe_abandon(&a->scan);
	smb_pool_reset(&a->smb); /* a helper may be mid-answer, or hung with its server */
	if (a->nabandoned < sizeof(a->abandoned) / sizeof(a->abandoned[0]))
		a->abandoned[a->nabandoned++] = a->scan.pid;
}

static void scan_done(int fd, void *arg)
{
	static struct agent_values next;
	struct agent *a = arg;

	unregister_readfd(fd);
	snmp_alarm_unregister(a->scan_alarm);
	next = a->current;
	if (probe_finish(&a->scan) == 0) {
		values_from_probe(&a->opt.cfg, &a->scan, a->scan_wall, a->scan_mono_ms,
		                  (uint32_t)(mono_ms() - a->scan_mono_ms), &next);
	} else {
		values_failed(&a->opt.cfg, a->scan.failure, &next);
		smb_pool_reset(&a->smb); /* a helper may be mid-answer */
	}
	scan_ended(a, &next);
}

/* The scan hung (a stat on a lost share): walk away from it and go unknown. */
static void scan_timeout(unsigned reg, void *arg)
{
	static struct agent_values next;
	char why[VALUE_TEXT], hung[PATH_MAX + NAME_MAX + 64];

	struct agent *a = arg;

	(void)reg;
	abandon_scan(a);
	snprintf(why, sizeof(why), "scan timed out after %ds %.200s (hung share?)",
	         a->opt.cfg.timeout,
	         probe_hung_text(&a->opt.cfg.folders, &a->scan, hung, sizeof(hung)));
	char safe[sizeof(why) * 4];
	snmp_log(LOG_WARNING, "%s\n", name_escape(why, safe, sizeof(safe)));
	next = a->current;
	values_failed(&a->opt.cfg, why, &next);
	scan_ended(a, &next);
}

/* Scan processes left in a hung call are reaped once the kernel lets them go. */
static void reap_abandoned(struct agent *a)
{
	for (size_t i = 0; i < a->nabandoned;) {
		if (waitpid(a->abandoned[i], NULL, WNOHANG) != 0)
			a->abandoned[i] = a->abandoned[--a->nabandoned];
		else
			i++;
	}
}

static void scan_start(unsigned reg, void *arg)
{
	static struct agent_values next;
	struct agent *a = arg;

	(void)reg;
	reap_abandoned(a);
	if (a->scanning)
		return;
	a->opt.cfg.now = (int64_t)time(NULL);
	a->scan_wall = a->opt.cfg.now;
	a->scan_mono_ms = mono_ms();
	struct probe_opts o = watch_probe_opts(&a->opt.cfg);
	smb_pool_prepare(&a->smb, &a->opt.cfg.folders, &a->opt.cfg.smb, o.timeout_ms);
	o.pool = &a->smb;
	if (probe_start(&a->opt.cfg.folders, &o, &a->scan) != 0) {
		next = a->current;
		values_failed(&a->opt.cfg, a->scan.failure, &next);
		probe_free(&a->scan);
		publish(a, &next);
		return;
	}
	a->scanning = true;
	register_readfd(a->scan.rfd, scan_done, a);
	a->scan_alarm = snmp_alarm_register((unsigned)a->opt.cfg.timeout, 0, scan_timeout, a);
}

/* --- the daemon ---------------------------------------------------------------------------- */

/*
 * Signals wake the agent's select() through a pipe: a flag alone would wait
 * for the next event when the signal lands just before select() blocks.
 */
static int wake_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGHUP)
		reload_asked = 1;
	else
		keep_running = 0;
	if (wake_pipe[1] >= 0 && write(wake_pipe[1], "", 1) < 0) {
		/* full: a wake-up is already pending */
	}
	errno = saved;
}

static void reload(struct agent *a);

static void on_wake(int fd, void *arg)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	if (reload_asked) {
		reload_asked = 0;
		reload(arg);
	}
}

static void catch_signals(struct agent *a)
{
	struct sigaction sa;

	if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		err(1, "pipe2");
	}
	register_readfd(wake_pipe[0], on_wake, a);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static bool same_folders(const struct folder_list *a, const struct folder_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->f[i].path, b->f[i].path) != 0 ||
		    strcmp(a->f[i].name, b->f[i].name) != 0)
			return false;
	return true;
}

/* Options that shape the connection or the process; a reload cannot change them. */
static bool same_fixed(const struct agent_opts *a, const struct agent_opts *b)
{
	return !strcmp(a->agentx ? a->agentx : "", b->agentx ? b->agentx : "") &&
	       !strcmp(a->pidfile ? a->pidfile : "", b->pidfile ? b->pidfile : "") &&
	       !strcmp(a->user ? a->user : "", b->user ? b->user : "") && a->ping == b->ping &&
	       a->foreground == b->foreground && a->base_len == b->base_len &&
	       !memcmp(a->base, b->base, a->base_len * sizeof(a->base[0]));
}

/* A scan in flight was started with the old folders: walk away from it. */
static void drop_scan(struct agent *a)
{
	if (!a->scanning)
		return;
	snmp_alarm_unregister(a->scan_alarm);
	abandon_scan(a);
	probe_free(&a->scan);
	a->scanning = false;
}

/*
 * SIGHUP: read the command line and its --extra-opts files again. Bad
 * settings are refused and the old ones kept; the folders, thresholds,
 * time-out and interval take effect at once, with a new scan.
 */
static void reload(struct agent *a)
{
	static struct agent_opts next;
	char err[512];

	agentopts_default(&next);
	int rc = agentopts_parse(a->saved_argc, a->saved_argv, &next, err, sizeof(err));
	if (rc == 0 && next.show) {
		snprintf(err, sizeof(err), "--help and --version are not settings");
		rc = -1;
	}
	if (rc != 0) {
		char safe[sizeof(err) * 4];
		snmp_log(LOG_ERR, "reload refused, the settings stay as they were: %s\n",
		         name_escape(err, safe, sizeof(safe)));
		extra_opts_free(next.args, a->saved_argc, a->saved_argv);
		return;
	}
	if (!same_fixed(&a->opt, &next))
		snmp_log(LOG_WARNING, "reload: -x, -p, -u, -f, --ping-interval and --base-oid "
		                      "change only at a restart\n");
	drop_scan(a);
	smb_pool_reset(&a->smb); /* the helpers were started with the old folders and options */
	if (!same_folders(&a->opt.cfg.folders, &next.cfg.folders)) {
		/* Rows now name other folders: no notification until a scan sets a baseline. */
		static struct agent_values carried;
		a->scanned_once = false;
		values_carry(&a->current, &next.cfg, mono_ms(), &carried);
		a->current = carried;
		oidtable_build(&a->current, a->opt.base, a->opt.base_len, &a->table);
	}
	extra_opts_free(a->opt.args, a->saved_argc, a->saved_argv);
	a->opt.cfg = next.cfg;
	a->opt.interval = next.interval;
	a->opt.args = next.args;
	snmp_alarm_unregister(a->interval_alarm);
	a->interval_alarm =
	    snmp_alarm_register((unsigned)a->opt.interval, SA_REPEAT, scan_start, a);
	snmp_log(LOG_INFO, "reloaded: %zu folders, a scan every %ds\n", a->opt.cfg.folders.n,
	         a->opt.interval);
	scan_start(0, a);
}

static void write_pid(const struct agent *a)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (a->pid_fd >= 0 &&
	    (ftruncate(a->pid_fd, 0) < 0 || pwrite(a->pid_fd, buf, (size_t)n, 0) != n))
		warnx("cannot write %s", a->opt.pidfile);
}

/* One instance per pidfile. The daemon inherits the locked descriptor across daemon(). */
static void take_pidfile(struct agent *a)
{
	if (!a->opt.pidfile)
		return;
	a->pid_fd = open(a->opt.pidfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (a->pid_fd < 0) {
		err(1, "%s", a->opt.pidfile);
	}
	if (flock(a->pid_fd, LOCK_EX | LOCK_NB) < 0) {
		errx(1, "another instance holds %s", a->opt.pidfile);
	}
	/* The pid is written by the daemon itself: the starting process is about to exit. */
}

static void drop_privileges(const struct agent *a)
{
	struct passwd *pw;

	if (!a->opt.user)
		return;
	pw = getpwnam(a->opt.user);
	if (!pw || initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		errx(1, "cannot become %s", a->opt.user);
	}
}

static void become_daemon(const struct agent *a)
{
	if (a->opt.foreground)
		return;
	if (daemon(0, 0) < 0) {
		err(1, "daemon");
	}
}

/*
 * net-snmp only logs it when the master refuses a registration (another
 * agent already serves the tree), and runs on with nothing registered: a
 * subagent that answers nothing. The log line is the one sign, so read it.
 */
static volatile sig_atomic_t registration_refused;

static int on_log(int major, int minor, void *server, void *client)
{
	const struct snmp_log_message *m = server;

	(void)major;
	(void)minor;
	(void)client;
	if (m && m->msg && strstr(m->msg, "registering pdu failed"))
		registration_refused = 1;
	return 0;
}

static void exit_if_refused(const struct agent *a)
{
	char base[OIDTABLE_OID_MAX * 11 + 1];

	if (!registration_refused)
		return;
	oid_format(a->opt.base, a->opt.base_len, base, sizeof(base));
	snmp_log(LOG_ERR, "the master refused to register %s: another agent serves it\n", base);
	snmp_shutdown(PROGNAME);
	exit(1);
}

/* An AgentX subagent that reads no config file and loads no MIB. */
static void agent_setup(struct agent *a)
{
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	                   a->opt.ping);
	if (a->opt.agentx)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
		                      a->opt.agentx);
	if (a->opt.foreground)
		snmp_enable_stderrlog();
	else
		snmp_enable_syslog_ident(PROGNAME, LOG_DAEMON);
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_log, NULL);
	snmp_enable_calllog();
	init_agent(PROGNAME);
	agent_register_tree(a);
	init_snmp(PROGNAME);
	/* init_snmp sets its default (15 s); the reconnect timer reads it when the master goes. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	                   a->opt.ping);
}

int main(int argc, char **argv)
{
	static struct agent agent = {.pid_fd = -1};
	struct agent *a = &agent;
	a->saved_argc = argc;
	a->saved_argv = argv;
	int code;
	if (!agentopts_start(argc, argv, &a->opt, &code))
		return code;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN); /* until catch_signals() can reload */
	take_pidfile(a);
	become_daemon(a);
	write_pid(a); /* the daemon's own pid, under the lock the starter took */
	drop_privileges(a);
	agent_setup(a);
	catch_signals(a);

	values_init(&a->opt.cfg, mono_ms(), &a->current);
	oidtable_build(&a->current, a->opt.base, a->opt.base_len, &a->table);
	scan_start(0, a);
	a->interval_alarm =
	    snmp_alarm_register((unsigned)a->opt.interval, SA_REPEAT, scan_start, a);
	/* Where it looks for the master, from -x or the ini's agentx, said once: a wrong one
	 * otherwise shows only as a subagent that runs and serves nothing. */
	snmp_log(LOG_INFO, PROGNAME " %s started, AgentX master at %s\n", version,
	         a->opt.agentx ? a->opt.agentx : "/var/agentx/master (net-snmp's default)");
	exit_if_refused(a);
	while (keep_running) {
		agent_check_and_process(1);
		exit_if_refused(a); /* also when a reconnect is refused */
	}
	snmp_log(LOG_INFO, PROGNAME " stopping\n");
	snmp_shutdown(PROGNAME);
	extra_opts_free(a->opt.args, a->saved_argc, a->saved_argv);
	return 0;
}
